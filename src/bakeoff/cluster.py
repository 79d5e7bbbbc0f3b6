"""One evaluation per machine of a fleet, on Dask distributed (the optional extra
``bakeoff[cluster]``); no scheduler of our own.

Each machine runs Dask workers that advertise the machine's label as a resource with one slot
(``dask worker tcp://scheduler:8786 --nthreads 1 --resources "arm64-2=1"``). ``fan_out``
submits one task per label that needs that resource (``resources={label: 1}``), so a machine
runs one evaluation at a time and nothing else bakeoff submits beside it.

What a worker gets (``Job``): the project folder as a gzipped tarball — sources only, no
``node_modules``, ``.git`` or results — so machines need no shared file system and no checkout at
the same path, and native dependencies are installed for the worker's own platform; the
``bakeoff.toml`` inside it; the suites and settings of the command line. ``run_job`` unpacks it
and runs the project through ``bakeoff.projectrun`` and ``Evaluation`` exactly as ``bakeoff run``
does locally (provisioning runtimes from the registry into the worker's cache), and returns the
machine's document as JSON.

Progress goes back as Dask events (topic ``bakeoff-progress``). A machine whose worker leaves
the cluster (died, killed, lost its connection) or that passes its timeout becomes a recorded
failure with the reason; a timed-out or interrupted machine is asked (a Dask ``Event``) to stop
at its next run and returns what it measured so far.
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import tarfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from bakeoff import config, projectrun, tempdirs
from bakeoff import results as results_mod
from bakeoff.errors import BakeoffError, ClusterError
from bakeoff.events import Event
from bakeoff.plan.stopping import StopRule
from bakeoff.results import ResultsDocument
from bakeoff.session import Evaluation, Settings

if TYPE_CHECKING:
    from distributed import Client

TOPIC = "bakeoff-progress"
# never shipped: installed dependencies (reinstalled for the worker's platform), VCS data,
# virtual environments, caches and earlier results
EXCLUDE = frozenset(
    {"node_modules", ".git", ".hg", ".svn", ".venv", "__pycache__", "bakeoff-results"}
)
MAX_ARCHIVE_MB = 64
CONNECT_TIMEOUT_S = 15.0
GRACE_S = 60.0  # after a stop request: how long a machine may take to return what it has
RUN_EVENTS_PER_S = 4.0  # progress "run" events a worker sends at most (the rest are dropped)
INSTALL_HINT = "install the cluster extra: pip install 'bakeoff[cluster]'"


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError(
            "--cluster needs Dask distributed, which is not installed", INSTALL_HINT
        ) from None
    return distributed


# -- the project, shipped --------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    data: bytes  # tar.gz
    sources_sha256: str  # over every shipped file's path and content (not the gzip bytes)
    files: int


def pack(folder: Path, exclude: Iterable[str] = ()) -> Archive:
    """The project folder as a tar.gz, without ``EXCLUDE`` and ``exclude`` folders."""
    skip = set(EXCLUDE) | set(exclude)
    digest = hashlib.sha256()
    buf = io.BytesIO()
    files = 0
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in skip)
            for name in sorted(filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(folder).as_posix()
                if full.is_symlink():
                    digest.update(f"L {rel} {os.readlink(full)}\n".encode())
                elif full.is_file():
                    digest.update(f"F {rel}\n".encode())
                    digest.update(full.read_bytes())
                else:
                    continue
                tar.add(full, arcname=rel, recursive=False)
                files += 1
            if buf.tell() > MAX_ARCHIVE_MB * 2**20:
                raise ClusterError(
                    f"{folder}: the project is over {MAX_ARCHIVE_MB} MB compressed without "
                    f"{', '.join(sorted(skip))}: too large to ship to workers",
                    "move large files (data, build output) out of the project folder",
                )
    return Archive(buf.getvalue(), digest.hexdigest(), files)


def unpack(data: bytes, dest: Path) -> None:
    """Extract a ``pack`` archive into ``dest``, refusing members that escape it."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
            return
        root = dest.resolve()
        for member in tar.getmembers():  # Python < 3.11.4: check by hand
            target = (dest / member.name).resolve()
            if root not in (target, *target.parents) or not (member.isfile() or member.isdir()):
                raise ClusterError(f"refusing archive member {member.name!r}")
        tar.extractall(dest)  # every member checked above


