"""Just enough JavaScript/TypeScript reading for ``bakeoff init``: strip comments (keeping
strings), list a file's imports and exports, and resolve an import specifier to a file of the
project — relative paths, ``.js`` written for ``.ts``, folder ``index`` files and tsconfig
``paths`` aliases (``@/server`` → ``src/server.ts``).

Static, approximate and read-only: it never executes anything. Callers treat what it finds as
candidates that ``bakeoff init`` then tries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

EXTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")


def strip_comments(text: str) -> str:
    """``text`` without ``//`` and ``/* */`` comments; string and template literals are kept
    (``"http://x"`` is not a comment). Newlines are kept so offsets map to the same lines."""
    out: list[str] = []
    i, n = 0, len(text)
    quote: str | None = None
    while i < n:
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
            i += 1
            continue
        if c in "'\"`":
            quote = c
            out.append(c)
            i += 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            chunk = text[i : n if j < 0 else j + 2]
            out.append("\n" * chunk.count("\n"))
            i = n if j < 0 else j + 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Import:
    local: str  # the name in this file ("*" for a namespace/side-effect import)
    imported: str  # the exported name in the other file ("default", "*", or a name)
    spec: str  # the specifier as written


_IMPORT_FROM = re.compile(r"\bimport\s+(?:type\s+)?([\w$*{}\s,]+?)\s+from\s+['\"]([^'\"]+)['\"]")
_IMPORT_BARE = re.compile(r"\bimport\s+['\"]([^'\"]+)['\"]")
_ANY_REQUIRE = re.compile(r"\b(?:require|import)\s*\(\s*['\"]([^'\"]+)['\"]\s*\)")
_REQUIRE = re.compile(
    r"\b(?:const|let|var)\s+(\{[^}]*\}|[\w$]+)\s*=\s*(?:await\s+)?(?:require|import)\s*\(\s*['\"]([^'\"]+)['\"]\s*\)"
)


def _names(clause: str) -> list[tuple[str, str]]:
    """``X, { a, b as c }`` / ``* as ns`` → [(local, imported)]."""
    out: list[tuple[str, str]] = []
    clause = clause.strip()
    m = re.match(r"\*\s+as\s+([\w$]+)", clause)
    if m:
        return [(m.group(1), "*")]
    braces = re.search(r"\{([^}]*)\}", clause)
    head = clause[: braces.start()] if braces else clause
    default = head.strip().rstrip(",").strip()
    if default and re.fullmatch(r"[\w$]+", default):
        out.append((default, "default"))
    if braces:
        for part in braces.group(1).split(","):
            part = part.strip().removeprefix("type ").strip()
            if not part:
                continue
            if " as " in part:
                imported, local = (p.strip() for p in part.split(" as ", 1))
            else:
                imported = local = part
            out.append((local, imported))
    return out


def imports(text: str) -> list[Import]:
    """Every import (ES ``import``, ``require``, ``await import``) in comment-free ``text``."""
    out: list[Import] = []
    for m in _IMPORT_FROM.finditer(text):
        out += [Import(local, imported, m.group(2)) for local, imported in _names(m.group(1))]
    for m in _IMPORT_BARE.finditer(text):
        out.append(Import("*", "*", m.group(1)))
    named = {i.spec for i in out}
    for m in _ANY_REQUIRE.finditer(text):  # module.exports = require('./lib/x'), import('./y')
        if m.group(1) not in named:
            out.append(Import("*", "*", m.group(1)))
    for m in _REQUIRE.finditer(text):
        target = m.group(1)
        if target.startswith("{"):
            for part in target.strip("{}").split(","):
                part = part.strip()
                if not part:
                    continue
                imported, _, local = part.partition(":")
                out.append(Import((local or imported).strip(), imported.strip(), m.group(2)))
        else:
            out.append(Import(target, "default", m.group(2)))
    return out


@dataclass
class Exports:
    names: dict[str, str] = field(default_factory=dict)  # exported name → local name
    reexports: list[tuple[str, str, str]] = field(default_factory=list)  # (name, imported, spec)
    star: list[str] = field(default_factory=list)  # `export * from 'spec'`


_EXPORT_DECL = re.compile(
    r"\bexport\s+(?:declare\s+)?(?:async\s+)?(?:const|let|var|function\*?|class)\s+([\w$]+)"
)
_EXPORT_DEFAULT_NAME = re.compile(r"\bexport\s+default\s+([\w$]+)\s*;?\s*$", re.M)
_EXPORT_LIST = re.compile(r"\bexport\s+(?:type\s+)?\{([^}]*)\}\s*(?:from\s+['\"]([^'\"]+)['\"])?")
_EXPORT_STAR = re.compile(r"\bexport\s+\*\s+from\s+['\"]([^'\"]+)['\"]")
_MODULE_EXPORTS = re.compile(r"\bmodule\.exports\s*=\s*([\w$]+)\s*;?\s*$", re.M)
_EXPORTS_DOT = re.compile(r"\b(?:module\.)?exports\.([\w$]+)\s*=\s*([\w$]+)")
_MODULE_EXPORTS_OBJ = re.compile(r"\bmodule\.exports\s*=\s*\{([^}]*)\}")


def exports(text: str) -> Exports:
    ex = Exports()
    for m in _EXPORT_DECL.finditer(text):
        ex.names[m.group(1)] = m.group(1)
    for m in _EXPORT_DEFAULT_NAME.finditer(text):
        if m.group(1) not in ("async", "function", "class"):
            ex.names["default"] = m.group(1)
    for m in _MODULE_EXPORTS.finditer(text):
        ex.names["default"] = m.group(1)
    for m in _EXPORTS_DOT.finditer(text):
        ex.names[m.group(1)] = m.group(2)
    for m in _MODULE_EXPORTS_OBJ.finditer(text):
        for part in m.group(1).split(","):
            key, _, value = part.partition(":")
            key = key.strip()
            if re.fullmatch(r"[\w$]+", key):
                ex.names[key] = (
                    (value.strip() or key) if re.fullmatch(r"[\w$]*", value.strip()) else key
                )
    for m in _EXPORT_LIST.finditer(text):
        for part in m.group(1).split(","):
            part = part.strip().removeprefix("type ").strip()
            if not part:
                continue
            local, _, name = (p.strip() for p in part.partition(" as "))
            name = name or local
            if m.group(2):
                ex.reexports.append((name, local, m.group(2)))
            else:
                ex.names[name] = local
    ex.star = [m.group(1) for m in _EXPORT_STAR.finditer(text)]
    return ex


def _read_json_loose(path: Path) -> dict[str, object]:
    """tsconfig.json is JSON with comments and trailing commas."""
    try:
        text = strip_comments(path.read_text(encoding="utf-8"))
    except OSError:
        return {}
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class TsConfig:
    base: Path
    paths: dict[str, list[str]] = field(default_factory=dict)
    out_dir: str | None = None
    root_dir: str | None = None

    @property
    def has_aliases(self) -> bool:
        return bool(self.paths)


def tsconfig(root: Path) -> TsConfig:
    """``compilerOptions`` of ``root/tsconfig.json`` (one level of ``extends`` followed)."""
    data = _read_json_loose(root / "tsconfig.json")
    opts: dict[str, object] = {}
    ext = data.get("extends")
    if isinstance(ext, str) and ext.startswith("."):
        parent = _read_json_loose(
            (root / ext).with_suffix(".json") if not ext.endswith(".json") else root / ext
        )
        inherited = parent.get("compilerOptions")
        if isinstance(inherited, dict):
            opts.update(inherited)
    own = data.get("compilerOptions")
    if isinstance(own, dict):
        opts.update(own)
    base = root / str(opts.get("baseUrl") or ".")
    paths_raw = opts.get("paths")
    paths = (
        {str(k): [str(v) for v in vs] for k, vs in paths_raw.items() if isinstance(vs, list)}
        if isinstance(paths_raw, dict)
        else {}
    )
    out_dir = opts.get("outDir")
    root_dir = opts.get("rootDir")
    return TsConfig(
        base,
        paths,
        str(out_dir).strip("./") or None if isinstance(out_dir, str) else None,
        str(root_dir).strip("./") or None if isinstance(root_dir, str) else None,
    )


def _probe(path: Path) -> Path | None:
    if path.is_file():
        return path
    stem = path
    if path.suffix in (".js", ".mjs", ".cjs", ".jsx"):  # TS ESM imports name the output file
        stem = path.with_suffix("")
        for ext in (".ts", ".tsx", ".mts", ".cts"):
            if stem.with_suffix(ext).is_file():
                return stem.with_suffix(ext)
    for ext in EXTS:
        cand = Path(str(stem) + ext)
        if cand.is_file():
            return cand
    if path.is_dir():
        for ext in EXTS:
            cand = path / f"index{ext}"
            if cand.is_file():
                return cand
    return None


def resolve(spec: str, from_file: Path, root: Path, ts: TsConfig | None = None) -> Path | None:
    """The project file ``spec`` names when imported from ``from_file``; None for packages
    and anything outside ``root``."""
    if spec.startswith("."):
        found = _probe((from_file.parent / spec).resolve())
    elif spec.startswith("/"):
        found = None
    else:
        found = None
        for pattern, targets in (ts.paths if ts else {}).items():
            prefix, star, suffix = pattern.partition("*")
            if star and spec.startswith(prefix) and spec.endswith(suffix):
                middle = spec[len(prefix) : len(spec) - len(suffix) if suffix else None]
            elif not star and spec == pattern:
                middle = ""
            else:
                continue
            for t in targets:
                found = _probe((ts.base / t.replace("*", middle)).resolve()) if ts else None
                if found:
                    break
            if found:
                break
    if found is None:
        return None
    try:
        found.relative_to(root.resolve())
    except ValueError:
        return None
    return found if "node_modules" not in found.parts else None


def source_of(output: str, root: Path, ts: TsConfig) -> Path | None:
    """The source file a build output path comes from: ``dist/index.js`` → ``src/index.ts``
    (tsconfig ``outDir``/``rootDir``, else the same path under ``src/``)."""
    rel = Path(output.removeprefix("./"))
    candidates: list[Path] = []
    if ts.out_dir and rel.parts[: len(Path(ts.out_dir).parts)] == Path(ts.out_dir).parts:
        inner = (
            Path(*rel.parts[len(Path(ts.out_dir).parts) :]) if len(rel.parts) > 1 else Path("index")
        )
        candidates.append(root / (ts.root_dir or ".") / inner)
        candidates.append(root / "src" / inner)
    if len(rel.parts) > 1:
        inner = Path(*rel.parts[1:])
        candidates += [root / "src" / inner, root / inner]
    else:
        candidates += [root / "src" / rel, root / "src" / "index"]
    for c in candidates:
        found = _probe(c.with_suffix("") if c.suffix in (".js", ".mjs", ".cjs") else c)
        if found is not None and found.suffix in EXTS:
            return found
    return None
