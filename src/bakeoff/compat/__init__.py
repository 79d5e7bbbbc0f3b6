"""Compatibility checks: the probe suite runner, the project scan, package smoke tests and
single-file packaging. ``bakeoff.suites.compat`` ties them into one suite."""