# -- the task ----------------------------------------------------------------------------------


def plain_settings(settings: Settings) -> dict[str, Any]:
    """``bakeoff run``'s merged settings as plain data for the wire (the worker reads the
    ``[value]`` section from the shipped bakeoff.toml itself)."""
    out = {k: v for k, v in asdict(settings).items() if k != "value"}
    out["rule"] = asdict(settings.rule)
    out["budget_from"] = None  # a monotonic clock reading means nothing on another machine
    return out


def settings_from_plain(plain: dict[str, Any], cfg: config.Config) -> Settings:
    fields = {k: v for k, v in plain.items() if k != "rule"}
    return Settings(**fields, rule=StopRule(**plain["rule"]), value=cfg.value)


@dataclass(frozen=True)
class Job:
    """Everything one machine needs to run the evaluation."""

    label: str
    key: str  # the Dask task key (unique per run)
    archive: bytes
    config_name: str  # bakeoff.toml, relative to the project folder
    suites: tuple[str, ...]
    quick: bool
    runtimes: tuple[str, ...]
    settings: dict[str, Any]  # plain_settings()
    command: tuple[str, ...]
    project: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # the project folder on the machine that submitted it

    @property
    def cancel_name(self) -> str:
        return f"{self.key}-stop"


def make_jobs(
    labels: Sequence[str],
    config_path: Path,
    archive: Archive,
    suites: Sequence[str],
    settings: Settings,
    runtimes: Sequence[str],
    quick: bool,
    command: Sequence[str],
) -> list[Job]:
    run_id = uuid.uuid4().hex[:8]
    project = projectrun.identity(
        config_path.parent, sources_sha256=archive.sources_sha256, files=archive.files
    )
    return [
        Job(
            label=label,
            key=f"bakeoff-{run_id}-{label}",
            archive=archive.data,
            config_name=config_path.name,
            suites=tuple(suites),
            quick=quick,
            runtimes=tuple(runtimes),
            settings=plain_settings(settings),
            command=tuple(command),
            project=project,
            origin=str(config_path.parent.resolve()),
        )
        for label in labels
    ]


class _Reporter:
    """On a worker: progress events to the client (rate-limited), and the stop request checked
    at most once a second (raised as KeyboardInterrupt, the evaluation's own way to stop and
    keep what it measured)."""

    def __init__(self, job: Job, worker: Any, stop: Any) -> None:
        self.job, self.worker, self.stop = job, worker, stop
        self.last_run = 0.0
        self.last_check = time.monotonic()

    def send(self, msg: dict[str, Any]) -> None:
        self.worker.log_event(TOPIC, {"label": self.job.label, "key": self.job.key, **msg})

    def __call__(self, ev: Event) -> None:
        now = time.monotonic()
        if now - self.last_check >= 1.0:
            self.last_check = now
            if self.stop.is_set():
                raise KeyboardInterrupt  # stop at this run; Evaluation keeps the partial doc
        if ev.kind in ("run", "download"):
            if now - self.last_run < 1.0 / RUN_EVENTS_PER_S:
                return
            self.last_run = now
        self.send(
            {
                "kind": ev.kind,
                "suite": ev.suite,
                "case": ev.case,
                "contestant": ev.contestant,
                "done": ev.done,
                "total": ev.total,
                "detail": ev.detail,
            }
        )


