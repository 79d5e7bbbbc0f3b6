"""``python -m bakeoff``."""

from bakeoff.cli import entry

entry()
