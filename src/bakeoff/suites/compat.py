"""The compatibility suite: the probe areas, the package smoke tests and single-file packaging
under every contestant, plus (for a real project) the static scan. Results go to ``doc.compat``
(one ``CompatResult`` per check and contestant), ``doc.suites["compat"]`` (matrix, failures,
scan risks, packaging, installs) and ``Measurement``s of suite ``package`` for packaging timings.

Factories for the session: ``CompatSuite.for_demo(quick)`` and ``CompatSuite.for_project(path,
quick)``. The project's own test results per runtime come from the test suite (issue 4): this
suite copies ``doc.suites["test"]`` into its section when present.
"""

from __future__ import annotations

import json
import shutil
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bakeoff.compat import identity
from bakeoff.compat import matrix as matrix_mod
from bakeoff.compat import native as native_mod
from bakeoff.compat import packages as pkg_mod
from bakeoff.compat import packaging as packaging_mod
from bakeoff.compat.probes import (
    AREAS_DIR,
    QUICK_AREAS,
    AreaRun,
    all_areas,
    declared_checks,
    node_args,
    probe_argv,
    run_area,
)
from bakeoff.config import CompatConfig
from bakeoff.errors import BakeoffError
from bakeoff.events import Event
from bakeoff.measure.invoke import base_env
from bakeoff.measure.process import Command, Executor, LauncherExecutor, ProcessResult
from bakeoff.plan.contestants import Contender
from bakeoff.plan.primary import Primary
from bakeoff.project.scan import scan
from bakeoff.results import CompatResult, Measurement, ResultsDocument
from bakeoff.results.suites import CaseInfo, PackageInfo
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.base import section as suite_section

SAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "sample" / "project"
SAMPLE_CLI = ("src/cli.mjs", ["--count", "2000", "--top", "3"])
AREA_TIMEOUT_S = 60.0
IDENTITY_AREA = "runtime_identity"
TREE_CHECK = "process tree: only this runtime ran the area's child processes"