def run_job(job: Job) -> dict[str, Any]:
    """Runs on a worker: the evaluation of ``job`` on this machine; returns ``{"document":
    JSON or None, "error": reason or None, "worker": address}``."""
    d = _distributed()
    worker = d.get_worker()
    stop = d.Event(job.cancel_name)
    report = _Reporter(job, worker, stop)
    report.send(
        {
            "kind": "started",
            "worker": worker.address,
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
    )
    error: str | None = None
    doc: ResultsDocument | None = None
    with tempdirs.directory("bakeoff-fleet-") as tmp:
        try:
            root = Path(tmp) / "project"
            unpack(job.archive, root)
            path = root / job.config_name
            cfg = config.load(path)
            settings = settings_from_plain(job.settings, cfg)

            def note(text: str) -> None:
                report.send({"kind": "message", "detail": text})

            with projectrun.options(
                path, cfg, job.suites, settings, job.runtimes, job.quick, note, job.project
            ) as prepared:
                prepared.options.machine_label = job.label
                ev = Evaluation(prepared.options, on_event=report, command=job.command)
                try:
                    doc = ev.run()
                finally:
                    doc = ev.doc
                    # name the project as the user knows it, not this worker's unpacked copy
                    here = {root, *prepared.paths}
                    mapping = {str(k): job.origin for p in here for k in (p, p.resolve())}
                    results_mod.replace_paths(doc, mapping)
        except BakeoffError as exc:
            error = exc.message
        except KeyboardInterrupt:  # asked to stop before the evaluation began measuring
            error = "stopped before measuring began"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    if error and doc is not None:
        doc.status = "failed"
        doc.warnings.append(f"the evaluation failed on this machine: {error}")
    return {
        "document": doc.to_json() if doc is not None and doc.contestants else None,
        "error": error,
        "worker": worker.address,
    }


# -- the client --------------------------------------------------------------------------------

OnProgress = Callable[[str, dict[str, Any]], None]  # (label, message)


@dataclass
class Outcome:
    """What became of one machine: its document, or why there is none (or both: a partial
    document from a machine stopped by its timeout)."""

    label: str
    document: ResultsDocument | None = None
    failure: str | None = None
    timed_out: bool = False
    worker: str = ""


@dataclass
class _Pending:
    job: Job
    future: Any
    started: float
    stop: Any
    worker: str = ""  # where it started (from its "started" event)
    stop_asked: float | None = None
    why_stopped: str = ""


@dataclass
class FleetResult:
    outcomes: list[Outcome]
    interrupted: bool = False


def workers_of(client: Client) -> dict[str, dict[str, Any]]:
    """The workers the scheduler knows now. Asked directly: ``Client.scheduler_info`` returns a
    cache that the client's periodic refresh overwrites with a summary without workers, which
    would read as every worker gone."""
    c = cast(Any, client)
    info: dict[str, Any] = c.sync(c.scheduler.identity, n_workers=-1)
    workers: dict[str, dict[str, Any]] = info.get("workers") or {}
    return workers


def capable(workers: dict[str, dict[str, Any]], label: str) -> list[str]:
    return [a for a, w in workers.items() if (w.get("resources") or {}).get(label, 0) >= 1]


def connect(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> Client:
    d = _distributed()
    try:
        client: Client = d.Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address}: {exc}",
            "start one with `dask scheduler` and check the address (tcp://host:8786)",
        ) from None
    return client


