"""The project's own native addons: every ``.node`` binary under its installed ``node_modules``,
classified from the symbols it imports as Node-API (portable across Node versions, and the API
Bun and Deno implement) or the V8/NAN C++ API (bound to one Node ABI; fails or needs a rebuild
elsewhere), then loaded under each runtime (``probes/native-load.mjs``, one process per file).

The classification reads the ELF dynamic symbol table (``.dynsym`` and its string table) in plain
Python: undefined symbols ``napi_*``/``node_api_*`` are Node-API imports, mangled ``v8::`` /
``node::`` names (``_ZN2v8``, ``_ZN4node`` ...) and ``node_module_register`` are C++ API imports;
an exported ``napi_register_module_v1`` or ``node_register_module_v<ABI>`` is the entry point.
Mach-O and PE files (prebuilds for other platforms) are classified by scanning their strings
and are not loaded.
"""

from __future__ import annotations

import json
import os
import platform
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

MAX_ADDONS = 200
MAX_BYTES = 256 * 1024 * 1024
NAPI_PREFIXES = ("napi_", "node_api_")
CXX_PREFIXES = ("_ZN2v8", "_ZNK2v8", "_ZN4node", "_ZNK4node", "_ZN3Nan", "_ZNK3Nan")
CXX_EXACT = ("node_module_register",)
SHT_DYNSYM = 11
SHN_UNDEF = 0
# ELF e_machine of the host, to tell which binaries this machine can load
_MACHINES = {62: "x86_64", 183: "aarch64", 3: "x86", 40: "arm"}
_HOST = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine())


class ElfError(ValueError):
    """The file is not an ELF shared object we can read."""


@dataclass
class Symbols:
    imported: list[str] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)