@dataclass
class CompatSuite:
    areas: list[str] = field(default_factory=all_areas)
    packages: list[str] = field(default_factory=lambda: list(pkg_mod.SMOKE))
    project: Path | None = None  # scanned when set
    cli_entry: Path | None = None  # packaged when set
    cli_args: list[str] = field(default_factory=list)
    packaging_runs: int = 10
    area_timeout_s: float = AREA_TIMEOUT_S
    executor: Executor | None = None  # default: a LauncherExecutor that keeps stdout
    tools_cache: Path | None = None
    offline: bool = False
    native: bool = True  # classify and load the project's own .node addons
    native_timeout_s: float = 20.0
    native_files: int = 6  # per package, how many of its binaries for this machine to load
    name: str = "compat"

    @classmethod
    def for_demo(cls, quick: bool = False) -> CompatSuite:
        """The bundled sample project: probes (a cross-section when quick), packages (skipped
        when quick), scan of the sample, packaging of its CLI."""
        return cls(
            areas=list(QUICK_AREAS) if quick else all_areas(),
            packages=[] if quick else list(pkg_mod.SMOKE),
            project=SAMPLE_PROJECT,
            cli_entry=SAMPLE_PROJECT / SAMPLE_CLI[0],
            cli_args=list(SAMPLE_CLI[1]),
            packaging_runs=5 if quick else 10,
        )

    @classmethod
    def for_project(
        cls,
        path: Path,
        quick: bool = False,
        cli_entry: Path | None = None,
        cli_args: list[str] | None = None,
    ) -> CompatSuite:
        return cls(
            areas=list(QUICK_AREAS) if quick else all_areas(),
            packages=[] if quick else list(pkg_mod.SMOKE),
            project=path,
            cli_entry=cli_entry,
            cli_args=list(cli_args or []),
            packaging_runs=5 if quick else 10,
        )

    @classmethod
    def from_config(cls, cfg: CompatConfig, project: Path, quick: bool = False) -> CompatSuite:
        """From a ``[compat]`` config section; paths are relative to the project folder."""
        suite = cls.for_project(
            project,
            quick,
            cli_entry=(project / cfg.cli_entry) if cfg.cli_entry else None,
            cli_args=cfg.cli_args,
        )
        if cfg.areas is not None:
            suite.areas = list(cfg.areas)
        if not cfg.packages:
            suite.packages = []
        suite.native = cfg.native
        return suite

    def primaries(self, contenders: Sequence[Contender], baseline: str) -> list[Primary]:
        """Packaging is decided on the single-file binary's start-up (when there is a CLI
        entry to package)."""
        if self.cli_entry is None:
            return []
        return [Primary("packaging", c.name) for c in contenders if c.name != baseline]

    # -- running ----------------------------------------------------------------------------
    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        unknown = [a for a in self.areas if not (AREAS_DIR / f"{a}.mjs").is_file()]
        if unknown:
            raise BakeoffError(
                f"unknown probe area(s): {', '.join(unknown)}", f"known: {', '.join(all_areas())}"
            )
        with suite_section(doc, self.name) as section:
            return self._run(ctx, doc, section)

    def _run(self, ctx: SuiteContext, doc: ResultsDocument, section: dict[str, object]) -> bool:
        own = self.executor is None
        executor = self.executor or LauncherExecutor(keep_stdout=True)
        section["runners"] = {
            c.name: " ".join(probe_argv(c.family, c.family, Path("<area>.mjs")))
            for c in ctx.contenders
        }
        try:
            if self.project is not None:
                ctx.on_event(Event("message", self.name, detail=f"scanning {self.project}"))
                section["scan"] = scan(self.project).to_dict()
            areas_done = self._run_areas(ctx, doc, executor, section)
            if not areas_done:
                return False
            if self.packages:
                self._run_packages(ctx, doc, executor, section)
            self._run_native(ctx, doc, executor, section)
            self._identity(ctx, doc, section)
            if self.cli_entry is not None:
                self._run_packaging(ctx, doc, executor, section)
        except KeyboardInterrupt:
            self._summarise(doc, section, ctx)
            return False
        finally:
            if own:
                executor.close()
        self._summarise(doc, section, ctx)
        return True

    def _run_script(
        self,
        ctx: SuiteContext,
        executor: Executor,
        c: Contender,
        area: str,
        script: Path,
        cwd: Path,
        expected: list[str],
        seen: list[identity.SeenProcess] | None = None,
    ) -> AreaRun:
        """Run one probe script (restarting it after a check hangs or crashes). With ``seen``,
        the process tree is watched and every runtime process in it is appended there."""
        tmp = ctx.workdir / "tmp"  # probes' temp files: removed with the work folder even when a
        tmp.mkdir(parents=True, exist_ok=True)  # probe crashes or times out before cleaning up
        flags = node_args(script)

        def launch(skip: list[str]) -> tuple[str, ProcessResult]:
            extra = {
                "DENO_DIR": str(ctx.workdir / f"deno-dir-{c.family}"),
                "BUN_RUNTIME_TRANSPILER_CACHE_PATH": "0",
                "TMPDIR": str(tmp),
            }
            if skip:
                extra["BAKEOFF_PROBE_SKIP"] = json.dumps(skip)
            cmd = Command(
                tuple(probe_argv(c.family, c.binary, script, flags)),
                cwd=str(cwd),
                env=base_env(extra),
                timeout_s=self.area_timeout_s,
            )
            if seen is None:
                proc = executor.run(cmd)
            else:
                proc, procs = identity.run_observed(executor, cmd)
                seen.extend(procs)
            return proc.stdout, proc

        return run_area(launch, area, c.name, expected)

    def _run_areas(
        self,
        ctx: SuiteContext,
        doc: ResultsDocument,
        executor: Executor,
        section: dict[str, object],
    ) -> bool:
        total = len(self.areas) * len(ctx.contenders)
        ctx.on_event(Event("case_start", self.name, "probes", total=total))
        runs: list[dict[str, object]] = []
        done = 0
        for area in self.areas:
            expected = declared_checks(AREAS_DIR / f"{area}.mjs")
            for c in ctx.contenders:
                seen: list[identity.SeenProcess] | None = [] if area == IDENTITY_AREA else None
                run = self._run_script(
                    ctx,
                    executor,
                    c,
                    area,
                    AREAS_DIR / f"{area}.mjs",
                    AREAS_DIR.parent,
                    expected,
                    seen,
                )
                doc.compat.extend(run.results)
                if seen is not None:
                    self._tree_result(doc, section, c, seen)
                runs.append(_run_info(run))
                done += 1
                ctx.on_event(Event("run", self.name, "probes", c.name, done, total, detail=area))
        section["area_runs"] = runs
        ctx.on_event(Event("case_end", self.name, "probes", detail=f"{len(self.areas)} areas"))
        return True

    def _provisioner(self) -> Provisioner:
        """npm, esbuild and postject come from the registry like every other tool."""
        return Provisioner(cache_dir=self.tools_cache, offline=self.offline)

    def _run_packages(
        self,
        ctx: SuiteContext,
        doc: ResultsDocument,
        executor: Executor,
        section: dict[str, object],
    ) -> None:
        node = next((c for c in ctx.contenders if c.family == "node"), None)
        info: dict[str, object] = {"packages": self.packages}
        section["packages"] = info
        if node is None:
            info["skipped"] = "no node contestant: packages are installed with node + npm"
            return
        ctx.on_event(Event("message", self.name, detail="installing packages with npm (own cache)"))
        try:
            npm = self._provisioner().ensure_tool("npm")
        except BakeoffError as exc:
            info["skipped"] = f"npm unavailable: {exc.message}"
            return
        folder = ctx.workdir / "packages"
        res = pkg_mod.install(folder, node.binary, npm.binary, executor, self.packages)
        info.update(
            {
                "npm": npm.version,
                "installed_with": node.name,
                "install_s": round(res.wall_s, 2),
                "versions": res.versions,
                "install_ok": res.ok,
                "install_detail": res.detail,
            }
        )
        if not res.ok:
            for c in ctx.contenders:
                for n in self.packages:
                    doc.compat.append(
                        CompatResult(
                            area=f"pkg:{n}",
                            check="install",
                            contestant=c.name,
                            status="error",
                            detail=res.detail,
                        )
                    )
            return
        scripts = pkg_mod.stage_scripts(folder, self.packages)
        total = len(scripts) * len(ctx.contenders)
        ctx.on_event(Event("case_start", self.name, "packages", total=total))
        done = 0
        runs: list[dict[str, object]] = []
        for n, script in scripts.items():
            expected = declared_checks(script)
            for c in ctx.contenders:
                run = self._run_script(ctx, executor, c, f"pkg:{n}", script, folder, expected)
                doc.compat.extend(run.results)
                runs.append(_run_info(run))
                done += 1
                ctx.on_event(Event("run", self.name, "packages", c.name, done, total, detail=n))
        info["runs"] = runs
        ctx.on_event(Event("case_end", self.name, "packages", detail=f"{len(scripts)} packages"))

    def _run_packaging(
        self,
        ctx: SuiteContext,
        doc: ResultsDocument,
        executor: Executor,
        section: dict[str, object],
    ) -> None:
        assert self.cli_entry is not None
        entry = self.cli_entry.resolve()
        app_dir = self.project or entry.parent
        esbuild = postject = None
        needs_node = any(c.family == "node" for c in ctx.contenders)
        notes: list[str] = []
        if needs_node:
            try:
                esbuild = self._provisioner().ensure_tool("esbuild").binary
            except BakeoffError as exc:
                notes.append(f"esbuild: {exc.message}")
            if not all(
                packaging_mod.node_sea_supports_build_flag(c.runtime.version)
                for c in ctx.contenders
                if c.family == "node"
            ):
                try:
                    postject = self._provisioner().ensure_tool("postject").binary
                except BakeoffError as exc:
                    notes.append(f"postject: {exc.message}")
        ctx.on_event(Event("case_start", "package", "single-file", total=len(ctx.contenders)))
        builds = []
        for i, c in enumerate(ctx.contenders, 1):
            work = ctx.workdir / f"package-{i}"
            b = packaging_mod.build_one(
                c,
                entry,
                self.cli_args,
                work,
                executor,
                esbuild,
                postject,
                app_dir,
                runs=self.packaging_runs,
            )
            builds.append(b.model_dump())
            if b.ok and b.build_s is not None:
                for metric, unit, samples in (
                    ("wall_ms", "ms", b.start_ms),
                    ("cpu_ms", "ms", b.start_cpu_ms),
                    ("peak_rss_mb", "MB", b.start_rss_mb),
                    ("build_s", "s", [b.build_s]),
                    ("binary_mb", "MB", [b.binary_mb or 0.0]),
                ):
                    doc.measurements.append(_measurement(metric, c.name, unit, samples))
            shutil.rmtree(work, ignore_errors=True)
            ctx.on_event(Event("run", "package", "single-file", c.name, i, len(ctx.contenders)))
        doc.suites.of(PackageInfo).cases["single-file"] = CaseInfo(
            description="start-up of the single-file executable of "
            + " ".join([entry.name, *self.cli_args])
        )
        section["packaging"] = {
            "entry": str(entry),
            "args": self.cli_args,
            "builds": builds,
            "notes": notes,
        }
        ctx.on_event(Event("case_end", "package", "single-file"))

    def _tree_result(
        self,
        doc: ResultsDocument,
        section: dict[str, object],
        c: Contender,
        seen: list[identity.SeenProcess],
    ) -> None:
        """What the process-tree watcher saw while the runtime_identity area ran: the
        contestant was really tested only if no other runtime ran its children."""
        v = identity.verdict(c.family, seen, c.binary)
        ident = section.setdefault("identity", {})
        assert isinstance(ident, dict)
        ident.setdefault("probe", {})[c.name] = v.to_dict()
        doc.compat.append(
            CompatResult(
                area=IDENTITY_AREA,
                check=TREE_CHECK,
                contestant=c.name,
                status="pass" if v.really_tested else "fail",
                detail=v.detail[:500],
            )
        )

    def _identity(
        self, ctx: SuiteContext, doc: ResultsDocument, section: dict[str, object]
    ) -> None:
        """For a project: which runtime each package.json script's bin will really run under
        with each contestant (from the bin's shebang and the runtime_identity probe)."""
        if self.project is None:
            return
        bins = identity.script_bins(self.project)
        if not bins:
            return
        statuses = {
            r.contestant: r.status for r in doc.compat if (r.area, r.check) == identity.SCRIPT_CHECK
        }
        ident = section.setdefault("identity", {})
        assert isinstance(ident, dict)
        ident["scripts"] = identity.predict(
            bins, [(c.name, c.family) for c in ctx.contenders], statuses
        )

    def _run_native(
        self,
        ctx: SuiteContext,
        doc: ResultsDocument,
        executor: Executor,
        section: dict[str, object],
    ) -> None:
        """Classify and load every .node addon of the project (area ``native``) and of the
        smoke-test packages (area ``pkg:native``) under each contestant."""
        roots: list[tuple[str, Path, str]] = []
        if self.project is not None and self.native:
            roots.append(("project", self.project, "native"))
        smoke = ctx.workdir / "packages"
        if self.packages and (smoke / "node_modules").is_dir():
            roots.append(("smoke packages", smoke, "pkg:native"))
        if not roots:
            return
        out: list[dict[str, object]] = []
        section["native"] = out
        for label, root, area in roots:
            entry: dict[str, object] = {"root": label, "path": str(root)}
            out.append(entry)
            if not (root / "node_modules").is_dir():
                entry["skipped"] = (
                    f"no node_modules in {root}: install the project's dependencies to check "
                    "its native addons"
                )
                continue
            packages = native_mod.scan_addons(root)
            ctx.on_event(
                Event("message", self.name, detail=f"{len(packages)} native package(s) in {label}")
            )
            for pkg in packages:
                api = pkg.api()
                for c in ctx.contenders:
                    if pkg.not_for_here:  # npm would not install it here: nothing to learn
                        status: native_mod.Status = "skip"
                        detail = f"not for this machine: {pkg.not_for_here}"
                    else:
                        status, detail = self._load(ctx, executor, c, "package", pkg.folder)
                    pkg.require[c.name] = {"status": status, "detail": detail}
                    doc.compat.append(
                        CompatResult(
                            area=area,
                            check=f"require('{pkg.name}') loads its {api} binary",
                            contestant=c.name,
                            status=status,
                            detail=detail,
                        )
                    )
                    for f in [f for f in pkg.files if f.loadable_here][: self.native_files]:
                        st, det = self._load(ctx, executor, c, "file", f.path)
                        f.loads[c.name] = {"status": st, "detail": det}
            entry["packages"] = [p.to_dict() for p in packages]

    def _load(
        self, ctx: SuiteContext, executor: Executor, c: Contender, mode: str, target: str
    ) -> tuple[native_mod.Status, str]:
        """Load one addon file or require one package folder under contestant ``c``."""
        cmd = Command(
            (*probe_argv(c.family, c.binary, native_mod.LOADER), mode, target),
            cwd=target if mode == "package" else str(Path(target).parent),
            env=base_env({"DENO_DIR": str(ctx.workdir / f"deno-dir-{c.family}")}),
            timeout_s=self.native_timeout_s,
        )
        proc = executor.run(cmd)
        return native_mod.load_result(proc.stdout, proc.failure(), proc.timed_out)

    def _summarise(
        self, doc: ResultsDocument, section: dict[str, object], ctx: SuiteContext
    ) -> None:
        section["matrix"] = matrix_mod.matrix(doc.compat)
        section["totals"] = matrix_mod.totals(doc.compat)
        failures = matrix_mod.failures(doc.compat)
        section["failures"] = failures
        scan_info = section.get("scan")
        if isinstance(scan_info, dict):
            used = set(scan_info.get("areas", []))
            section["relevant_failures"] = [f for f in failures if f["area"] in used]
        if doc.suites.test is not None:
            section["project_tests"] = doc.suites.test


def _run_info(run: AreaRun) -> dict[str, object]:
    return {
        "area": run.area,
        "contestant": run.contestant,
        "status": run.status,
        "detail": run.detail,
        "wall_ms": round(run.wall_ms, 1),
        "stray": run.stray[:3],
        "restarts": run.restarts,
    }


def _measurement(metric: str, contestant: str, unit: str, samples: list[float]) -> Measurement:
    return Measurement(
        suite="package",
        case="single-file",
        metric=metric,
        contestant=contestant,
        unit=unit,
        samples=samples,
        n=len(samples),
        median=statistics.median(samples) if samples else None,
    )
