"""Native addon classification from ELF dynamic symbols (ELF files built here byte by byte),
the per-package scan of node_modules, load-result mapping and the suite wiring with a fake
executor."""

from __future__ import annotations

import json
import platform
import struct
from pathlib import Path

import pytest

from bakeoff.compat import native
from bakeoff.compat.probes import PREFIX
from bakeoff.measure.fake import FakeExecutor, result
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.plan.contestants import Contender
from bakeoff.render import markdown
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.compat import CompatSuite
from docjson import raw

X86_64, AARCH64 = 62, 183


def elf(imports: list[str], exports: list[str], machine: int = X86_64, bits: int = 64) -> bytes:
    """A minimal ELF shared object whose .dynsym holds ``imports`` (undefined) and ``exports``
    (defined in section 1), as a linker would write them."""
    names = [*imports, *exports]
    dynstr = b"\0" + b"".join(n.encode() + b"\0" for n in names)
    offsets, at = [], 1
    for n in names:
        offsets.append(at)
        at += len(n) + 1
    shstr = b"\0.dynstr\0.dynsym\0.shstrtab\0"
    if bits == 64:
        sym = lambda name, shndx: struct.pack("<IBBHQQ", name, 0x12, 0, shndx, 0, 0)  # noqa: E731
        ehsize, shentsize, symsize = 64, 64, 24
    else:
        sym = lambda name, shndx: struct.pack("<IIIBBH", name, 0, 0, 0x12, 0, shndx)  # noqa: E731
        ehsize, shentsize, symsize = 52, 40, 16
    dynsym = b"\0" * symsize + b"".join(
        sym(offsets[i], 0 if i < len(imports) else 1) for i in range(len(names))
    )
    body = dynstr + dynsym + shstr
    o_str, o_sym, o_sh = ehsize, ehsize + len(dynstr), ehsize + len(dynstr) + len(dynsym)
    shoff = ehsize + len(body)
    if bits == 64:

        def sh(name: int, typ: int, off: int, size: int, link: int, ent: int) -> bytes:
            return struct.pack("<IIQQQQIIQQ", name, typ, 0, 0, off, size, link, 0, 1, ent)

        head = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
        head += struct.pack("<HHIQQQIHHHHHH", 3, machine, 1, 0, 0, shoff, 0, 64, 0, 0, 64, 4, 3)
    else:

        def sh(name: int, typ: int, off: int, size: int, link: int, ent: int) -> bytes:
            return struct.pack("<IIIIIIIIII", name, typ, 0, 0, off, size, link, 0, 1, ent)

        head = b"\x7fELF" + bytes([1, 1, 1]) + b"\0" * 9
        head += struct.pack("<HHIIIIIHHHHHH", 3, machine, 1, 0, 0, shoff, 0, 52, 0, 0, 40, 4, 3)
    sections = (
        b"\0" * shentsize
        + sh(1, 3, o_str, len(dynstr), 0, 0)
        + sh(9, 11, o_sym, len(dynsym), 1, symsize)
        + sh(17, 3, o_sh, len(shstr), 0, 0)
    )
    return head + body + sections


NAPI = elf(
    ["napi_create_function", "napi_set_named_property", "malloc"], ["napi_register_module_v1"]
)
V8 = elf(
    ["_ZN2v87Isolate10GetCurrentEv", "_ZN4node14AddEnvironmentCleanupHookEPN2v87IsolateEPFvPvES3_"],
    ["node_register_module_v115"],
)


def test_elf_symbols_split_imports_and_exports() -> None:
    machine, syms = native.elf_symbols(NAPI)
    assert machine == "x86_64"
    assert syms.imported == ["napi_create_function", "napi_set_named_property", "malloc"]
    assert syms.exported == ["napi_register_module_v1"]


def test_node_api_binary_is_portable() -> None:
    c = native.classify_bytes(NAPI)
    assert (c.api, c.entry, c.napi_imports, c.cxx_imports) == (
        "node-api",
        "napi_register_module_v1",
        2,
        0,
    )


def test_v8_api_binary_is_bound_to_one_abi() -> None:
    c = native.classify_bytes(V8)
    assert (c.api, c.entry, c.cxx_imports) == ("v8-api", "node_register_module_v115", 2)
    assert c.evidence[0].startswith("_ZN")


def test_an_addon_using_both_counts_as_v8_api() -> None:
    both = elf(["napi_create_object", "_ZN2v811HandleScopeC1EPNS_7IsolateE"], [])
    assert native.classify_bytes(both).api == "v8-api"


def test_nan_registration_import_alone_is_v8_api() -> None:
    assert native.classify_bytes(elf(["node_module_register"], [])).api == "v8-api"


def test_32_bit_and_other_machines() -> None:
    c = native.classify_bytes(elf(["napi_get_undefined"], [], machine=AARCH64, bits=32))
    assert (c.api, c.machine) == ("node-api", "aarch64")


