"""Isolated working copies of a project and the environment tools run in there.

bakeoff never modifies the user's project and never touches their global caches: every
measurement runs in a fresh copy (without ``node_modules``, lockfiles or build output), with
its own cache folders and its own ``HOME`` so user-level ``.npmrc``/``bunfig.toml`` settings do
not leak in.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from bakeoff.measure.invoke import base_env

LOCKFILES = {
    "npm": "package-lock.json",
    "pnpm": "pnpm-lock.yaml",
    "yarn": "yarn.lock",
    "bun": "bun.lock",
    "deno": "deno.lock",
}
ALL_LOCKFILES = {*LOCKFILES.values(), "bun.lockb", "npm-shrinkwrap.json"}
SKIP = {"node_modules", ".git", "dist", "build", "coverage", ".next", ".turbo", ".cache"}


def copy_project(
    src: Path, dest: Path, keep_lockfiles: bool = False, keep: str | None = None
) -> Path:
    """A fresh copy of ``src`` at ``dest`` (replacing it), without dependencies, build output
    or (unless ``keep_lockfiles``) lockfiles; ``keep`` names one lockfile to keep (the one the
    toolchain's own manager reads)."""
    if dest.exists():
        shutil.rmtree(dest)

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in SKIP}
        if not keep_lockfiles:
            skip |= {n for n in names if n in ALL_LOCKFILES and n != keep}
        return skip

    shutil.copytree(src, dest, ignore=ignore, symlinks=True)
    return dest


INSTALL_MARK = ".bakeoff-install.json"


def _installer(argv: Iterable[str]) -> list[str]:
    """The binaries of an install command (everything before the ``install`` verb): the same
    Node and manager on the same lockfile leave the same tree."""
    out: list[str] = []
    for a in argv:
        if a == "install":
            return out
        out.append(a)
    return out


def mark_install(project: Path, argv: Iterable[str]) -> None:
    """Record in ``project/node_modules`` which binaries installed it (``reuse_install``)."""
    modules = project / "node_modules"
    if modules.is_dir():
        (modules / INSTALL_MARK).write_text(json.dumps({"installer": _installer(argv)}))


def reuse_install(src: Path, dest: Path, argv: Iterable[str]) -> bool:
    """Copy ``src``'s ``node_modules`` into ``dest`` when bakeoff installed it with the same
    binaries ``argv`` would use (same Node, same manager at the same version; both copies keep
    the same lockfile) — the tree that install would leave, in seconds instead of a second
    install. False (nothing copied) otherwise."""
    try:
        mark = json.loads((src / "node_modules" / INSTALL_MARK).read_text())
    except (OSError, ValueError):
        return False
    want = _installer(argv)
    if not isinstance(mark, dict) or not want or mark.get("installer") != want:
        return False
    if (src / "node_modules" / ".pnpm").is_dir():  # pnpm's bin shims hold absolute paths
        return False
    target = dest / "node_modules"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(src / "node_modules", target, symlinks=True)
    (target / INSTALL_MARK).unlink(missing_ok=True)
    return True


def clear_install(src: Path, project: Path) -> None:
    """Undo an install in a working copy, like ``rm -rf node_modules`` plus the lockfiles:
    ``node_modules`` and every lockfile go, and ``package.json`` is restored from ``src`` (in
    case a manager rewrote it). The folder itself stays, so repeated samples see the same
    directory the way ``hyperfine --prepare 'rm -rf node_modules'`` does."""
    shutil.rmtree(project / "node_modules", ignore_errors=True)
    for name in ALL_LOCKFILES:
        (project / name).unlink(missing_ok=True)
    if (src / "package.json").is_file():
        shutil.copy2(src / "package.json", project / "package.json")


