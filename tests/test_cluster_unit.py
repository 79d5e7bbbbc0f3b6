"""``bakeoff.cluster`` without a cluster: shipping the project, the settings on the wire, and
how a machine's outcome is decided from its task and its worker (fake futures)."""

from __future__ import annotations

import io
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bakeoff import cluster, config
from bakeoff.errors import ClusterError
from bakeoff.plan import StopRule
from bakeoff.results import ResultsDocument


def _project(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text('{"name": "shipped", "version": "1.2.3"}')
    (root / "src" / "app.mjs").write_text("console.log('hi')\n")
    (root / "bakeoff.toml").write_text('[bakeoff]\nruntimes = ["node@lts"]\n')
    (root / "node_modules" / "dep").mkdir(parents=True)
    (root / "node_modules" / "dep" / "index.js").write_text("x")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref")
    (root / "out").mkdir()
    (root / "out" / "results.json").write_text("{}")
    return root


def test_pack_ships_sources_only_and_unpacks(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    archive = cluster.pack(root, exclude=["out"])
    dest = tmp_path / "worker"
    cluster.unpack(archive.data, dest)
    shipped = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert shipped == ["bakeoff.toml", "package.json", "src/app.mjs"]
    assert archive.files == 3
    # the content hash ignores the tarball's own bytes (mtimes) but not the sources
    assert cluster.pack(root, exclude=["out"]).sources_sha256 == archive.sources_sha256
    (root / "src" / "app.mjs").write_text("console.log('changed')\n")
    assert cluster.pack(root, exclude=["out"]).sources_sha256 != archive.sources_sha256


def test_unpack_refuses_a_member_outside_the_folder(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises((ClusterError, tarfile.TarError)):
        cluster.unpack(buf.getvalue(), tmp_path / "dest")
    assert not (tmp_path / "escape.txt").exists()


def test_settings_survive_the_wire(tmp_path: Path) -> None:
    rule = StopRule(precision=0.05, min_runs=4, max_runs=9, warmups=0)
    settings = {"rule": rule, "threshold": 0.03, "budget_s": None, "seed": 5, "value": object()}
    plain = cluster.plain_settings(settings)
    assert "value" not in plain and plain["rule"]["max_runs"] == 9
    cfg = config.Config()
    back = cluster.settings_from_plain(plain, cfg)
    assert back["rule"] == rule and back["threshold"] == 0.03 and back["value"] is cfg.value


def test_jobs_carry_the_project_identity(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    archive = cluster.pack(root)
    settings = {"rule": StopRule(), "threshold": 0.02}
    jobs = cluster.make_jobs(
        ["a", "b"], root / "bakeoff.toml", archive, ["startup"], settings, [], True, ["bakeoff"]
    )
    assert [j.label for j in jobs] == ["a", "b"] and jobs[0].key != jobs[1].key
    assert jobs[0].project["name"] == "shipped"
    assert jobs[0].project["sources_sha256"] == archive.sources_sha256


# -- outcomes from fake futures ---------------------------------------------------------------


@dataclass
class FakeFuture:
    status: str = "pending"
    value: Any = None
    error: BaseException | None = None
    cancelled: bool = False

    def done(self) -> bool:
        return self.status in ("finished", "error", "cancelled")

    def result(self) -> Any:
        return self.value

    def exception(self) -> BaseException | None:
        return self.error

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class FakeStop:
    asked: list[bool] = field(default_factory=list)

    def set(self) -> None:
        self.asked.append(True)


def _pending(future: FakeFuture, started: float | None = None, worker: str = "") -> Any:
    job = cluster.Job("arm", "k", b"", "bakeoff.toml", ("startup",), True, (), {}, ())
    p = cluster._Pending(job, future, started or time.monotonic(), FakeStop())
    p.worker = worker
    return p


WORKERS = {"tcp://w1": {"resources": {"arm": 1}}, "tcp://w2": {"resources": {"x86": 1}}}


def test_a_finished_task_gives_its_document() -> None:
    doc = ResultsDocument(machine_label="arm")
    fut = FakeFuture("finished", {"document": doc.to_json(), "error": None, "worker": "tcp://w1"})
    out = cluster._check(_pending(fut), set(WORKERS), WORKERS, 60, 5)
    assert out is not None and out.document is not None and out.failure is None
    assert out.document.machine_label == "arm" and out.worker == "tcp://w1"


def test_a_worker_that_left_is_a_recorded_failure() -> None:
    fut = FakeFuture()
    p = _pending(fut, worker="tcp://w1")
    out = cluster._check(p, {"tcp://w2"}, WORKERS, 60, 5)
    assert out is not None and out.document is None
    assert out.failure and "tcp://w1 left the cluster" in out.failure
    assert fut.cancelled and p.stop.asked


def test_no_capable_worker_left_before_it_started() -> None:
    out = cluster._check(_pending(FakeFuture()), {"tcp://w2"}, WORKERS, 60, 5)
    assert out is not None and out.failure and "no worker advertising 'arm'" in out.failure


def test_timeout_asks_to_stop_then_gives_up_after_the_grace() -> None:
    fut = FakeFuture()
    p = _pending(fut, started=time.monotonic() - 100, worker="tcp://w1")
    assert cluster._check(p, set(WORKERS), WORKERS, 10, 30) is None
    assert p.stop.asked and p.why_stopped == "timed out after 10 s"
    p.stop_asked = time.monotonic() - 31
    out = cluster._check(p, set(WORKERS), WORKERS, 10, 30)
    assert out is not None and out.timed_out and out.failure
    assert "returned nothing within 30 s" in out.failure and fut.cancelled


def test_a_timed_out_machine_that_returns_keeps_its_partial_document() -> None:
    doc = ResultsDocument(status="interrupted")
    fut = FakeFuture()
    p = _pending(fut, started=time.monotonic() - 100, worker="tcp://w1")
    cluster._check(p, set(WORKERS), WORKERS, 10, 30)
    fut.status, fut.value = "finished", {"document": doc.to_json(), "error": None}
    out = cluster._check(p, set(WORKERS), WORKERS, 10, 30)
    assert out is not None and out.document is not None and out.timed_out
    assert out.failure and "what it measured is kept" in out.failure


def test_a_task_that_raised_is_a_recorded_failure() -> None:
    fut = FakeFuture("error", error=ModuleNotFoundError("No module named 'bakeoff'"))
    out = cluster._check(_pending(fut, worker="tcp://w1"), set(WORKERS), WORKERS, 60, 5)
    assert out is not None and out.failure and "No module named 'bakeoff'" in out.failure


def test_unreachable_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed")
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        cluster.connect(f"tcp://127.0.0.1:{port}", timeout_s=2)
    assert time.monotonic() - started < 30


@dataclass
class FakeWorker:
    sent: list[dict[str, Any]] = field(default_factory=list)

    def log_event(self, topic: str, msg: dict[str, Any]) -> None:
        assert topic == cluster.TOPIC
        self.sent.append(msg)


@dataclass
class FakeEvent:
    flag: bool = False

    def is_set(self) -> bool:
        return self.flag


def test_worker_reports_progress_and_stops_when_asked() -> None:
    from bakeoff.events import Event

    job = cluster.Job("arm", "k1", b"", "bakeoff.toml", ("startup",), True, (), {}, ())
    worker, stop = FakeWorker(), FakeEvent()
    report = cluster._Reporter(job, worker, stop)
    report(Event("case_start", suite="startup", case="hello", total=30))
    for i in range(50):  # a burst of runs is thinned out, case boundaries always go through
        report(Event("run", suite="startup", case="hello", contestant="bun", done=i))
    report(Event("case_end", suite="startup", case="hello"))
    kinds = [m["kind"] for m in worker.sent]
    assert kinds[0] == "case_start" and kinds[-1] == "case_end"
    assert 1 <= kinds.count("run") < 50
    assert all(m["label"] == "arm" and m["key"] == "k1" for m in worker.sent)
    stop.flag = True
    report.last_check -= 2  # the stop request is read at most once a second
    with pytest.raises(KeyboardInterrupt):
        report(Event("run", suite="startup", case="hello", contestant="bun", done=51))


def test_run_cluster_options_are_checked_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bakeoff.cli import main

    _project(tmp_path / "p")
    monkeypatch.chdir(tmp_path / "p")
    assert main(["run", "--machines", "a,b"]) == 2
    assert "--machines needs --cluster" in capsys.readouterr().err
    assert main(["run", "--cluster", "tcp://127.0.0.1:1"]) == 2
    assert "needs --machines" in capsys.readouterr().err
    assert main(["run", "--cluster", "tcp://127.0.0.1:1", "--machines", "a,a"]) == 2
    assert "named twice" in capsys.readouterr().err
    assert main(["run", "--cluster", "tcp://127.0.0.1:1", "--machines", "a b"]) == 2
    assert "machine label 'a b'" in capsys.readouterr().err
