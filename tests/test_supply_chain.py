"""A hostile tarball, mirror or cache: crafted archives are refused with one line and write
nothing outside the cache, every installed file is recorded and checked, registry answers and
URLs are checked, metadata is kept per registry, and stale temporaries are swept."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bakeoff.errors import IntegrityError, OfflineError, ProvisionError
from bakeoff.runtimes import registry as registry_mod
from bakeoff.runtimes import unpack
from bakeoff.runtimes.provision import Provisioner, node_lts_major, strongest_integrity
from bakeoff.runtimes.targets import target
from registry_fake import FakeRegistry, make_tarball

NODE = target("node").package
NODE_SCRIPT = b"#!/bin/sh\necho v24.1.0\n"


def tarball(*members: tuple[tarfile.TarInfo, bytes | None], gz: bool = True) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return buf.getvalue()


def reg(name: str, data: bytes, mode: int = 0o644) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.mode = mode
    return info, data


def special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 1, 3
    return info, None


def node_member() -> tuple[tarfile.TarInfo, bytes]:
    return reg("package/bin/node", NODE_SCRIPT, 0o755)


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, bytes]]:
    """Every path under ``root`` outside ``skip`` with its mode and content."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        st = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        out[str(path)] = (st.st_mode, data)
    return out


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """``(dest, victim)``: a folder to unpack into, deep inside ``tmp_path``, and a file
    outside it that an attack would overwrite; plus a sibling folder named like ``dest``."""
    dest = tmp_path / "cache" / "tmp" / "install-x" / "unpacked"
    dest.mkdir(parents=True)
    (tmp_path / "cache" / "tmp" / "install-x" / "unpacked-evil").mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o600)
    return dest, victim


def attacks(victim: Path) -> dict[str, bytes]:
    up = "../" * 6  # from the archive root well above tmp_path's victim
    rel_victim = f"{up}{str(victim).lstrip('/')}"
    return {
        # tar resolves a hardlink's target against the archive root: from a deep member folder,
        # a folder-relative check would have said this stays inside
        "hardlink escape": tarball(
            node_member(),
            special(
                "package/a/b/c/d/e/f/g/h/evil", tarfile.LNKTYPE, "package/../../../" + rel_victim
            ),
        ),
        "hardlink absolute": tarball(
            node_member(), special("package/evil", tarfile.LNKTYPE, str(victim))
        ),
        "hardlink to a later member": tarball(
            special("package/evil", tarfile.LNKTYPE, "package/bin/node"), node_member()
        ),
        "device node": tarball(node_member(), special("package/null", tarfile.CHRTYPE)),
        "block device": tarball(node_member(), special("package/disk", tarfile.BLKTYPE)),
        "fifo": tarball(node_member(), special("package/pipe", tarfile.FIFOTYPE)),
        "symlink prefix sibling": tarball(
            node_member(),
            special("link", tarfile.SYMTYPE, "../unpacked-evil"),
            reg("link/owned.txt", b"x"),
        ),
        "symlink prefix sibling alone": tarball(
            node_member(), special("link", tarfile.SYMTYPE, "../unpacked-evil")
        ),
        "dotdot": tarball(node_member(), reg("package/../../../escape.txt", b"x")),
        "absolute": tarball(node_member(), reg(str(victim.parent / "abs.txt"), b"x")),
        "symlink absolute": tarball(node_member(), special("package/etc", tarfile.SYMTYPE, "/etc")),
        "symlink climbing out": tarball(
            node_member(), special("package/up", tarfile.SYMTYPE, "../../" + up)
        ),
        "symlink chain": tarball(
            node_member(),
            special("package/l2", tarfile.SYMTYPE, "."),
            special("package/l1", tarfile.SYMTYPE, "l2/../../../victim.txt"),
        ),
        "write through a symlink": tarball(
            node_member(),
            special("package/s", tarfile.SYMTYPE, "bin"),
            reg("package/s/node", b"#!/bin/sh\necho pwned\n"),
        ),
        "symlink replaced by a file": tarball(
            node_member(),
            special("package/a", tarfile.SYMTYPE, "bin/node"),
            reg("package/a", b"pwned"),
        ),
    }


