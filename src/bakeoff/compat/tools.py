"""Tools bakeoff fetches from the npm registry for the compatibility checks: the ``npm`` CLI
(the node platform package ships only the binary) and esbuild (to bundle an entry into the single
script Node's SEA needs). Each tarball is integrity-checked against the registry's
``dist.integrity`` before unpacking, like runtime provisioning, and cached per version."""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bakeoff.errors import IntegrityError, ProvisionError
from bakeoff.runtimes.provision import _safe_extract, default_cache_dir, sri_of
from bakeoff.runtimes.registry import NotFound, Registry, RegistryUnreachable


@dataclass(frozen=True)
class Tool:
    package: str
    version: str
    root: Path  # the unpacked package folder

    @property
    def npm_cli(self) -> Path:
        return self.root / "bin" / "npm-cli.js"

    @property
    def esbuild(self) -> Path:
        return self.root / "bin" / "esbuild"


def fetch_tool(
    package: str, version: str = "latest", cache_dir: Path | None = None, offline: bool = False
) -> Tool:
    """The unpacked package ``package@version`` (a dist-tag or exact version)."""
    base = (cache_dir or default_cache_dir()) / "compat-tools"
    registry = Registry(metadata_dir=base / "metadata", offline=offline)
    try:
        meta = registry.packument(package)
    except RegistryUnreachable as exc:
        cached = sorted(base.glob(f"{package.replace('/', '__')}@*/package"))
        if cached:
            return Tool(package, cached[-1].parent.name.split("@")[-1], cached[-1])
        raise ProvisionError(f"cannot fetch {package}: registry unreachable ({exc})") from None
    except NotFound:
        raise ProvisionError(f"{package} not found in the registry") from None
    exact = meta.get("dist-tags", {}).get(version, version)
    info = meta.get("versions", {}).get(exact)
    if not info:
        raise ProvisionError(f"{package}@{version} not found in the registry")
    dest = base / f"{package.replace('/', '__')}@{exact}"
    if (dest / "package" / "package.json").is_file():
        return Tool(package, exact, dest / "package")
    dist = info.get("dist", {})
    integrity = str(dist.get("integrity", "")).split()[0] if dist.get("integrity") else ""
    if not integrity:
        raise IntegrityError(f"{package}@{exact} has no integrity hash in the registry metadata")
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tool-", dir=base))
    try:
        tgz = tmp / "pkg.tgz"
        registry.download(dist["tarball"], tgz)
        got = sri_of(tgz, integrity.split("-", 1)[0])
        if got != integrity:
            raise IntegrityError(f"integrity check failed for {package}@{exact}: got {got[:30]}...")
        with tarfile.open(tgz) as tar:
            _safe_extract(tar, tmp / "out")
        unpacked = next((tmp / "out").iterdir())
        (tmp / "final").mkdir()
        unpacked.rename(tmp / "final" / "package")
        if dest.exists():
            shutil.rmtree(dest)
        (tmp / "final").rename(dest)
    except RegistryUnreachable as exc:
        raise ProvisionError(f"cannot download {package}@{exact}: {exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Tool(package, exact, dest / "package")
