"""Results are never lost to a write error: output locations are checked before measuring,
and a save that still fails goes to a temporary folder whose path is printed."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import tarfile
import tempfile
from pathlib import Path

import pytest

from bakeoff.cli import guard, main
from bakeoff.errors import UsageError
from bakeoff.runtimes import unpack

# The fake runtime replaces the output folder with a regular file while it is measured, so the
# folder that passed the check before measuring cannot be written at the end.
SABOTEUR = """#!/bin/sh
if [ "$1" = "--version" ]; then echo v24.1.0; exit 0; fi
rm -rf "$OUT"; echo gotcha > "$OUT"
"""


def test_output_locations_are_checked_before_measuring(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    (tmp_path / "folder").mkdir()
    guard.check_outputs(tmp_path / "new" / "deeper", {"--json": tmp_path / "new" / "r.json"})
    for folder, files, message in [
        (afile / "sub", {}, "is not a folder"),
        (afile, {}, "exists and is not a folder"),
        (tmp_path / "ok", {"--json": tmp_path / "folder"}, "--json .*: it is a folder"),
        (tmp_path / "ok", {"--markdown": afile / "r.md"}, "--markdown .*is not a folder"),
        (Path("/proc/bakeoff-nope"), {}, "not writable"),
    ]:
        with pytest.raises(UsageError, match=message):
            guard.check_outputs(folder, files)
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_a_save_that_fails_at_the_end_goes_to_a_temporary_folder(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    node = tmp_path / "node"
    node.write_text(SABOTEUR)
    node.chmod(0o755)
    out = tmp_path / "out"
    monkeypatch.setenv("OUT", str(out))
    # the fallback folder is a temporary one: here in a short folder of the test's own, removed
    # afterwards (one was left in /tmp per test run); short, so the printed path does not wrap
    short = Path(tempfile.mkdtemp(prefix="bo-"))
    request.addfinalizer(lambda: shutil.rmtree(short, ignore_errors=True))
    monkeypatch.setattr(tempfile, "tempdir", str(short))
    quick = ["--case", "hello", "--min-runs", "2", "--max-runs", "2", "--warmups", "0"]
    code = main(["startup", "-r", str(node), *quick, "--out", str(out)])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2, err
    assert "could not save the results" in err
    fallback = Path(err.split("saved to ")[1].split()[0].rstrip(";"))
    assert "bakeoff-results-" in fallback.name and fallback.is_relative_to(short)
    doc = json.loads((fallback / "results.json").read_text())
    assert doc["measurements"]
    assert out.read_text() == "gotcha\n"


def test_the_fallback_filter_for_pythons_without_the_data_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("package/bin/tool")
        data = b"#!/bin/sh\n"
        info.size, info.mode, info.uid = len(data), 0o6777, 4242
        tar.addfile(info, io.BytesIO(data))
    monkeypatch.setattr(unpack, "_DATA_FILTER", None)
    buf.seek(0)
    with tarfile.open(fileobj=buf, mode="r:gz") as tar:
        unpack.safe_extract(tar, tmp_path)
    st = (tmp_path / "package/bin/tool").stat()
    assert st.st_mode & 0o7777 == 0o755 and st.st_uid == os.getuid()


def test_a_signal_while_saving_waits_until_the_results_are_written() -> None:
    written = []
    with guard.signals_handled():
        with pytest.raises(guard.Terminated), guard.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            written.append("results")  # without the deferral, Terminated comes first
        assert written == ["results"] and guard.exit_code(130) == 143
