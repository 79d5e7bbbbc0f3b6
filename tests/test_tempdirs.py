"""Temporary folders a killed run leaves are swept by the next run; nothing else is touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bakeoff import tempdirs


def _made_by_a_process_that_was_killed(where: Path) -> Path:
    code = (
        "import os, sys, tempfile; tempfile.tempdir = sys.argv[1]\n"
        "from bakeoff import tempdirs\n"
        "p = tempdirs.make('bakeoff-work-')\n"
        "(p / 'node_modules').mkdir(); (p / 'node_modules' / 'x.js').write_text('x' * 300000)\n"
        "print(p, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(where)], capture_output=True, text=True, check=False
    )
    assert out.returncode == -9
    return Path(out.stdout.strip())


def test_a_killed_runs_folder_is_swept_and_a_live_ones_kept(tmp_path: Path) -> None:
    dead = _made_by_a_process_that_was_killed(tmp_path)
    assert dead.is_dir()
    mine = tempdirs.make("bakeoff-run-", tmp_path)
    unmarked = tmp_path / "bakeoff-results-kept"  # a results fallback: kept on purpose
    unmarked.mkdir()
    other = tmp_path / "someone-else"
    other.mkdir()
    swept = tempdirs.sweep(tmp_path)
    assert swept.folders == 1 and swept.mb > 0
    assert not dead.exists()
    assert mine.is_dir() and unmarked.is_dir() and other.is_dir()


def test_a_reused_pid_is_not_the_owner(tmp_path: Path) -> None:
    folder = tempdirs.make("bakeoff-work-", tmp_path)
    # same pid as ours, another start time: the process that made it is gone
    (folder / tempdirs.MARK).write_text(f"{os.getpid()} 1\n")
    if not Path(f"/proc/{os.getpid()}/stat").is_file():
        pytest.skip("start times need /proc")
    assert tempdirs.sweep(tmp_path).folders == 1


def test_directory_removes_its_folder_and_names_are_ours(tmp_path: Path) -> None:
    with tempdirs.directory("bakeoff-project-") as path:
        assert (path / tempdirs.MARK).is_file()
    assert not path.exists()
    with pytest.raises(ValueError):
        tempdirs.make("other-", tmp_path)
