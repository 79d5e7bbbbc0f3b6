"""Provisioning: resolve a runtime spec against the npm registry, download the platform
package, verify its ``dist.integrity`` before unpacking, and install it atomically into the
user cache — safe against two bakeoff processes installing at once, and usable offline.

Cache layout (``BAKEOFF_CACHE_DIR`` or the platform user cache dir, then ``runtimes/``)::

    runtimes/<family>/<version>-<package-slug>/package/...    the unpacked npm package
    runtimes/<family>/<version>-<package-slug>/manifest.json  package, integrity, binary sha256
    locks/<slug>.lock                                           one flock per package@version
    metadata/<package>.json                                     registry metadata (offline use)

Node's ``lts``: the registry has no LTS tag and its publish times are unreliable, so the
calendar rule is used: even major N is released in April of year 2013 + N/2 and becomes LTS at
the end of October that year; ``lts`` is the highest even major published whose LTS date has
passed. ``BAKEOFF_NODE_LTS`` overrides the major.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from bakeoff.runtimes.registry import NotFound, Registry, RegistryUnreachable
from bakeoff.runtimes.semver import Range, Version, highest
from bakeoff.runtimes.spec import RuntimeSpec, parse_spec
from bakeoff.runtimes.targets import JS_TOOLS, TOOLS, target


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
    return Path(env) if env else Path(platformdirs.user_cache_dir("bakeoff"))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def sri_of(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return f"{algorithm}-{base64.b64encode(h.digest()).decode()}"


def node_lts_major(majors: set[int], today: dt.date | None = None) -> int | None:
    override = os.environ.get("BAKEOFF_NODE_LTS")
    if override:
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


def _slug(package: str) -> str:
    return package.replace("@", "").replace("/", "-")


def _safe_extract(tar: tarfile.TarFile, dest: Path) -> None:
    root = dest.resolve()
    for member in tar.getmembers():
        target_path = (dest / member.name).resolve()
        if not str(target_path).startswith(str(root) + os.sep) and target_path != root:
            raise ProvisionError(f"refusing to unpack {member.name}: it escapes the folder")
        if member.issym() or member.islnk():
            link = (target_path.parent / member.linkname).resolve()
            if not str(link).startswith(str(root)):
                raise ProvisionError(f"refusing to unpack link {member.name} -> {member.linkname}")
    tar.extractall(dest, filter="tar")


class Provisioner:
    def __init__(
        self,
        cache_dir: Path | None = None,
        registry: str | None = None,
        offline: bool = False,
        on_progress: Callable[[DownloadProgress], None] | None = None,
    ) -> None:
        base = cache_dir or default_cache_dir()
        self.root = base / "runtimes"
        self.locks = base / "locks"
        self.tmp = base / "tmp"
        self.registry = Registry(registry, base / "metadata", offline)
        self.offline = offline
        self.on_progress = on_progress

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
        version = self._choose(s, meta)
        dist = meta["versions"][version].get("dist", {})
        integrity = dist.get("integrity") or (
            f"sha1-hex:{dist['shasum']}" if dist.get("shasum") else ""
        )
        if not integrity:
            raise ProvisionError(
                f"{tgt.package}@{version} has no integrity hash in the "
                "registry: refusing to install it unverified"
            )
        binary = tgt.binary
        if s.name in JS_TOOLS:  # a JavaScript tool: its entry point is its package's "bin"
            bins = meta["versions"][version].get("bin") or {}
            entry = bins.get(s.name) if isinstance(bins, dict) else bins
            if isinstance(entry, str):
                binary = entry.removeprefix("./")
        return ResolvedPackage(s.name, tgt.package, version, dist["tarball"], integrity, binary)

    def _choose(self, s: RuntimeSpec, meta: dict[str, Any]) -> str:
        versions = list(meta.get("versions", {}))
        newest = highest(versions) or "none"
        if s.range == "latest":
            chosen = meta.get("dist-tags", {}).get("latest") or highest(versions)
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
        return self.root / r.family / f"{r.version}-{_slug(r.package)}"

    def _read_entry(self, entry: Path) -> dict[str, Any] | None:
        """The manifest of a healthy cache entry, or None when missing or corrupted."""
        try:
            manifest: dict[str, Any] = json.loads((entry / "manifest.json").read_text())
            binary = entry / manifest["binary"]
            if not binary.is_file() or file_sha256(binary) != manifest["binary_sha256"]:
                return None
            return manifest
        except (OSError, KeyError, json.JSONDecodeError):
            return None

    def _entries(self, family: str | None = None) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for fam_dir in sorted(self.root.iterdir()):
            if fam_dir.is_dir() and (family is None or fam_dir.name == family):
                for entry in sorted(fam_dir.iterdir()):
                    if entry.is_dir() and not entry.name.startswith("."):
                        yield entry

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

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        self.locks.mkdir(parents=True, exist_ok=True)
        with (self.locks / f"{name}.lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- install -------------------------------------------------------------------------
    def _install(self, r: ResolvedPackage) -> dict[str, Any]:
        entry = self._entry_dir(r)
        with self._lock(f"{_slug(r.package)}-{r.version}"):
            manifest = self._read_entry(entry)
            if manifest is not None:  # another process installed it while we waited
                return manifest
            if entry.exists():
                shutil.rmtree(entry)  # corrupted: re-install
            self.tmp.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix="install-", dir=self.tmp))
            try:
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
                with tarfile.open(tgz, "r:gz") as tar:
                    _safe_extract(tar, unpack)
                tgz.unlink()
                binary_rel = Path("package") / r.binary
                binary = unpack / binary_rel
                if not binary.is_file():
                    raise ProvisionError(f"{r.package}@{r.version} has no {r.binary} inside")
                binary.chmod(binary.stat().st_mode | 0o755)
                manifest = {
                    "family": r.family,
                    "package": r.package,
                    "version": r.version,
                    "integrity": r.integrity,
                    "binary": str(binary_rel),
                    "binary_sha256": file_sha256(binary),
                    "reported_version": binary_version(r.family, binary),
                    "installed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
                (unpack / "manifest.json").write_text(json.dumps(manifest, indent=2))
                entry.parent.mkdir(parents=True, exist_ok=True)
                os.rename(unpack, entry)
                return manifest
            finally:
                shutil.rmtree(work, ignore_errors=True)

    def _verify(self, r: ResolvedPackage, tgz: Path) -> None:
        expected = r.integrity.split()[0]
        if expected.startswith("sha1-hex:"):
            got = hashlib.sha1(tgz.read_bytes()).hexdigest()
            ok = got == expected.split(":", 1)[1]
            got_text = f"sha1 {got}"
        else:
            algorithm = expected.split("-", 1)[0]
            if algorithm not in ("sha512", "sha384", "sha256", "sha1"):
                tgz.unlink(missing_ok=True)
                raise IntegrityError(f"unknown integrity algorithm in {expected[:20]}...")
            got_text = sri_of(tgz, algorithm)
            ok = got_text == expected
        if not ok:
            tgz.unlink(missing_ok=True)
            raise IntegrityError(
                f"integrity check failed for {r.package}@{r.version}: expected "
                f"{expected[:40]}..., got {got_text[:40]}...; the download was deleted",
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
                f"cannot reach the npm registry at {self.registry.url} ({exc}) and no cached "
                f"{s.name} matches '{s.range}'",
                "connect to the network (or set BAKEOFF_REGISTRY to a mirror), then run "
                f"`bakeoff runtimes install {s.text}`",
            ) from None
        entry = self._entry_dir(r)
        manifest = self._read_entry(entry) or self._install(r)
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
        for entry in self._entries(s.name):
            manifest = self._read_entry(entry)
            if manifest is None:
                continue
            v = Version.parse(manifest["version"])
            if v is not None:
                found.append((v, manifest, entry))
        if s.range == "lts":
            lts = node_lts_major({v.major for v, _, _ in found})
            found = [f for f in found if f[0].major == lts]
        elif s.range != "latest":
            rng = Range(s.range)
            found = [f for f in found if rng.matches(f[0])]
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
                f"no cached {s.name} matches '{s.range}'",
                f"run `bakeoff runtimes install {s.text}`",
            )
        return found

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
