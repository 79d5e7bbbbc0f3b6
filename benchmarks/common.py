"""Shared helpers for the benchmark scripts: provisioning the runtimes, finding independent
instruments (hyperfine, GNU time), and printing results as aligned tables."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bakeoff.runtimes.provision import Provisioner, Runtime

HELLO = "console.log('hello world');\n"
ALLOC_200MB = (
    "const chunks = [];\n"
    "for (let i = 0; i < 200; i++) chunks.push(Buffer.alloc(1024 * 1024, i));\n"
    "console.log(chunks.length);\n"
)


def need(tool: str, how: str) -> str:
    path = shutil.which(tool)
    if path is None:
        sys.exit(f"this benchmark needs {tool}, which is not on PATH: {how}")
    return path


def runtimes(specs: Sequence[str] = ("node@lts", "bun@latest", "deno@latest")) -> list[Runtime]:
    prov = Provisioner()
    return [prov.ensure(s) for s in specs]


def script_dir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="bakeoff-bench-"))
    (d / "hello.mjs").write_text(HELLO)
    (d / "alloc.mjs").write_text(ALLOC_200MB)
    return d


def argv_for(rt: Runtime, script: Path) -> list[str]:
    if rt.name == "deno":
        return [str(rt.binary), "run", "--allow-all", str(script)]
    return [str(rt.binary), str(script)]


def hyperfine_times(argv: Sequence[str], runs: int | None, warmup: int = 3) -> list[float]:
    """Wall times in ms from ``hyperfine -N`` (no shell). ``runs=None`` keeps its defaults."""
    with tempfile.NamedTemporaryFile(suffix=".json") as fh:
        cmd = [
            need("hyperfine", "apt-get install hyperfine"),
            "-N",
            "--style",
            "none",
            "--warmup",
            str(warmup),
            "--export-json",
            fh.name,
        ]
        if runs is not None:
            cmd += ["--runs", str(runs)]
        # hyperfine -N splits the command line with POSIX shell-words rules
        subprocess.run([*cmd, shlex.join(argv)], check=True, stdout=subprocess.DEVNULL)
        data = json.loads(Path(fh.name).read_text())
    return [t * 1000 for t in data["results"][0]["times"]]


def gnu_time_maxrss_kb(argv: Sequence[str]) -> int:
    """Peak RSS as GNU ``/usr/bin/time -v`` reports it."""
    time_bin = "/usr/bin/time"
    if not Path(time_bin).exists():
        sys.exit("this benchmark needs GNU time at /usr/bin/time: apt-get install time")
    proc = subprocess.run([time_bin, "-v", *argv], capture_output=True, text=True, check=True)
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError("GNU time printed no maximum RSS")


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