ATTACKS = list(attacks(Path("/x")))


@pytest.mark.parametrize("name", ATTACKS)
def test_crafted_tarball_is_refused_and_writes_nothing_outside(
    name: str, layout: tuple[Path, Path], tmp_path: Path
) -> None:
    dest, victim = layout
    data = attacks(victim)[name]
    before = snapshot(tmp_path, dest)
    with (
        tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar,
        pytest.raises(ProvisionError) as exc,
    ):
        unpack.safe_extract(tar, dest)
    message = str(exc.value)
    assert "\n" not in message and message.startswith("refusing to unpack"), message
    assert snapshot(tmp_path, dest) == before
    assert victim.read_text() == "precious\n"
    assert list(dest.iterdir()) == []  # refused before anything was written


def test_a_legitimate_tarball_with_inner_links_unpacks(tmp_path: Path) -> None:
    data = tarball(
        node_member(),
        reg("package/lib/x.js", b"module.exports = 1\n"),
        special("package/bin/alias", tarfile.SYMTYPE, "../lib/x.js"),
        special("package/lib/y.js", tarfile.LNKTYPE, "package/lib/x.js"),
        reg("package/setuid", b"x", 0o4755),
    )
    dest = tmp_path / "out"
    dest.mkdir()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        unpack.safe_extract(tar, dest)
    assert (dest / "package/bin/alias").read_text() == "module.exports = 1\n"
    assert (dest / "package/lib/y.js").read_text() == "module.exports = 1\n"
    assert not (dest / "package/setuid").stat().st_mode & 0o4000  # the data filter's job


# -- through the provisioner ------------------------------------------------------------------
@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    r = FakeRegistry()
    yield r
    r.close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BAKEOFF_NODE_LTS", "24")
    return tmp_path / "cache"


def prov_for(cache: Path, registry: FakeRegistry, offline: bool = False) -> Provisioner:
    return Provisioner(cache_dir=cache, registry=registry.url, offline=offline)