def reset(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def tool_env(cache: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for package managers and test runners: every cache and config location
    points into ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    home = cache / "home"
    home.mkdir(exist_ok=True)
    env = base_env(
        {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(cache / "xdg-cache"),
            "XDG_DATA_HOME": str(cache / "xdg-data"),
            "XDG_CONFIG_HOME": str(cache / "xdg-config"),
            "XDG_STATE_HOME": str(cache / "xdg-state"),
            "npm_config_cache": str(cache / "npm"),
            "npm_config_update_notifier": "false",
            "npm_config_fund": "false",
            "npm_config_audit": "false",
            "YARN_CACHE_FOLDER": str(cache / "yarn"),
            "BUN_INSTALL_CACHE_DIR": str(cache / "bun"),
            "DENO_DIR": str(cache / "deno"),
            "CI": "true",
            **NO_SELF_SWITCH,
        }
    )
    env.update(trust_env())
    registry = os.environ.get("BAKEOFF_REGISTRY") or os.environ.get("npm_config_registry")  # noqa: SIM112
    if registry:
        env["npm_config_registry"] = registry
    if extra:
        env.update(extra)
    return env


# A package manager must not replace itself with the version a project's ``packageManager``
# names (pnpm's manage-package-manager-versions, corepack): the manager measured is the one
# bakeoff provisioned, at the project's pinned version when it has one.
NO_SELF_SWITCH = {
    "npm_config_manage_package_manager_versions": "false",
    "pnpm_config_manage_package_manager_versions": "false",
    "COREPACK_ENABLE_STRICT": "0",
    "COREPACK_ENABLE_AUTO_PIN": "0",
    "COREPACK_ENABLE_DOWNLOAD_PROMPT": "0",
}


CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
)


def trust_env() -> dict[str, str]:
    """The machine's extra TLS trust (a corporate or sandbox CA) for tools that download:
    ``NODE_EXTRA_CA_CERTS`` is honoured by Node, npm, pnpm, yarn and Bun; Deno reads
    ``DENO_CERT``. Only install/test/build steps get these — never timed start-ups."""
    out: dict[str, str] = {}
    ca = os.environ.get("NODE_EXTRA_CA_CERTS") or os.environ.get("SSL_CERT_FILE")
    # else the system bundle: Node ships its own CA list, so behind a TLS-inspecting proxy npm
    # fails with SELF_SIGNED_CERT_IN_CHAIN where the rest of the machine works
    ca = ca or next((b for b in CA_BUNDLES if Path(b).is_file()), None)
    if ca:
        out["NODE_EXTRA_CA_CERTS"] = ca
        out["DENO_CERT"] = os.environ.get("DENO_CERT", ca)
    for key in (
        "DENO_TLS_CA_STORE",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "NO_PROXY",
        "https_proxy",
        "http_proxy",
        "no_proxy",
    ):
        if key in os.environ:
            out[key] = os.environ[key]
    return out


def tree_size(folder: Path) -> tuple[float, int]:
    """Size in MB (apparent, bytes of regular files) and number of files under ``folder``."""
    total = 0
    files = 0
    for root, _dirs, names in os.walk(folder, followlinks=False):
        for n in names:
            p = os.path.join(root, n)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            files += 1
            total += st.st_size
    return total / (1024 * 1024), files


def installed_versions(project: Path, names: Iterable[str]) -> dict[str, str | None]:
    """The version of each top-level dependency in ``project/node_modules`` (None: missing)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            meta = json.loads((project / "node_modules" / name / "package.json").read_text())
            out[name] = str(meta.get("version"))
        except (OSError, ValueError):
            out[name] = None
    return out


def with_scripts(project: Path) -> list[str]:
    """Installed packages that declare install-time lifecycle scripts."""
    found: list[str] = []
    modules = project / "node_modules"
    if not modules.is_dir():
        return found
    for meta_path in sorted(modules.glob("*/package.json")) + sorted(
        modules.glob("@*/*/package.json")
    ):
        try:
            scripts = json.loads(meta_path.read_text()).get("scripts") or {}
        except (OSError, ValueError):
            continue
        if any(k in scripts for k in ("preinstall", "install", "postinstall")):
            found.append(str(meta_path.parent.relative_to(modules)))
    return found