def test_plain_shared_library_and_garbage_are_unknown() -> None:
    assert native.classify_bytes(elf(["malloc", "free"], ["helper"])).api == "unknown"
    c = native.classify_bytes(b"not a binary at all")
    assert (c.format, c.api) == ("unknown", "unknown")
    truncated = native.classify_bytes(NAPI[:40])
    assert truncated.api == "unknown" and "unreadable" in truncated.note


def test_mach_o_and_pe_are_classified_by_their_strings() -> None:
    macho = b"\xcf\xfa\xed\xfe" + b"\0" * 32 + b"_napi_create_function\0_napi_throw\0"
    c = native.classify_bytes(macho)
    assert (c.format, c.api) == ("mach-o", "node-api") and "scan" in c.note
    pe = b"MZ" + b"\0" * 60 + b"node_module_register\0__ZN2v86Object3NewEPNS_7IsolateE\0"
    assert native.classify_bytes(pe).api == "v8-api"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    pkg = root / "node_modules" / "fast-thing"
    (pkg / "build" / "Release").mkdir(parents=True)
    (pkg / "prebuilds" / "darwin-x64").mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"name": "fast-thing", "version": "3.1.0"}))
    host = {"x86_64": X86_64, "aarch64": AARCH64}.get(native._HOST, X86_64)
    (pkg / "build" / "Release" / "fast.node").write_bytes(
        elf(["napi_create_function"], ["napi_register_module_v1"], machine=host)
    )
    (pkg / "prebuilds" / "darwin-x64" / "fast.node").write_bytes(
        b"\xcf\xfa\xed\xfe" + b"\0" * 8 + b"_napi_create_function\0"
    )
    old = root / "node_modules" / "@scope" / "old-addon"
    (old / "lib").mkdir(parents=True)
    (old / "package.json").write_text(json.dumps({"name": "@scope/old-addon", "version": "0.9.0"}))
    (old / "lib" / "binding.node").write_bytes(V8)
    (root / "package.json").write_text("{}")
    return root


def test_scan_groups_binaries_by_package(tmp_path: Path) -> None:
    pkgs = {p.name: p for p in native.scan_addons(_project(tmp_path))}
    assert set(pkgs) == {"fast-thing", "@scope/old-addon"}
    fast = pkgs["fast-thing"]
    assert fast.version == "3.1.0" and fast.api() == "node-api"
    here = {f.file: f.loadable_here for f in fast.files}
    assert here == {
        "node_modules/fast-thing/build/Release/fast.node": True,
        "node_modules/fast-thing/prebuilds/darwin-x64/fast.node": False,
    }
    assert pkgs["@scope/old-addon"].to_dict()["api"] == "v8-api"


def test_scan_without_node_modules_finds_nothing(tmp_path: Path) -> None:
    assert native.scan_addons(tmp_path) == []


@pytest.mark.parametrize(
    ("stdout", "failure", "timed_out", "status", "detail"),
    [
        ('{"ok": true, "exports": ["hash"], "count": 1}\n', "", False, "pass", "1 exports: hash"),
        (
            '{"ok": false, "code": "ERR_DLOPEN_FAILED", "error": "NODE_MODULE_VERSION 72"}',
            "",
            False,
            "fail",
            "[ERR_DLOPEN_FAILED] NODE_MODULE_VERSION 72",
        ),
        ("", "killed by signal 11 (SIGSEGV)", False, "error", "crashed loading it: killed"),
        ("", "timed out after 20.0 s", True, "timeout", "did not finish"),
    ],
)
def test_load_result(stdout: str, failure: str, timed_out: bool, status: str, detail: str) -> None:
    got_status, got_detail = native.load_result(stdout, failure, timed_out)
    assert got_status == status and detail in got_detail


def _contender(tmp_path: Path, family: str) -> Contender:
    binary = tmp_path / family
    binary.write_text("")
    rt = Runtime(
        name=family, spec=family, version="1.0.0", binary=binary, sha256="0" * 64, source="test"
    )
    return Contender(family, rt)


