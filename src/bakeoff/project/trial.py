"""``bakeoff init`` tries what it is about to write, once, under the baseline runtime, in a
temporary copy of the project: install (the project's own manager at its pinned version), the
build the service needs, the service itself (started as ``bakeoff run`` will start it, until it
listens; which port it took, which readiness path answers, what each parameterless GET route
returns), the project's test script, and each CLI entry with ``--help``.

Every try is bounded in time and leaves nothing running (each command runs in its own process
group, killed at the end). What worked and what did not — with the command, exit code and the
output tails — goes back to ``init``, which writes it into ``bakeoff.toml`` as comments and
adjusts the sections (a fixed port, a verified readiness path, routes that answer).
"""

from __future__ import annotations

import http.client
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bakeoff import tempdirs
from bakeoff.errors import BakeoffError
from bakeoff.measure.invoke import base_env
from bakeoff.measure.server import Readiness, ServerFailed, ServerProcess, free_port, probe
from bakeoff.plan.contestants import Contender
from bakeoff.project import prepare
from bakeoff.project.detect import Project, Service
from bakeoff.results.tails import telling_line
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.serve import HOST, ServeSpec

MAX_ROUTES = 20


@dataclass(frozen=True)
class Timeouts:
    install: float = 600.0
    build: float = 300.0
    serve: float = 30.0  # until it listens
    test: float = 300.0
    cli: float = 10.0


@dataclass
class Tried:
    section: str  # install, build, serve, test, startup:NAME
    ok: bool
    summary: str  # one line: what happened
    command: str = ""
    exit_code: int | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""
    seconds: float = 0.0

    def line(self) -> str:
        word = "worked" if self.ok else "failed"
        return f"{word}: {self.summary}"

    def reason(self) -> str:
        """The summary plus the most telling output line (for a failure)."""
        pick = telling_line(self.stderr_tail, self.stdout_tail)
        return self.summary + (f" — {pick}" if pick and pick not in self.summary else "")


@dataclass
class ServeFound:
    port: int | None = None  # a fixed port it listens on instead of the one bakeoff gave it
    readiness: str | None = None  # a GET path that answered 2xx; None: TCP readiness
    statuses: dict[str, int] = field(default_factory=dict)  # GET path → status
    build: list[str] = field(default_factory=list)  # the scripts that wrote the entry
    ready_s: float = 0.0
    dynamic: list[str] = field(default_factory=list)  # GET paths whose body changed per start


@dataclass
class TrialReport:
    tried: list[Tried] = field(default_factory=list)
    serve: ServeFound | None = None
    installed_with: str = ""
    seconds: float = 0.0
    not_a_service: str | None = None  # the service candidate ran and exited 0: why no [serve]

    def get(self, section: str) -> Tried | None:
        return next((t for t in reversed(self.tried) if t.section == section), None)


def _failed(section: str, exc: prepare.StepFailed, seconds: float) -> Tried:
    return Tried(
        section,
        False,
        exc.message,
        exc.command,
        exc.returncode,
        exc.stdout_tail,
        exc.stderr_tail,
        seconds,
    )