def elf_symbols(data: bytes) -> tuple[str, Symbols]:
    """``(machine, symbols)`` from an ELF file's dynamic symbol table."""
    if data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    cls, enc = data[4], data[5]
    if cls not in (1, 2) or enc not in (1, 2):
        raise ElfError("unknown ELF class or byte order")
    e = "<" if enc == 1 else ">"
    is64 = cls == 2
    machine = _MACHINES.get(struct.unpack_from(e + "H", data, 18)[0], "other")
    if is64:
        shoff = struct.unpack_from(e + "Q", data, 0x28)[0]
        shentsize, shnum = struct.unpack_from(e + "HH", data, 0x3A)
    else:
        shoff = struct.unpack_from(e + "I", data, 0x20)[0]
        shentsize, shnum = struct.unpack_from(e + "HH", data, 0x2E)
    if not shoff or not shnum or shoff + shnum * shentsize > len(data):
        raise ElfError("no readable section headers")
    sections = []
    for i in range(shnum):
        off = shoff + i * shentsize
        if is64:
            _n, typ, _f, _a, s_off, s_size, link, _i, _al, entsize = struct.unpack_from(
                e + "IIQQQQIIQQ", data, off
            )
        else:
            _n, typ, _f, _a, s_off, s_size, link, _i, _al, entsize = struct.unpack_from(
                e + "IIIIIIIIII", data, off
            )
        sections.append((typ, s_off, s_size, link, entsize))
    syms = Symbols()
    dynsym = [s for s in sections if s[0] == SHT_DYNSYM]
    if not dynsym:
        raise ElfError("no dynamic symbol table")
    typ, off, size, link, entsize = dynsym[0]
    if link >= len(sections):
        raise ElfError("dynamic symbol table without string table")
    _t, str_off, str_size, _l, _e = sections[link]
    strtab = data[str_off : str_off + str_size]
    entsize = entsize or (24 if is64 else 16)
    for k in range(1, size // entsize):  # entry 0 is the null symbol
        at = off + k * entsize
        if at + entsize > len(data):
            break
        if is64:
            name_off, _info, _other, shndx = struct.unpack_from(e + "IBBH", data, at)
        else:
            name_off = struct.unpack_from(e + "I", data, at)[0]
            shndx = struct.unpack_from(e + "H", data, at + 14)[0]
        end = strtab.find(b"\0", name_off)
        name = strtab[name_off : end if end >= 0 else None].decode("utf-8", "replace")
        if not name:
            continue
        (syms.imported if shndx == SHN_UNDEF else syms.exported).append(name)
    return machine, syms


def _strings_scan(data: bytes) -> Symbols:
    """Fallback for Mach-O/PE: symbol-like strings in the file (imports and exports mixed)."""
    out = Symbols()
    for token in (b"napi_", b"node_api_", b"_ZN2v8", b"_ZN4node", b"node_module_register"):
        start = 0
        while (i := data.find(token, start)) >= 0 and len(out.imported) < 5000:
            j = i
            while j < len(data) and 32 < data[j] < 127:
                j += 1
            name = data[i:j].decode("ascii", "replace").lstrip("_")
            name = ("_" + name) if name.startswith("ZN") else name
            out.imported.append(name)
            start = j
    return out


def _format(data: bytes) -> str:
    if data[:4] == b"\x7fELF":
        return "elf"
    if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return "mach-o"
    if data[:2] == b"MZ":
        return "pe"
    return "unknown"


@dataclass
class Classification:
    """What kind of addon one ``.node`` file is."""

    format: str  # elf | mach-o | pe | unknown
    machine: str  # x86_64, aarch64, ... ("" when unknown)
    api: str  # node-api | v8-api | unknown
    napi_imports: int = 0
    cxx_imports: int = 0
    entry: str | None = None  # napi_register_module_v1 / node_register_module_v<ABI>
    evidence: list[str] = field(default_factory=list)  # a few of the deciding symbols
    note: str = ""


def classify_bytes(data: bytes) -> Classification:
    fmt = _format(data)
    machine = ""
    note = ""
    if fmt == "elf":
        try:
            machine, syms = elf_symbols(data)
        except (ElfError, struct.error) as exc:
            return Classification(fmt, "", "unknown", note=f"unreadable ELF: {exc}")
    elif fmt in ("mach-o", "pe"):
        syms = _strings_scan(data)
        note = f"{fmt}: classified by a scan of its strings (not loadable on this machine)"
    else:
        return Classification(fmt, "", "unknown", note="not an ELF, Mach-O or PE file")
    napi = sorted({s for s in syms.imported if s.startswith(NAPI_PREFIXES)})
    cxx = sorted({s for s in syms.imported if s.startswith(CXX_PREFIXES) or s in CXX_EXACT})
    entry = next(
        (
            s
            for s in syms.exported
            if s == "napi_register_module_v1" or s.startswith("node_register_module_v")
        ),
        None,
    )
    if cxx or (entry or "").startswith("node_register_module_v"):
        api = "v8-api"
        evidence = cxx[:4] or [entry or ""]
    elif napi or entry == "napi_register_module_v1":
        api = "node-api"
        evidence = napi[:4] or [entry or ""]
    else:
        api, evidence = "unknown", []
        note = note or "imports neither Node-API nor V8/node C++ symbols"
    return Classification(fmt, machine, api, len(napi), len(cxx), entry, evidence, note)


def classify(path: Path) -> Classification:
    try:
        if path.stat().st_size > MAX_BYTES:
            return Classification("unknown", "", "unknown", note="larger than 256 MB: skipped")
        data = path.read_bytes()
    except OSError as exc:
        return Classification("unknown", "", "unknown", note=f"unreadable: {exc.strerror}")
    return classify_bytes(data)


@dataclass
class AddonFile:
    """One ``.node`` file of a package."""

    file: str  # relative to the project folder
    path: str  # absolute
    classification: Classification
    loadable_here: bool  # an ELF for this machine's architecture
    loads: dict[str, dict[str, str]] = field(default_factory=dict)  # contestant -> status/detail

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("path")
        return d


@dataclass
class NativePackage:
    """A dependency that ships native addons; ``require`` holds, per contestant, what
    requiring the package itself did (it picks its own binary, as the application does)."""

    name: str
    version: str
    folder: str  # absolute
    files: list[AddonFile] = field(default_factory=list)
    require: dict[str, dict[str, str]] = field(default_factory=dict)
    # why npm would not install it on this machine (its os/cpu/libc fields), or ""
    not_for_here: str = ""

    def api(self) -> str:
        """The API of the binaries this machine would use (all binaries when none fits):
        ``node-api``, ``v8-api``, or both joined with ``+``."""
        here = [f for f in self.files if f.loadable_here] or self.files
        return "+".join(sorted({f.classification.api for f in here})) or "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.name,
            "version": self.version,
            "api": self.api(),
            "files": [f.to_dict() for f in self.files],
            "require": self.require,
            **({"not_for_here": self.not_for_here} if self.not_for_here else {}),
        }


