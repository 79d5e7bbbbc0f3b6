"""Benchmark: how fast the command line starts. Target: ``bakeoff --help``, ``--version`` and
``bakeoff <cmd> --help`` each at most 0.3 s (median) — they import no NumPy, SciPy or pydantic.

Measured with hyperfine (``-N``: no shell) in the same run as three references: the bare
interpreter, ``import click, rich.console`` (the floor any Click + Rich tool pays) and
``import bakeoff.session`` (the measuring machinery, which ``--help`` used to import). Rounds
alternate over all commands so drift on a noisy machine hits each alike; the medians pool every
round. Peak RSS comes from GNU time when it is installed.

    .venv/bin/python benchmarks/bench_cli.py [--rounds 3] [--runs 20]

hyperfine: ``apt-get install -y hyperfine`` (Debian/Ubuntu), ``brew install hyperfine`` (macOS).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

from common import gnu_time_maxrss_kb, hyperfine_times, need, table

TARGET_MS = 300.0


def bakeoff_binary() -> str:
    local = Path(sys.executable).parent / "bakeoff"
    found = str(local) if local.is_file() else shutil.which("bakeoff")
    if found is None:
        sys.exit("bakeoff is not installed in this environment: run `make` first")
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=20, help="hyperfine runs per command per round")
    args = ap.parse_args()
    need(
        "hyperfine",
        "apt-get install -y hyperfine (Debian/Ubuntu), brew install hyperfine (macOS), "
        "or cargo install hyperfine",
    )
    exe = bakeoff_binary()
    py = sys.executable
    commands: list[tuple[str, list[str], bool]] = [  # (label, argv, has the 0.3 s target)
        ("bakeoff --help", [exe, "--help"], True),
        ("bakeoff --version", [exe, "--version"], True),
        ("bakeoff report --help", [exe, "report", "--help"], True),
        ("bakeoff serve --help", [exe, "serve", "--help"], True),
        ("bakeoff demo --help", [exe, "demo", "--help"], True),
        ("ref: python -c pass", [py, "-c", "pass"], False),
        ("ref: import click, rich.console", [py, "-c", "import click, rich.console"], False),
        ("ref: import bakeoff.session", [py, "-c", "import bakeoff.session"], False),
    ]
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {label: [] for label, _, _ in commands}
    for _ in range(args.rounds):
        for label, argv, _ in commands:
            times[label] += hyperfine_times(argv, args.runs, warmup=3)
    floor = statistics.median(times["ref: import click, rich.console"])
    heavy = statistics.median(times["ref: import bakeoff.session"])
    have_time = Path("/usr/bin/time").exists()
    rows = []
    misses = 0
    for label, argv, targeted in commands:
        t = sorted(times[label])
        med = statistics.median(t)
        q1, q3 = statistics.quantiles(t, n=4)[0], statistics.quantiles(t, n=4)[2]
        ok = "–"
        if targeted:
            ok = "ok" if med <= TARGET_MS else "MISS"
            misses += med > TARGET_MS
        rss = f"{gnu_time_maxrss_kb(argv) / 1024:.0f}" if have_time else "–"
        rows.append(
            (
                label,
                len(t),
                f"{med:.1f}",
                f"{q1:.1f}–{q3:.1f}",
                f"{t[0]:.1f}–{t[-1]:.1f}",
                f"{med / floor:.2f}",
                f"{med / heavy:.2f}",
                rss,
                ok,
            )
        )
    print(
        table(
            rows,
            (
                "command",
                "n",
                "median ms",
                "IQR ms",
                "min–max ms",
                "× click+rich",
                "× bakeoff.session",
                "peak RSS MB",
                f"≤ {TARGET_MS:.0f} ms",
            ),
        )
    )
    print(
        f"\nhyperfine -N, {args.rounds} rounds × {args.runs} runs per command (3 warm-ups each); "
        f"the 'x' columns are ratios of medians measured in this run; load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} cores "
        "(on a busy machine compare the ratios: absolute times include waiting for a CPU)."
    )
    if not have_time:
        print("peak RSS not measured: GNU time is not installed (apt-get install time)")
    sys.exit(1 if misses else 0)


if __name__ == "__main__":
    main()
