"""The suites' names, in canonical order: plain data with no imports, so the command line can
show them in ``--help`` without loading the suites (``catalog`` builds the suites)."""

from __future__ import annotations

NAMES = ("startup", "serve", "install", "test", "build", "ci", "compat")
DEVLOOP = ("install", "test", "build", "ci")
