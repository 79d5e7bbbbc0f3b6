"""Bounds on configuration values (stdlib only: the CLI reads them at ``--help`` time, where
``bakeoff.config`` and pydantic are not loaded)."""

MAX_FILE_BYTES = 1 << 20
MAX_DEPTH = 16  # tables and arrays inside each other
MAX_ITEMS = 10_000  # entries in one array or table
MAX_DURATION_S = 7 * 86400.0
MIN_DURATION_S = 0.001
MAX_RUNS = 100_000
MAX_REPS = 1000
MAX_RATE = 1_000_000.0  # requests per second
MAX_WEIGHT = 1000
MAX_TOTAL_WEIGHT = 10_000
MAX_PRICE_NUMBER = 10**15
