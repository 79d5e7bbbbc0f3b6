"""The plan stage: what a run will measure and how it decides — the contestants and their
toolchains, the primary endpoint of each surface, the sequential rule and the stopping rule.
The pipeline reads config → plan → measure → results → analysis → value → decide → render
(``tests/test_layers.py`` enforces it)."""