def fan_out(
    address: str,
    jobs: Sequence[Job],
    on_progress: OnProgress,
    timeout_s: float,
    poll_s: float = 0.5,
    grace_s: float = GRACE_S,
) -> FleetResult:
    """Submit every job to the workers advertising its label and wait for all of them; every
    machine ends with a document or a recorded failure. Ctrl-C asks every machine to stop
    and collects what they return (``FleetResult.interrupted``)."""
    d = _distributed()
    client = connect(address)
    outcomes: dict[str, Outcome] = {}
    pending: dict[str, _Pending] = {}
    interrupted = False
    keys = {j.key for j in jobs}
    try:
        started: dict[str, str] = {}

        def handler(event: tuple[float, dict[str, Any]]) -> None:
            msg = event[1]
            if not isinstance(msg, dict) or msg.get("key") not in keys:
                return
            if msg.get("kind") == "started":
                started[str(msg["label"])] = str(msg.get("worker", ""))
            on_progress(str(msg.get("label")), msg)

        cast(Any, client).subscribe_topic(TOPIC, handler)
        workers = workers_of(client)
        for job in jobs:
            where = capable(workers, job.label)
            if not where:
                outcomes[job.label] = Outcome(
                    job.label,
                    failure=f"no worker advertises the resource {job.label!r} on {address} "
                    f'(start one with: dask worker {address} --nthreads 1 --resources "'
                    f'{job.label}=1")',
                )
                on_progress(job.label, {"kind": "finished", **_finished(outcomes[job.label])})
                continue
            for a in where:
                if int(workers[a].get("nthreads") or 1) > 1:
                    on_progress(
                        job.label,
                        {
                            "kind": "warning",
                            "detail": f"worker {a} has {workers[a].get('nthreads')} threads: "
                            "other Dask tasks could run beside the evaluation (start it with "
                            "--nthreads 1)",
                        },
                    )
            future = client.submit(
                run_job, job, key=job.key, resources={job.label: 1}, pure=False, retries=0
            )
            stop = d.Event(job.cancel_name, client=client)
            pending[job.label] = _Pending(job, future, time.monotonic(), stop)
            on_progress(job.label, {"kind": "submitted", "detail": ", ".join(where)})
        while pending:
            try:
                time.sleep(poll_s)
                alive = set(workers_of(client))
                for label, p in list(pending.items()):
                    p.worker = started.get(label, p.worker)
                    done = _check(p, alive, workers, timeout_s, grace_s)
                    if done is not None:
                        outcomes[label] = done
                        del pending[label]
                        on_progress(label, {"kind": "finished", **_finished(done)})
            except KeyboardInterrupt:
                if interrupted:
                    raise  # a second Ctrl-C: stop waiting
                interrupted = True
                for p in pending.values():
                    _ask_stop(p, "interrupted (Ctrl-C)")
    finally:
        for p in pending.values():
            p.future.cancel()
        cast(Any, client).close()
    return FleetResult([outcomes[j.label] for j in jobs], interrupted=interrupted)


def _ask_stop(p: _Pending, why: str) -> None:
    if p.stop_asked is None:
        p.stop_asked = time.monotonic()
        p.why_stopped = why
        p.stop.set()


def _finished(o: Outcome) -> dict[str, Any]:
    status = o.document.status if o.document is not None else "failed"
    return {"status": status, "detail": o.failure or ""}


def _check(
    p: _Pending,
    alive: set[str],
    workers: dict[str, dict[str, Any]],
    timeout_s: float,
    grace_s: float,
) -> Outcome | None:
    """The machine's outcome once it has one (None while it is still running)."""
    label = p.job.label
    if p.future.done():
        return _collect(p)
    now = time.monotonic()
    if p.worker and p.worker not in alive:
        p.stop.set()  # a re-run Dask may have started elsewhere stops at its first run
        p.future.cancel()
        return Outcome(
            label,
            failure=f"worker {p.worker} left the cluster while running the evaluation (it died, "
            "was killed or lost its connection); nothing came back from it",
            worker=p.worker,
        )
    if not p.worker and not capable({a: workers[a] for a in alive if a in workers}, label):
        p.future.cancel()
        return Outcome(label, failure=f"no worker advertising {label!r} is left in the cluster")
    if p.stop_asked is None and now - p.started > timeout_s:
        _ask_stop(p, f"timed out after {timeout_s:g} s")
    if p.stop_asked is not None and now - p.stop_asked > grace_s:
        p.future.cancel()
        return Outcome(
            label,
            failure=f"{p.why_stopped}; asked to stop, it returned nothing within {grace_s:g} s",
            timed_out=p.why_stopped.startswith("timed out"),
            worker=p.worker,
        )
    return None


def _collect(p: _Pending) -> Outcome:
    label = p.job.label
    if p.future.status != "finished":
        exc = p.future.exception() if p.future.status == "error" else None
        why = f"the task failed on the worker: {exc!r}" if exc else f"task {p.future.status}"
        return Outcome(label, failure=why, worker=p.worker)
    res: dict[str, Any] = p.future.result()
    text = res.get("document")
    doc = ResultsDocument.model_validate_json(text) if text else None
    failure = res.get("error")
    if p.stop_asked is not None:
        failure = f"{p.why_stopped}: stopped at its next run; what it measured is kept"
    return Outcome(
        label,
        document=doc,
        failure=failure,
        timed_out=p.why_stopped.startswith("timed out"),
        worker=str(res.get("worker") or p.worker),
    )
