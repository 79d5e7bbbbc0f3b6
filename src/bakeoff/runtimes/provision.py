"""Provisioning: resolve a runtime spec against the npm registry, download the platform
package, verify its ``dist.integrity`` before unpacking, and install it atomically into the
user cache — safe against two bakeoff processes installing at once, and usable offline.

Cache layout (``BAKEOFF_CACHE_DIR`` or the platform user cache dir, then ``runtimes/``)::

    runtimes/<family>/<version>-<package-slug>/package/...    the unpacked npm package
    runtimes/<family>/<version>-<package-slug>/manifest.json  package, integrity, binary sha256,
                                                                and every file's size and sha256
    locks/<slug>.lock                                           one flock per package@version
    metadata/<registry-key>/<package>.json                      registry metadata (offline use)
    tmp/install-*                                               downloads in progress (a stale one,
                                                                whose owner died, is swept)

The entries, locks, swaps and sweeps live in ``runtimes.cache``. A cache entry is checked on
every use against its manifest (sizes and times of every file,
``runtimes.manifest``), fully (every file hashed) by ``bakeoff runtimes verify`` and whenever the
quick check disagrees; a damaged entry is re-installed from the registry, or refused offline.
Only ``sha512``/``sha384``/``sha256`` integrity is accepted (a sha1-only package is refused), and
tarballs are unpacked by ``runtimes.unpack`` (links, devices and escapes refused).

Node's ``lts``: the registry has no LTS tag and its publish times are unreliable, so the
calendar rule is used: even major N is released in April of year 2013 + N/2 and becomes LTS at
the end of October that year; ``lts`` is the highest even major published whose LTS date has
passed. ``BAKEOFF_NODE_LTS`` overrides the major.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from bakeoff.errors import (
    IntegrityError,
    NoMatchingVersionError,
    OfflineError,
    ProvisionError,
)
from bakeoff.runtimes import manifest as manifest_mod
from bakeoff.runtimes.cache import EntryReport, EntryStore, lock_name, slug
from bakeoff.runtimes.manifest import file_sha256
from bakeoff.runtimes.registry import BadAnswer, NotFound, Registry, RegistryUnreachable
from bakeoff.runtimes.semver import Range, Version, highest
from bakeoff.runtimes.spec import RuntimeSpec, parse_spec
from bakeoff.runtimes.targets import JS_TOOLS, TOOLS, target
from bakeoff.runtimes.unpack import safe_extract

STRONG = ("sha512", "sha384", "sha256")  # integrity algorithms accepted, strongest first


@dataclass(frozen=True)
class Runtime:
    name: str
    spec: str
    version: str
    binary: Path
    sha256: str
    source: str
    package: str | None = None

    @property
    def binary_entry(self) -> Path | None:
        """The cache entry folder holding a registry-installed binary."""
        if self.source != "registry":
            return None
        for parent in self.binary.parents:
            if (parent / "manifest.json").is_file():
                return parent
        return None


@dataclass(frozen=True)
class DownloadProgress:
    package: str
    version: str
    done: int
    total: int | None


@dataclass(frozen=True)
class ResolvedPackage:
    family: str
    package: str
    version: str
    tarball: str
    integrity: str
    binary: str


def default_cache_dir() -> Path:
    env = os.environ.get("BAKEOFF_CACHE_DIR")
    path = Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("bakeoff"))
    if "\x00" in str(path):
        raise ProvisionError("BAKEOFF_CACHE_DIR contains a NUL byte")
    if path.exists() and not path.is_dir():
        raise ProvisionError(
            f"{'BAKEOFF_CACHE_DIR=' if env else 'the cache folder '}{path} is not a folder",
            "point BAKEOFF_CACHE_DIR at a folder bakeoff may write",
        )
    return path


def sri_of(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return f"{algorithm}-{base64.b64encode(h.digest()).decode()}"


def node_lts_major(majors: set[int], today: dt.date | None = None) -> int | None:
    override = os.environ.get("BAKEOFF_NODE_LTS")
    if override:
        if not override.strip().isdigit() or not 0 < int(override) < 1000:
            raise ProvisionError(
                f"BAKEOFF_NODE_LTS={override!r} is not a Node major version",
                "set it to a number like 24, or unset it",
            )
        return int(override)
    today = today or dt.date.today()
    lts = [m for m in majors if m % 2 == 0 and dt.date(2013 + m // 2, 10, 31) <= today]
    return max(lts) if lts else None


def binary_version(family: str, binary: Path) -> str:
    """The version the binary reports about itself (a JavaScript tool: its package.json)."""
    if family in JS_TOOLS:
        try:
            package_dir = next(p for p in binary.parents if (p / "package.json").is_file())
            meta = json.loads((package_dir / "package.json").read_text())
            return str(meta["version"])
        except (OSError, ValueError, KeyError) as exc:
            raise ProvisionError(f"cannot read the version of {binary}: {exc}") from None
    try:
        proc = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProvisionError(f"cannot run {binary} --version: {exc}") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-300:]
        raise ProvisionError(f"{binary} --version failed (exit {proc.returncode}): {tail}")
    first = (proc.stdout.strip().splitlines() or [""])[0]
    if family == "deno" and first.startswith("deno "):
        return first.split()[1]
    return first.strip().lstrip("v") if family == "node" else first.strip()


def _safe_extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Unpack ``tar`` into ``dest`` refusing anything unsafe (see ``runtimes.unpack``)."""
    safe_extract(tar, dest)