def _owner(path: Path, root: Path) -> tuple[str, str, Path]:
    """Name, version and folder of the package that ships ``path`` (the nearest package.json
    with a name)."""
    for folder in path.parents:
        if folder == root or root not in folder.parents:
            break
        meta = folder / "package.json"
        if meta.is_file():
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and data.get("name"):
                return str(data["name"]), str(data.get("version", "?")), folder
    return path.parent.name, "?", path.parent


def find_addons(project: Path, limit: int = MAX_ADDONS) -> Iterator[Path]:
    """Every ``*.node`` file under ``project/node_modules`` (symlinks not followed, so a pnpm
    store is walked once), at most ``limit``."""
    nm = project / "node_modules"
    if not nm.is_dir():
        return
    n = 0
    for folder, dirs, files in os.walk(nm, followlinks=False):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".node"):
                p = Path(folder) / f
                if p.is_file() and not p.is_symlink():
                    yield p
                    n += 1
                    if n >= limit:
                        return


def scan_addons(project: Path) -> list[NativePackage]:
    """Classify every native addon the project has installed, grouped by package."""
    packages: dict[str, NativePackage] = {}
    for p in find_addons(project):
        c = classify(p)
        name, version, folder = _owner(p, project)
        pkg = packages.setdefault(str(folder), NativePackage(name, version, str(folder)))
        here = c.format == "elf" and c.machine == _HOST
        pkg.files.append(AddonFile(p.relative_to(project).as_posix(), str(p), c, here))
    for pkg in packages.values():
        pkg.not_for_here = platform_mismatch(Path(pkg.folder) / "package.json")
        if pkg.not_for_here:
            for f in pkg.files:
                f.loadable_here = False
    return sorted(packages.values(), key=lambda k: (k.name, k.folder))


_NODE_OS = {"linux": "linux", "darwin": "darwin", "win32": "win32"}
_NODE_CPU = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


def host_libc() -> str:
    """``glibc`` or ``musl`` (npm's names), "" off Linux or when unknown."""
    if platform.system() != "Linux":
        return ""
    name = platform.libc_ver()[0]
    if name == "glibc":
        return "glibc"
    return "musl" if any(Path("/lib").glob("ld-musl-*")) else ""


def platform_mismatch(package_json: Path) -> str:
    """Why npm would skip this package on this machine — its ``os``, ``cpu`` or ``libc``
    field excludes it (a prebuilt binary for another platform, installed as an optional
    dependency) — or "" when it fits. Loading such a binary fails on every runtime: that says
    nothing about the runtimes."""
    try:
        meta = json.loads(package_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(meta, dict):
        return ""
    here = {
        "os": _NODE_OS.get(platform.system().lower(), platform.system().lower()),
        "cpu": _NODE_CPU.get(platform.machine().lower(), platform.machine().lower()),
        "libc": host_libc(),
    }
    for key, value in here.items():
        wanted = meta.get(key)
        if not value or not isinstance(wanted, list) or not wanted:
            continue
        names = [str(w) for w in wanted]
        allowed = [n for n in names if not n.startswith("!")]
        if f"!{value}" in names or (allowed and value not in allowed):
            return f"built for {key} {', '.join(names)}; this machine is {value}"
    return ""


def parse_load_output(stdout: str) -> dict[str, Any] | None:
    """The JSON line ``native-load.mjs`` prints (None when it printed none)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                return obj
    return None


LOADER = Path(__file__).resolve().parent.parent / "probes" / "native-load.mjs"


Status = Literal["pass", "fail", "error", "skip", "timeout"]


def load_result(stdout: str, failure: str, timed_out: bool) -> tuple[Status, str]:
    """``(status, detail)`` of one load from the loader's output and how its process ended."""
    if timed_out:
        return "timeout", f"loading did not finish: {failure}"
    obj = parse_load_output(stdout)
    if obj is None:
        return "error", f"the runtime crashed loading it: {failure or 'no output'}"
    if obj.get("ok"):
        names = ", ".join(str(x) for x in obj.get("exports") or [])
        return "pass", f"{obj.get('count', 0)} exports: {names}"[:300]
    code = f"[{obj['code']}] " if obj.get("code") else ""
    return "fail", f"{code}{obj.get('error', 'failed')}"[:300]