def run(
    project: Project,
    spec_for: Callable[[ServeFound], ServeSpec] | None,
    provisioner: Provisioner,
    baseline: str = "node@lts",
    timeouts: Timeouts | None = None,
    on_step: Callable[[str], None] = lambda _: None,
) -> TrialReport:
    """Try the project's install, build, service, tests and CLI entries once. ``spec_for``
    builds the serve spec ``init`` is about to write (given what the try found so far)."""
    timeouts = timeouts or Timeouts()
    report = TrialReport()
    t0 = time.monotonic()
    tmp = tempdirs.make("bakeoff-init-")
    try:
        copy = _install(project, tmp, provisioner, timeouts, report, on_step)
        if copy is not None:
            if project.service is not None and spec_for is not None:
                _serve(
                    project.service,
                    copy,
                    spec_for,
                    provisioner,
                    baseline,
                    timeouts,
                    report,
                    tmp,
                    on_step,
                )
            if project.test_command is not None:
                _test(project, copy, provisioner, timeouts, report, on_step)
            for name, script in project.bin_files.items():
                _cli(name, script, project, copy, provisioner, baseline, timeouts, report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        report.seconds = time.monotonic() - t0
    return report


def _install(
    project: Project,
    tmp: Path,
    provisioner: Provisioner,
    timeouts: Timeouts,
    report: TrialReport,
    on_step: Callable[[str], None],
) -> Path | None:
    dest = tmp / "project"
    t = time.monotonic()
    if (project.root / "node_modules").is_dir():
        report.installed_with = "the project's node_modules"
        return prepare.linked_copy(project.root, dest)
    if not (project.dependencies or project.dev_dependencies):
        shutil.copytree(project.root, dest, ignore=shutil.ignore_patterns(".git", "node_modules"))
        return dest
    on_step("installing dependencies in a temporary copy")
    try:
        copy, how = prepare.working_copy(project.root, dest, provisioner, timeouts.install)
    except prepare.StepFailed as exc:
        report.tried.append(_failed("install", exc, time.monotonic() - t))
        return None
    except BakeoffError as exc:
        report.tried.append(Tried("install", False, str(exc), seconds=time.monotonic() - t))
        return None
    report.installed_with = how
    report.tried.append(
        Tried("install", True, f"installed with {how}", seconds=time.monotonic() - t)
    )
    return copy


def _build(
    svc: Service,
    copy: Path,
    provisioner: Provisioner,
    timeouts: Timeouts,
    report: TrialReport,
    on_step: Callable[[str], None],
) -> list[str] | None:
    """Run the service's build; if the entry is still missing, the other build scripts in
    turn. The scripts that produced the entry, or None."""
    plans = [svc.build] + [[c] for c in svc.build_choices[:2]] if svc.build else []
    for names in plans:
        t = time.monotonic()
        on_step(f"building: {', '.join(names)}")
        try:
            ran = prepare.run_scripts(copy, names, provisioner, timeouts.build)
        except prepare.StepFailed as exc:
            report.tried.append(_failed("build", exc, time.monotonic() - t))
            continue
        except BakeoffError as exc:
            report.tried.append(Tried("build", False, str(exc), seconds=time.monotonic() - t))
            continue
        secs = time.monotonic() - t
        if (copy / svc.entry.value).is_file():
            report.tried.append(
                Tried(
                    "build",
                    True,
                    f"`{'`, `'.join(ran)}` wrote {svc.entry.value} in {secs:.1f} s",
                    seconds=secs,
                )
            )
            return names
        report.tried.append(
            Tried(
                "build",
                False,
                f"`{'`, `'.join(ran)}` ran but did not write {svc.entry.value}",
                seconds=secs,
            )
        )
    return None


def _serve(
    svc: Service,
    copy: Path,
    spec_for: Callable[[ServeFound], ServeSpec],
    provisioner: Provisioner,
    baseline: str,
    timeouts: Timeouts,
    report: TrialReport,
    tmp: Path,
    on_step: Callable[[str], None],
) -> None:
    found = ServeFound()
    if svc.build:
        built = _build(svc, copy, provisioner, timeouts, report, on_step)
        if built is None:
            report.tried.append(
                Tried("serve", False, f"not started: the build did not produce {svc.entry.value}")
            )
            return
        found.build = built
    rt = provisioner.ensure(baseline)
    who = Contender(rt.name, rt)
    spec = spec_for(found)
    port = free_port()
    srv = ServerProcess(
        spec.argv(who, port), cwd=str(copy), env=spec.env_for(port), logdir=tmp / "serve-logs"
    )
    on_step(f"starting the service: {' '.join(srv.argv[1:])}")
    t = time.monotonic()
    try:
        srv.start()
        listening = _wait_listening(srv, port, timeouts.serve)
        found.ready_s = time.monotonic() - t
        if port not in listening:
            found.port = listening[0]
        actual = found.port or port
        for path in [*svc.health, "/"]:
            if _status(actual, path)[0] // 100 == 2:
                found.readiness = path
                break
        gets = [
            r.path
            for r in svc.routes
            if r.method == "GET" and ":" not in r.path and "*" not in r.path
        ]
        bodies: dict[str, str] = {}
        for path in gets[:MAX_ROUTES]:
            found.statuses[path], bodies[path] = _status(actual, path)
        ok = [p for p, s in found.statuses.items() if 200 <= s < 400]
        srv.stop()
        found.dynamic = _dynamic(spec, who, copy, tmp, port, actual, bodies, timeouts)
        where = f"its fixed port {found.port}" if found.port else f"${spec.port_env} (port {port})"
        ready = (
            f"GET {found.readiness} → 2xx"
            if found.readiness
            else "TCP connect (no GET route answered 2xx)"
        )
        report.tried.append(
            Tried(
                "serve",
                True,
                f"{baseline} started it; it listened on {where} after {found.ready_s:.1f} s; "
                f"readiness {ready}; {len(ok)} of {len(found.statuses)} GET routes answered",
                " ".join(srv.argv),
                seconds=found.ready_s,
            )
        )
        report.serve = found
    except ServerFailed as exc:
        if exc.exit_code == 0:  # it ran and ended: a script, a CLI, a library — no service
            report.not_a_service = (
                f"{' '.join(Path(a).name for a in srv.argv)} exited with code 0 without "
                "listening: not a service"
            )
        report.tried.append(
            Tried(
                "serve",
                False,
                exc.reason,
                exc.command,
                exc.exit_code,
                exc.stdout_tail,
                exc.stderr_tail,
                time.monotonic() - t,
            )
        )
    finally:
        srv.stop()


def _dynamic(
    spec: ServeSpec,
    who: Contender,
    copy: Path,
    tmp: Path,
    port: int,
    actual: int,
    bodies: dict[str, str],
    timeouts: Timeouts,
) -> list[str]:
    """Start the service a second time and request the same routes: paths whose bodies
    differ between two starts of the same runtime (dates, generated ids) cannot be compared
    byte for byte across runtimes either."""
    answered = {p: b for p, b in bodies.items() if b}
    if not answered:
        return []
    srv = ServerProcess(
        spec.argv(who, port), cwd=str(copy), env=spec.env_for(port), logdir=tmp / "serve-logs-2"
    )
    try:
        srv.start()
        _wait_listening(srv, port, timeouts.serve)
        return [p for p, body in answered.items() if _status(actual, p)[1] != body]
    except ServerFailed:
        return []
    finally:
        srv.stop()


def _wait_listening(srv: ServerProcess, port: int, timeout: float) -> list[int]:
    """The ports the server listens on, ours first, once it listens; ``ServerFailed`` if it
    exits or does not listen in time."""
    deadline = time.monotonic() + timeout
    while True:
        if probe(HOST, port, Readiness("tcp"), timeout=0.2):
            return [port]
        others = srv.listening_ports()
        if others:
            return others
        code = srv.exited()
        if code is not None:
            raise srv.failed(f"the service exited with code {code} before it listened")
        if time.monotonic() > deadline:
            raise srv.failed(f"the service did not listen within {timeout:g} s", timed_out=True)
        time.sleep(0.05)


def _status(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path, headers={"Connection": "close", "Accept-Encoding": "identity"})
        resp = conn.getresponse()
        body = resp.read(20000).decode("utf-8", "replace")
        return resp.status, body
    except (OSError, http.client.HTTPException) as exc:
        return 0, str(exc)
    finally:
        conn.close()


def _test(
    project: Project,
    copy: Path,
    provisioner: Provisioner,
    timeouts: Timeouts,
    report: TrialReport,
    on_step: Callable[[str], None],
) -> None:
    on_step("running the test script once")
    t = time.monotonic()
    try:
        ran = prepare.run_scripts(copy, ["test"], provisioner, timeouts.test)
    except prepare.StepFailed as exc:
        tried = _failed("test", exc, time.monotonic() - t)
        tried.summary = (
            f"`{exc.command.split('/')[-1]}` timed out after {timeouts.test:g} s"
            if exc.timed_out
            else f"the test script exited with code {exc.returncode}"
        )
        report.tried.append(tried)
        return
    except BakeoffError as exc:
        report.tried.append(Tried("test", False, str(exc)))
        return
    secs = time.monotonic() - t
    report.tried.append(Tried("test", True, f"`{ran[0]}` passed in {secs:.1f} s", seconds=secs))


# What a runner prints when it finds no test file (jest, vitest, mocha, bun test, node --test)
_NO_TESTS = re.compile(
    r"No tests found|No test files found|no test files found|"
    r"No test files? (?:were )?found|^# tests 0$",
    re.MULTILINE,
)


def found_no_tests(t: Tried) -> bool:
    """Whether a test trial's output says the project has no test file to run."""
    return t.section == "test" and bool(_NO_TESTS.search(t.stdout_tail + "\n" + t.stderr_tail))


def _cli(
    name: str,
    script: str,
    project: Project,
    copy: Path,
    provisioner: Provisioner,
    baseline: str,
    timeouts: Timeouts,
    report: TrialReport,
) -> None:
    if not (copy / script).is_file():
        report.tried.append(Tried(f"startup:{name}", False, f"{script} is not in the project"))
        return
    rt = provisioner.ensure(baseline)
    argv = [str(rt.binary), script, "--help"]
    t = time.monotonic()
    try:
        prepare.run_step(argv, copy, base_env(), timeouts.cli, f"`{name} --help`")
    except prepare.StepFailed as exc:
        tried = _failed(f"startup:{name}", exc, time.monotonic() - t)
        tried.summary = (
            f"`{name} --help` did not exit within {timeouts.cli:g} s (a server?)"
            if exc.timed_out
            else f"`{name} --help` exited with code {exc.returncode}"
        )
        report.tried.append(tried)
        return
    secs = time.monotonic() - t
    report.tried.append(Tried(f"startup:{name}", True, f"`{name} --help` exited 0 in {secs:.2f} s"))