def strongest_integrity(integrity: str) -> str | None:
    """The strongest accepted hash of an SRI string (``sha512-...``), or None when it has
    only sha1 (or nothing bakeoff accepts)."""
    found: dict[str, str] = {}
    for token in integrity.split():
        algorithm, _, digest = token.partition("-")
        if algorithm in STRONG and digest:
            found.setdefault(algorithm, token)
    for algorithm in STRONG:
        if algorithm in found:
            return str(found[algorithm])
    return None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


class Provisioner:
    def __init__(
        self,
        cache_dir: Path | None = None,
        registry: str | None = None,
        offline: bool = False,
        on_progress: Callable[[DownloadProgress], None] | None = None,
    ) -> None:
        base = cache_dir or default_cache_dir()
        self.store = EntryStore(base)
        self.root, self.locks, self.tmp = self.store.root, self.store.locks, self.store.tmp
        self.registry = Registry(registry, base / "metadata", offline)
        self.offline = offline
        self.on_progress = on_progress
        self._damaged: list[str] = []  # matching entries the last cache lookup refused
        # the cache's entries, locks and temporaries (``runtimes.cache``)
        self._lock = self.store.lock
        self._entries = self.store.entries
        self._check_entry = self.store.check
        self.sweep = self.store.sweep

    # -- resolution ----------------------------------------------------------------------
    def resolve(self, spec: RuntimeSpec | str) -> ResolvedPackage:
        s = parse_spec(spec) if isinstance(spec, str) else spec
        if s.kind != "registry":
            raise ProvisionError(f"{s.text} is not a registry spec")
        tgt = target(s.name)
        try:
            meta = self.registry.packument(tgt.package)
        except NotFound:
            raise ProvisionError(
                f"the registry {self.registry.url} has no package {tgt.package}",
                "check BAKEOFF_REGISTRY / npm_config_registry",
            ) from None
        except BadAnswer as exc:
            raise ProvisionError(str(exc), "check BAKEOFF_REGISTRY / npm_config_registry") from None
        version = self._choose(s, meta)
        info = meta["versions"][version]
        dist = info.get("dist") if isinstance(info, dict) else None
        if not isinstance(dist, dict) or not _str(dist.get("tarball")):
            raise ProvisionError(
                f"the registry's entry for {tgt.package}@{version} has no tarball URL",
                "check BAKEOFF_REGISTRY / npm_config_registry",
            )
        integrity = strongest_integrity(_str(dist.get("integrity")))
        if integrity is None:
            what = "only a sha1 checksum" if dist.get("shasum") or dist.get("integrity") else "no"
            raise ProvisionError(
                f"{tgt.package}@{version} has {what} integrity hash in the registry "
                f"{self.registry.url}: refusing to install it without a sha256/384/512 check"
            )
        binary = tgt.binary
        if s.name in JS_TOOLS:  # a JavaScript tool: its entry point is its package's "bin"
            bins = info.get("bin") or {}
            entry = bins.get(s.name) if isinstance(bins, dict) else bins
            if isinstance(entry, str):
                binary = entry.removeprefix("./")
        binary = os.path.normpath(binary)
        if binary.startswith("..") or os.path.isabs(binary) or "\x00" in binary:
            raise ProvisionError(f"{tgt.package}@{version}: its bin {binary!r} is outside it")
        return ResolvedPackage(s.name, tgt.package, version, dist["tarball"], integrity, binary)

    def _choose(self, s: RuntimeSpec, meta: dict[str, Any]) -> str:
        versions = [v for v in meta.get("versions", {}) if isinstance(v, str)]
        newest = highest(versions) or "none"
        if s.range == "latest":
            tag = meta.get("dist-tags", {}).get("latest")
            chosen = tag if isinstance(tag, str) else highest(versions)
        elif s.range == "lts":
            majors = {v.major for t in versions if (v := Version.parse(t)) and not v.pre}
            lts = node_lts_major(majors)
            chosen = Range(str(lts)).best(versions) if lts is not None else None
        else:
            chosen = Range(s.range).best(versions)
        if not chosen or chosen not in meta.get("versions", {}):
            raise NoMatchingVersionError(
                f"no {s.name} version matches '{s.range}': newest published is {newest} "
                f"(try {s.name}@latest)"
            )
        return str(chosen)

    # -- cache ---------------------------------------------------------------------------
    def _entry_dir(self, r: ResolvedPackage) -> Path:
        return self.root / r.family / f"{r.version}-{slug(r.package)}"

    def _read_entry(self, entry: Path) -> dict[str, Any] | None:
        """The manifest of a healthy cache entry, or None when missing or damaged."""
        manifest, problems = self._check_entry(entry)
        return manifest if not problems else None

    def _runtime_from_entry(self, spec_text: str, manifest: dict[str, Any], entry: Path) -> Runtime:
        binary = entry / manifest["binary"]
        return Runtime(
            manifest["family"],
            spec_text,
            manifest["reported_version"],
            binary,
            manifest["binary_sha256"],
            "registry",
            f"{manifest['package']}@{manifest['version']}",
        )

    # -- install -------------------------------------------------------------------------
    def _install(self, r: ResolvedPackage) -> dict[str, Any]:
        entry = self._entry_dir(r)
        with self._lock(lock_name(r.package, r.version)):
            manifest = self._read_entry(entry)
            if manifest is not None:  # another process installed it while we waited
                return manifest
            self.sweep()
            with self.store.workdir(f"{slug(r.package)}-{r.version}") as work:
                try:
                    return self._unpack_into(r, work, entry)
                except OSError as exc:
                    raise ProvisionError(
                        f"installing {r.package}@{r.version} failed: {exc}"
                    ) from None

    def _unpack_into(self, r: ResolvedPackage, work: Path, entry: Path) -> dict[str, Any]:
        tgz = work / "package.tgz"

        def progress(done: int, total: int | None) -> None:
            if self.on_progress:
                self.on_progress(DownloadProgress(r.package, r.version, done, total))

        try:
            self.registry.download(r.tarball, tgz, progress)
        except RegistryUnreachable as exc:
            raise OfflineError(
                f"cannot download {r.package}@{r.version} from {self.registry.url}: {exc}",
                "check the network or set BAKEOFF_REGISTRY to a mirror",
            ) from None
        self._verify(r, tgz)
        unpack = work / "unpacked"
        unpack.mkdir()
        try:
            with tarfile.open(tgz, "r:gz") as tar:
                _safe_extract(tar, unpack)
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise ProvisionError(
                f"{r.package}@{r.version}: the download is not a gzip tarball ({exc})"
            ) from None
        tgz.unlink()
        binary_rel = Path("package") / r.binary
        binary = unpack / binary_rel
        if not binary.is_file():
            raise ProvisionError(f"{r.package}@{r.version} has no {r.binary} inside")
        binary.chmod(binary.stat().st_mode | 0o755)
        reported = binary_version(r.family, binary)
        files = manifest_mod.record(unpack)
        manifest = {
            "format": manifest_mod.FORMAT,
            "family": r.family,
            "package": r.package,
            "version": r.version,
            "integrity": r.integrity,
            "registry": self.registry.url,
            "binary": binary_rel.as_posix(),
            "binary_sha256": files[binary_rel.as_posix()]["sha256"],
            "reported_version": reported,
            "installed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": files,
        }
        (unpack / manifest_mod.MANIFEST).write_text(json.dumps(manifest, indent=1))
        entry.parent.mkdir(parents=True, exist_ok=True)
        self.store.replace(entry, unpack)
        return manifest

    def _verify(self, r: ResolvedPackage, tgz: Path) -> None:
        expected = strongest_integrity(r.integrity)
        if expected is None:
            tgz.unlink(missing_ok=True)
            raise IntegrityError(
                f"{r.package}@{r.version}: no sha512/sha384/sha256 integrity to check the "
                "download against (sha1 is not accepted); the download was deleted"
            )
        got = sri_of(tgz, expected.split("-", 1)[0])
        if got != expected:
            tgz.unlink(missing_ok=True)
            raise IntegrityError(
                f"integrity check failed for {r.package}@{r.version}: expected "
                f"{expected[:40]}..., got {got[:40]}...; the download was deleted",
                "retry, or check your registry mirror",
            )

    # -- public API ----------------------------------------------------------------------
    def ensure(self, spec: RuntimeSpec | str) -> Runtime:
        s = parse_spec(spec) if isinstance(spec, str) else spec
        if s.kind != "registry":
            return self._inspect(s)
        try:
            r = self.resolve(s)
        except (RegistryUnreachable, OfflineError) as exc:
            cached = self._cached_match(s)
            if cached is not None:
                return cached
            raise OfflineError(
                f"cannot reach the npm registry at {self.registry.url} ({exc}) and no "
                f"{'healthy ' if self._damaged else ''}cached {s.name} matches '{s.range}'"
                + self._damaged_note(),
                "connect to the network (or set BAKEOFF_REGISTRY to a mirror), then run "
                f"`bakeoff runtimes install {s.text}`",
            ) from None
        entry = self._entry_dir(r)
        manifest, problems = self._check_entry(entry)
        if manifest is None or problems:
            try:
                manifest = self._install(r)
            except OfflineError as exc:
                if not entry.exists():
                    raise
                raise OfflineError(
                    f"the cached {r.family} {r.version} failed verification "
                    f"({'; '.join(problems)}) and cannot be re-installed: {exc.message}",
                    exc.hint,
                ) from None
        return self._runtime_from_entry(s.text, manifest, entry)

    def ensure_tool(self, name: str, version_range: str = "latest") -> Runtime:
        """A package manager (npm, pnpm, yarn), esbuild or postject from the registry,
        verified and cached like a runtime. ``version_range``: ``latest`` or an npm range."""
        if name not in (*TOOLS, "esbuild"):
            raise ProvisionError(f"unknown tool {name!r} (expected {', '.join(TOOLS)} or esbuild)")
        return self.ensure(RuntimeSpec(f"{name}@{version_range}", name, "registry", version_range))

    def _cached_match(self, s: RuntimeSpec) -> Runtime | None:
        """Offline resolution: the highest healthy cached version satisfying the spec."""
        found: list[tuple[Version, dict[str, Any], Path]] = []
        damaged: list[tuple[Version, str]] = []
        for entry in self._entries(s.name):
            manifest, problems = self._check_entry(entry)
            v = Version.parse(manifest["version"]) if manifest else None
            if v is None or manifest is None:
                continue
            if problems:
                damaged.append((v, f"{s.name} {v} ({'; '.join(problems)})"))
            else:
                found.append((v, manifest, entry))
        if s.range == "lts":
            lts = node_lts_major({v.major for v, _, _ in found} | {v.major for v, _ in damaged})
            found = [f for f in found if f[0].major == lts]
            damaged = [d for d in damaged if d[0].major == lts]
        elif s.range != "latest":
            rng = Range(s.range)
            found = [f for f in found if rng.matches(f[0])]
            damaged = [d for d in damaged if rng.matches(d[0])]
        self._damaged = [text for _, text in damaged]
        if not found:
            return None
        _, manifest, entry = max(found, key=lambda f: f[0])
        return self._runtime_from_entry(s.text, manifest, entry)

    def _inspect(self, s: RuntimeSpec) -> Runtime:
        if s.kind == "system":
            found = shutil.which(s.name)
            if found is None:
                raise ProvisionError(
                    f"{s.text}: no '{s.name}' on PATH",
                    f"install it, or use {s.name}@latest to let bakeoff download it",
                )
            path = Path(found).resolve()
            source = "system"
        else:
            path = Path(s.path or "").expanduser().resolve()
            if not path.is_file() or not os.access(path, os.X_OK):
                raise ProvisionError(f"{s.text}: not an executable file")
            source = "path"
        return Runtime(
            s.name, s.text, binary_version(s.name, path), path, file_sha256(path), source
        )

    def which(self, spec: RuntimeSpec | str) -> Runtime:
        """The runtime a spec resolves to from the cache (or PATH); never downloads."""
        s = parse_spec(spec) if isinstance(spec, str) else spec
        if s.kind != "registry":
            return self._inspect(s)
        found = self._cached_match(s)
        if found is None:
            raise ProvisionError(
                f"no {'healthy ' if self._damaged else ''}cached {s.name} matches "
                f"'{s.range}'" + self._damaged_note(),
                f"run `bakeoff runtimes install {s.text}`",
            )
        return found

    def _damaged_note(self) -> str:
        if not self._damaged:
            return ""
        return f"; failed verification: {', '.join(self._damaged)}"

    def verify(self, family: str | None = None) -> list[EntryReport]:
        """Hash every file of every cache entry (of ``family``) against its manifest; also
        sweeps stale install folders."""
        self.sweep()
        reports = []
        for entry in self._entries(family):
            manifest, problems = self._check_entry(entry, full=True)
            reports.append(
                EntryReport(
                    entry,
                    f"{manifest['package']}@{manifest['version']}" if manifest else entry.name,
                    manifest["family"] if manifest else entry.parent.name,
                    manifest["version"] if manifest else entry.name.split("-", 1)[0],
                    problems,
                )
            )
        return reports

    def repair(self, report: EntryReport) -> Runtime:
        """Re-install a damaged entry from the registry (the same package and version)."""
        v = report.version
        return self.ensure(RuntimeSpec(f"{report.family}@{v}", report.family, "registry", v))

    def installed(self) -> list[Runtime]:
        out = []
        for entry in self._entries():
            manifest = self._read_entry(entry)
            if manifest is not None:
                out.append(
                    self._runtime_from_entry(
                        f"{manifest['family']}@{manifest['version']}", manifest, entry
                    )
                )
        return out

    def remove(self, spec: RuntimeSpec | str) -> list[Path]:
        s = parse_spec(spec) if isinstance(spec, str) else spec
        if s.kind != "registry":
            raise ProvisionError(f"{s.text}: only runtimes bakeoff downloaded can be removed")
        if s.range in ("latest", "lts"):  # the one `which` would pick
            found = self._cached_match(s)
            entries = [found.binary_entry] if found and found.binary_entry else []
        else:
            rng = Range(s.range)
            entries = [
                e
                for e in self._entries(s.name)
                if (v := Version.parse(e.name.split("-", 1)[0])) and rng.matches(v)
            ]
        for entry in entries:
            shutil.rmtree(entry)
        return entries