def test_provisioner_refuses_a_hostile_tarball_whose_integrity_matches(
    cache: Path, registry: FakeRegistry, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    for i, (name, data) in enumerate(attacks(victim).items()):
        version = f"24.0.{i}"
        registry.publish_tarball(NODE, version, data)
        before = snapshot(tmp_path, cache)
        with pytest.raises(ProvisionError) as exc:
            prov_for(cache, registry).ensure(f"node@{version}")
        assert "\n" not in str(exc.value), name
        assert snapshot(tmp_path, cache) == before, name
        assert list((cache / "tmp").glob("install-*")) == [], name
    assert victim.read_text() == "precious\n"
    assert prov_for(cache, registry).installed() == []


def publish_node(registry: FakeRegistry, version: str = "24.1.0") -> None:
    npm_js = b"// npm's code\n" + b"x" * 100
    registry.publish_tarball(
        NODE,
        version,
        tarball(node_member(), reg("package/lib/npm.js", npm_js), reg("package/README", b"hi")),
    )


def downloads(registry: FakeRegistry) -> int:
    return len([r for r in registry.requests if r.endswith(".tgz")])


def test_every_installed_file_is_in_the_manifest(cache: Path, registry: FakeRegistry) -> None:
    publish_node(registry)
    rt = prov_for(cache, registry).ensure("node@24")
    entry = rt.binary_entry
    assert entry is not None
    manifest = json.loads((entry / "manifest.json").read_text())
    files = manifest["files"]
    assert set(files) == {"package/bin/node", "package/lib/npm.js", "package/README"}
    npm_js = (entry / "package/lib/npm.js").read_bytes()
    assert files["package/lib/npm.js"]["sha256"] == hashlib.sha256(npm_js).hexdigest()
    assert files["package/lib/npm.js"]["size"] == len(npm_js)


@pytest.mark.parametrize("keep_times", [False, True])
def test_a_tampered_non_entry_file_is_detected_and_reinstalled(
    cache: Path, registry: FakeRegistry, keep_times: bool
) -> None:
    publish_node(registry)
    rt = prov_for(cache, registry).ensure("node@24")
    assert rt.binary_entry is not None
    npm_js = rt.binary_entry / "package/lib/npm.js"
    original = npm_js.read_bytes()
    st = npm_js.stat()
    evil = b"require('child_process').exec('curl evil')//"
    npm_js.write_bytes(evil + b"x" * (len(original) - len(evil)))  # same size
    if keep_times:  # the attacker restores the modification time; the change time moves
        os.utime(npm_js, ns=(st.st_atime_ns, st.st_mtime_ns))
    fresh = prov_for(cache, registry)
    report = fresh.verify()
    assert [r.problems for r in report] == [["package/lib/npm.js changed (sha256)"]]
    # offline, a damaged entry is refused, naming the file
    with pytest.raises(OfflineError, match=r"node 24\.1\.0 failed verification .*npm\.js"):
        prov_for(cache, registry, offline=True).ensure("node@24")
    with pytest.raises(ProvisionError, match="no healthy cached node"):
        prov_for(cache, registry, offline=True).which("node@24")
    # online, it is re-installed
    before = downloads(registry)
    again = prov_for(cache, registry).ensure("node@24")
    assert downloads(registry) == before + 1
    assert again.binary_entry is not None
    assert (again.binary_entry / "package/lib/npm.js").read_bytes() == original
    assert all(r.ok for r in prov_for(cache, registry).verify())


def test_an_added_file_is_detected(cache: Path, registry: FakeRegistry) -> None:
    publish_node(registry)
    rt = prov_for(cache, registry).ensure("node@24")
    assert rt.binary_entry is not None
    (rt.binary_entry / "package/lib/evil.js").write_text("pwned")
    [report] = prov_for(cache, registry).verify()
    assert report.problems == ["package/lib/evil.js was added"]


def test_a_copied_cache_is_rechecked_once_without_a_download(
    cache: Path, registry: FakeRegistry
) -> None:
    publish_node(registry)
    rt = prov_for(cache, registry).ensure("node@24")
    assert rt.binary_entry is not None
    for path in rt.binary_entry.rglob("*"):  # as `cp -r` would: same content, new times
        if path.is_file() and path.name != "manifest.json":
            path.write_bytes(path.read_bytes())
    before = downloads(registry)
    prov_for(cache, registry).ensure("node@24")
    assert downloads(registry) == before
    prov = prov_for(cache, registry)
    _, problems = prov._check_entry(rt.binary_entry)
    assert problems == []


def test_an_entry_without_a_file_list_is_adopted_then_protected(
    cache: Path, registry: FakeRegistry
) -> None:
    publish_node(registry)
    rt = prov_for(cache, registry).ensure("node@24")
    assert rt.binary_entry is not None
    path = rt.binary_entry / "manifest.json"
    legacy = json.loads(path.read_text())
    del legacy["files"], legacy["format"]
    path.write_text(json.dumps(legacy))
    before = downloads(registry)
    assert prov_for(cache, registry).ensure("node@24").version == rt.version
    assert downloads(registry) == before
    assert "files" in json.loads(path.read_text())
    (rt.binary_entry / "package/README").write_text("edited")
    assert not prov_for(cache, registry).verify()[0].ok


def test_an_entry_whose_binary_changed_is_reinstalled(cache: Path, registry: FakeRegistry) -> None:
    publish_node(registry)
    rt = prov_for(cache, registry).ensure("node@24")
    rt.binary.write_text("#!/bin/sh\necho hacked\n")
    before = downloads(registry)
    again = prov_for(cache, registry).ensure("node@24")
    assert downloads(registry) == before + 1 and again.sha256 == rt.sha256


# -- integrity and URLs ---------------------------------------------------------------------
def test_sha1_only_integrity_is_refused(cache: Path, registry: FakeRegistry) -> None:
    data = make_tarball("node", "24.1.0")
    url = registry.publish_tarball(NODE, "24.1.0", data)
    sha1 = hashlib.sha1(data).hexdigest()
    registry.packages[NODE]["versions"]["24.1.0"]["dist"] = {"shasum": sha1, "tarball": url}
    with pytest.raises(ProvisionError, match="only a sha1 checksum"):
        prov_for(cache, registry).ensure("node@24.1.0")
    registry.packages[NODE]["versions"]["24.1.0"]["dist"] = {
        "integrity": "sha1-" + "A" * 27 + "=",
        "tarball": url,
    }
    with pytest.raises(ProvisionError, match="only a sha1 checksum"):
        prov_for(cache, registry).ensure("node@24.1.0")
    assert downloads(registry) == 0


def test_the_strongest_integrity_is_checked() -> None:
    assert strongest_integrity("sha1-abc sha512-def sha256-ghi") == "sha512-def"
    assert strongest_integrity("sha1-abc") is None
    assert strongest_integrity("md5-abc sha384-x") == "sha384-x"
    assert strongest_integrity("") is None


def test_a_weaker_hash_cannot_vouch_for_a_tampered_tarball(
    cache: Path, registry: FakeRegistry
) -> None:
    data = make_tarball("node", "24.1.0")
    url = registry.publish_tarball(NODE, "24.1.0", data)
    sha1 = "sha1-" + __import__("base64").b64encode(hashlib.sha1(data).digest()).decode()
    registry.packages[NODE]["versions"]["24.1.0"]["dist"] = {
        "integrity": f"{sha1} sha512-{'A' * 86}==",
        "tarball": url,
    }
    with pytest.raises(IntegrityError, match="integrity check failed"):
        prov_for(cache, registry).ensure("node@24.1.0")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://registry.npmjs.org/x/-/x-1.tgz", True),
        ("http://127.0.0.1:4873/x.tgz", True),
        ("http://localhost:4873/x.tgz", True),
        ("http://[::1]:4873/x.tgz", True),
        ("http://registry.example.com/x.tgz", False),
        ("http://127.0.0.1.example.com/x.tgz", False),
        ("file:///etc/passwd", False),
        ("ftp://example.com/x.tgz", False),
        ("notaurl", False),
        ("https://", False),
        ("https://example.com:99999/x", False),
    ],
)
def test_url_policy(url: str, ok: bool) -> None:
    assert (registry_mod.url_problem(url) is None) == ok