def test_suite_requires_each_native_package_under_each_contestant(tmp_path: Path) -> None:
    project = _project(tmp_path)

    def behave(cmd: Command, _: int) -> ProcessResult:
        if cmd.argv[-2] in ("package", "file"):
            target = cmd.argv[-1]
            if "old-addon" in target and cmd.argv[0].endswith("bun"):
                out = '{"ok": false, "error": "symbol napi_register_module_v1 not found"}'
            elif "old-addon" in target:
                out = '{"ok": true, "exports": ["x"], "count": 1}'
            else:
                out = '{"ok": true, "exports": ["hash"], "count": 1}'
            return ProcessResult(**{**result(5).__dict__, "stdout": out})
        area = Path(cmd.argv[-1]).stem
        out = f'{PREFIX}{{"area": "{area}", "event": "end"}}'
        return ProcessResult(**{**result(5).__dict__, "stdout": out})

    fake = FakeExecutor(behave)
    suite = CompatSuite(areas=["path"], packages=[], project=project, executor=fake)
    ctx = SuiteContext(
        contenders=[_contender(tmp_path, "node"), _contender(tmp_path, "bun")],
        executor=fake,
        workdir=tmp_path / "w",
    )
    doc = ResultsDocument()
    assert suite.run(ctx, doc)
    rows = {(r.check, r.contestant): r for r in doc.compat if r.area == "native"}
    old = "require('@scope/old-addon') loads its v8-api binary"
    assert rows[(old, "bun")].status == "fail" and "napi_register" in rows[(old, "bun")].detail
    assert rows[(old, "node")].status == "pass"
    assert rows[("require('fast-thing') loads its node-api binary", "bun")].status == "pass"
    entry = raw(doc)["suites"]["compat"]["native"][0]
    fast = next(p for p in entry["packages"] if p["package"] == "fast-thing")
    loaded = [f for f in fast["files"] if f["loads"]]
    assert len(loaded) == 1 and loaded[0]["loads"]["node"]["status"] == "pass"
    text = markdown.render(doc)
    assert "### Native addons" in text and "| project | @scope/old-addon@0.9.0 | v8-api |" in text


def test_native_check_can_be_switched_off_and_says_when_nothing_is_installed(
    tmp_path: Path,
) -> None:
    fake = FakeExecutor(lambda c, i: result(1))
    ctx = SuiteContext(contenders=[_contender(tmp_path, "node")], executor=fake, workdir=tmp_path)
    doc = ResultsDocument()
    CompatSuite(areas=[], packages=[], project=tmp_path, executor=fake).run(ctx, doc)
    assert "no node_modules" in raw(doc)["suites"]["compat"]["native"][0]["skipped"]
    doc2 = ResultsDocument()
    off = CompatSuite(areas=[], packages=[], project=tmp_path, executor=fake, native=False)
    off.run(ctx, doc2)
    assert not raw(doc2)["suites"]["compat"]["native"]


@pytest.mark.parametrize(
    ("meta", "fits"),
    [
        ({"os": ["linux"], "cpu": [native._NODE_CPU.get(platform.machine().lower(), "x")]}, True),
        ({"os": ["darwin"]}, False),
        ({"os": ["!linux"]}, False),
        ({"cpu": ["s390x"]}, False),
        ({"libc": ["musl" if native.host_libc() == "glibc" else "glibc"]}, False),
        ({"name": "plain"}, True),
    ],
)
def test_a_prebuilt_for_another_platform_is_not_a_finding(
    tmp_path: Path, meta: dict[str, object], fits: bool
) -> None:
    """rollup, esbuild and swc install every platform's binary package as an optional
    dependency; npm skips the ones whose os/cpu/libc excludes the machine. Loading one of
    those fails on every runtime and says nothing about the runtimes."""
    if platform.system() != "Linux" or ("libc" in meta and not native.host_libc()):
        pytest.skip("needs Linux with a known libc")
    (tmp_path / "package.json").write_text(json.dumps(meta))
    why = native.platform_mismatch(tmp_path / "package.json")
    assert (why == "") is fits


def test_the_suite_skips_a_package_built_for_another_libc(tmp_path: Path) -> None:
    if not native.host_libc():
        pytest.skip("needs Linux with a known libc")
    project = _project(tmp_path)
    other = "musl" if native.host_libc() == "glibc" else "glibc"
    meta = {"name": "fast-thing", "version": "3.1.0", "libc": [other]}
    (project / "node_modules" / "fast-thing" / "package.json").write_text(json.dumps(meta))
    ran: list[str] = []

    def behave(cmd: Command, _: int) -> ProcessResult:
        ran.append(cmd.argv[-1])
        area = Path(cmd.argv[-1]).stem
        out = '{"ok": true, "exports": ["x"], "count": 1}'
        if cmd.argv[-2] not in ("package", "file"):
            out = f'{PREFIX}{{"area": "{area}", "event": "end"}}'
        return ProcessResult(**{**result(5).__dict__, "stdout": out})

    fake = FakeExecutor(behave)
    suite = CompatSuite(areas=["path"], packages=[], project=project, executor=fake)
    ctx = SuiteContext([_contender(tmp_path, "node")], fake, tmp_path / "w")
    doc = ResultsDocument()
    assert suite.run(ctx, doc)
    row = next(r for r in doc.compat if r.area == "native" and "fast-thing" in r.check)
    assert row.status == "skip" and "not for this machine" in row.detail
    assert not any("fast-thing" in t for t in ran)  # never loaded
