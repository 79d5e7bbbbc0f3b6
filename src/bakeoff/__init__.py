"""bakeoff: an honest, side-by-side evaluation of JavaScript runtimes on your own project."""

__version__ = "0.1.0"