@pytest.mark.parametrize(
    "tarball_url", ["file:///etc/passwd", "http://registry.example.com/node.tgz", "ftp://x/y"]
)
def test_a_tarball_url_bakeoff_will_not_fetch_is_refused(
    cache: Path, registry: FakeRegistry, tarball_url: str
) -> None:
    data = make_tarball("node", "24.1.0")
    registry.publish_tarball(NODE, "24.1.0", data)
    registry.packages[NODE]["versions"]["24.1.0"]["dist"]["tarball"] = tarball_url
    with pytest.raises(ProvisionError, match="refusing the tarball URL"):
        prov_for(cache, registry).ensure("node@24.1.0")


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://registry.example.com/node.tgz", "refused redirect to http://registry.example"),
        ("file:///etc/passwd", "HTTP 302"),  # urllib never follows these
        ("ftp://registry.example.com/node.tgz", "refused redirect to ftp://"),
    ],
)
def test_a_redirect_to_a_url_bakeoff_would_not_fetch_is_refused(
    cache: Path, registry: FakeRegistry, location: str, message: str
) -> None:
    url = registry.publish_tarball(NODE, "24.1.0", make_tarball("node", "24.1.0"))
    registry.redirects[url.removeprefix(registry.url)] = location
    with pytest.raises(OfflineError, match=message):
        prov_for(cache, registry).ensure("node@24.1.0")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("notaurl", "not an http"),
        ("http://registry.example.com/", "plain http is only allowed on a loopback host"),
        ("file:///tmp/registry", "not an http"),
    ],
)
def test_a_bad_registry_setting_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str, message: str
) -> None:
    monkeypatch.setenv("BAKEOFF_REGISTRY", value)
    with pytest.raises(ProvisionError, match=message) as exc:
        Provisioner(cache_dir=tmp_path)
    assert "BAKEOFF_REGISTRY" in str(exc.value)


def test_metadata_is_kept_per_registry(cache: Path) -> None:
    real, mirror = FakeRegistry(), FakeRegistry()
    try:
        real.publish_tarball(NODE, "24.1.0", make_tarball("node", "24.1.0"))
        mirror.publish_tarball(NODE, "24.9.9", make_tarball("node", "24.9.9"))
        assert prov_for(cache, real).resolve("node@24").version == "24.1.0"
        assert prov_for(cache, mirror).resolve("node@24").version == "24.9.9"
        # back on the first registry, within the metadata TTL: its own answer, not the mirror's
        assert prov_for(cache, real).resolve("node@24").version == "24.1.0"
        assert len([r for r in real.requests if r == NODE]) == 1
    finally:
        real.close()
        mirror.close()


# -- bad answers --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "not JSON.*<!DOCTYPE html"),
        (b'{"versions": {"24.1.0": ', "not JSON"),
        (b"[1, 2, 3]", "not a package document"),
        (b'{"name": "node", "versions": []}', "not a package document"),
        (b'{"versions": {}, "dist-tags": []}', "malformed dist-tags"),
        (b'{"versions": {"24.1.0": {"dist": 5}}}', "has no tarball URL"),
        (b'{"versions": {"24.1.0": "x"}}', "has no tarball URL"),
        (b'{"versions": {"24.1.0": {"dist": {"tarball": 7}}}}', "has no tarball URL"),
        (b"[" * 5000 + b"]" * 5000, "not JSON"),
    ],
)
def test_a_malformed_registry_answer_is_one_clear_error(
    cache: Path, registry: FakeRegistry, body: bytes, message: str
) -> None:
    registry.raw[NODE] = body
    with pytest.raises(ProvisionError, match=message) as exc:
        prov_for(cache, registry).ensure("node@24")
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "data",
    [b"this is not a tarball at all", gzip.compress(b"not a tar inside"), b"\x1f\x8b\x08garbage"],
)
def test_a_download_that_is_not_a_gzip_tarball_is_refused(
    cache: Path, registry: FakeRegistry, data: bytes
) -> None:
    registry.publish_tarball(NODE, "24.1.0", data)
    with pytest.raises(ProvisionError, match=r"not a (readable )?gzip tarball") as exc:
        prov_for(cache, registry).ensure("node@24.1.0")
    assert "\n" not in str(exc.value)
    assert list((cache / "tmp").glob("install-*")) == []


def test_an_uncompressed_tarball_is_refused(cache: Path, registry: FakeRegistry) -> None:
    registry.publish_tarball(NODE, "24.1.0", tarball(node_member(), gz=False))
    with pytest.raises(ProvisionError, match="not a gzip tarball"):
        prov_for(cache, registry).ensure("node@24.1.0")


# -- the environment ----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", "-2", "24.1", "0", "99999"])
def test_a_bad_node_lts_override_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("BAKEOFF_NODE_LTS", value)
    with pytest.raises(ProvisionError, match="BAKEOFF_NODE_LTS"):
        node_lts_major({20, 22, 24})


def test_a_cache_dir_that_is_not_a_folder_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAKEOFF_CACHE_DIR", "/dev/null")
    with pytest.raises(ProvisionError, match="BAKEOFF_CACHE_DIR=/dev/null is not a folder"):
        Provisioner()


# -- stale temporaries --------------------------------------------------------------------
def test_stale_install_folders_are_swept_and_live_ones_kept(
    cache: Path, registry: FakeRegistry
) -> None:
    tmp = cache / "tmp"
    tmp.mkdir(parents=True)
    dead = tmp / "install-node-24.0.0-dead"  # its owner was killed: the lock is free
    dead.mkdir()
    (dead / ".owner").touch()
    (dead / "package.tgz").write_bytes(b"half a download")
    old = tmp / "install-legacy"  # no lock file, hours old
    old.mkdir()
    os.utime(old, (1_000_000_000, 1_000_000_000))
    live = tmp / "install-node-24.0.0-live"  # another process is downloading right now
    live.mkdir()
    with (live / ".owner").open("w") as owner:
        fcntl.flock(owner, fcntl.LOCK_EX)
        publish_node(registry)
        prov_for(cache, registry).ensure("node@24")
        assert sorted(p.name for p in tmp.iterdir()) == [live.name]
    assert prov_for(cache, registry).sweep() == [live]
