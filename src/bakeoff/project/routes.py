"""The HTTP routes a service defines, with the prefixes their routers are mounted under.

Reads route definitions (``router.get('/x')``, fastify ``app.route({url})``, hono
``createRoute({path})``, nest ``@Get('x')``) and mounts — express ``app.use('/p', router)``,
koa-router ``new Router({prefix})`` and ``router.use('/p', sub.routes())``, fastify
``register(plugin, {prefix})``, hono ``app.route('/p', sub)`` and ``basePath('/p')``, nest
``@Controller('p')`` and ``setGlobalPrefix('p')`` — across files (imports resolved through
``jsparse``), and joins each route with every chain of prefixes that leads to it. A prefix
held in a constant (``const PREFIX = 'api'``) is resolved within its file.

Static and approximate: ``bakeoff init`` requests each parameterless GET route once before it
writes one into ``bakeoff.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bakeoff.project import jsparse

METHODS = ("get", "post", "put", "patch", "delete")
# objects whose .get('/x') is an HTTP client or a map, not a route
_NOT_ROUTERS = {
    "axios", "client", "http", "https", "request", "supertest", "agent", "got", "ky",
    "superagent", "fetch", "params", "searchParams", "headers", "map", "cache", "store", "db",
    "redis", "env", "config", "url", "req", "res", "ctx", "c", "this", "window", "document",
    "localStorage", "sessionStorage", "process", "Object", "Reflect", "$http", "cookies",
}  # fmt: skip
_STR = r"""['"`]([^'"`\n]*)['"`]"""  # one group: the literal's text (paths hold no quotes)
_ROUTE = re.compile(rf"([\w$.]+?)\s*\.\s*({'|'.join(METHODS)})\s*\(\s*{_STR}", re.I)
_CHAIN = re.compile(rf"([\w$]+)\s*\.\s*route\s*\(\s*{_STR}\s*\)\s*\.\s*({'|'.join(METHODS)})\b")
_ROUTE_OBJ = re.compile(
    r"([\w$]+)\s*\.\s*route\s*\(\s*\{[^{}]*?\bmethod\s*:\s*\[?\s*['\"](\w+)['\"][^{}]*?\burl\s*:\s*['\"]([^'\"]+)['\"]",
    re.S,
)
_CREATE_ROUTE = re.compile(
    r"createRoute\s*\(\s*\{[^{}]*?\bmethod\s*:\s*['\"](\w+)['\"][^{}]*?\bpath\s*:\s*['\"]([^'\"]+)['\"]",
    re.S,
)
_USE = re.compile(r"([\w$]+)\s*\.\s*use\s*\(")
_REGISTER = re.compile(r"([\w$]+)\s*\.\s*register\s*\(")
_HONO_ROUTE = re.compile(rf"([\w$]+)\s*\.\s*route\s*\(\s*{_STR}\s*,\s*([\w$.]+)")
_KOA_PREFIX = re.compile(
    r"(?:const|let|var)\s+([\w$]+)\s*(?::[^=]+)?=\s*new\s+(?:[\w$.]*Router)\s*\(\s*\{[^}]*\bprefix\s*:\s*(['\"`])([^'\"`]*)\2",
    re.S,
)
_KOA_PREFIX_CALL = re.compile(rf"([\w$]+)\s*\.\s*prefix\s*\(\s*{_STR}")
_BASEPATH = re.compile(
    rf"(?:const|let|var)\s+([\w$]+)\s*(?::[^=]+)?=\s*new\s+[\w$]*Hono[^;]*?\.basePath\s*\(\s*{_STR}"
)
_CONTROLLER = re.compile(rf"@Controller\s*\(\s*(?:{_STR}|\{{[^}}]*path\s*:\s*{_STR})?")
_NEST_ROUTE = re.compile(rf"@(Get|Post|Put|Patch|Delete)\s*\(\s*(?:{_STR})?\s*\)")
_GLOBAL_PREFIX = re.compile(rf"\.setGlobalPrefix\s*\(\s*{_STR}")
_CONST_STR = re.compile(rf"(?:const|let|var)\s+([\w$]+)\s*(?::\s*\w+\s*)?=\s*{_STR}")
_DEF = (
    r"(?:^|\n)[ \t]*(?:export\s+)?(?:default\s+)?"
    r"(?:const|let|var|function|async\s+function|class)\s+{name}\b"
)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    source: str  # file (relative) and what mounted it


@dataclass
class _FileInfo:
    path: Path
    text: str
    imports: dict[str, jsparse.Import] = field(default_factory=dict)
    routes: list[tuple[str, str, str, int]] = field(default_factory=list)  # ident, M, path, pos
    mounts: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # parent, prefix, target, pos
    own_prefix: dict[str, str] = field(default_factory=dict)
    consts: dict[str, str] = field(default_factory=dict)


def join(*parts: str) -> str:
    """URL path segments joined with single slashes: ``join('/api/', 'books')`` → ``/api/books``."""
    segs = [s.strip("/") for s in parts if s and s.strip("/")]
    return "/" + "/".join(segs)


def _args(text: str, start: int) -> list[str]:
    """The top-level comma-separated arguments of the call whose ``(`` is at ``start``."""
    depth, i, cur, out = 0, start, [], []
    quote: str | None = None
    while i < len(text):
        ch = text[i]
        if quote:
            cur.append(ch)
            if ch == "\\":
                cur.append(text[i + 1 : i + 2])
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            cur.append(ch)
        elif ch in "([{":
            depth += 1
            if depth > 1:
                cur.append(ch)
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                out.append("".join(cur).strip())
                return out
            cur.append(ch)
        elif ch == "," and depth == 1:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
        if i - start > 4000:
            break
    return out


def _string(arg: str, consts: dict[str, str]) -> str | None:
    arg = arg.strip()
    m = re.fullmatch(_STR, arg)
    if m and "${" not in m.group(1):
        return m.group(1)
    return consts.get(arg)


def _target(arg: str) -> str | None:
    """The router an argument names: ``userRouter``, ``api.routes()``, ``require('./x')``."""
    arg = arg.strip()
    m = re.fullmatch(
        r"(?:await\s+)?(?:require|import)\s*\(\s*['\"]([^'\"]+)['\"]\s*\)(?:\.default)?", arg
    )
    if m:
        return "file:" + m.group(1)
    m = re.fullmatch(r"([\w$]+)(?:\.default)?(?:\.routes\s*\(\s*\)|\.middleware\s*\(\s*\))?", arg)
    return m.group(1) if m else None


def _scan(path: Path, text: str) -> _FileInfo:
    info = _FileInfo(path, text)
    for imp in jsparse.imports(text):
        info.imports[imp.local] = imp
    for m in _CONST_STR.finditer(text):
        info.consts.setdefault(m.group(1), m.group(2))
    for m in _ROUTE.finditer(text):
        ident = m.group(1).split(".")[-1] if m.group(1).startswith("this.") else m.group(1)
        if ident.split(".")[0] in _NOT_ROUTERS or "." in ident:
            continue
        if m.group(3).startswith("/") or m.group(3) == "":
            info.routes.append((ident, m.group(2).upper(), m.group(3), m.start()))
    for m in _CHAIN.finditer(text):
        info.routes.append((m.group(1), m.group(3).upper(), m.group(2), m.start()))
    for m in _ROUTE_OBJ.finditer(text):
        info.routes.append((m.group(1), m.group(2).upper(), m.group(3), m.start()))
    for m in _CREATE_ROUTE.finditer(text):
        path_ = re.sub(r"\{(\w+)\}", r":\1", m.group(2))
        info.routes.append(("*openapi", m.group(1).upper(), path_, m.start()))
    for m in _USE.finditer(text):
        args = _args(text, m.end() - 1)
        if not args:
            continue
        prefix = _string(args[0], info.consts)
        targets = args[1:] if prefix is not None else args
        for a in targets:
            t = _target(a)
            if t:
                info.mounts.append((m.group(1), prefix or "", t, m.start()))
    for m in _REGISTER.finditer(text):
        args = _args(text, m.end() - 1)
        if not args:
            continue
        t = _target(args[0])
        if not t:
            continue
        prefix = ""
        if len(args) > 1:
            pm = re.search(r"\bprefix\s*:\s*([^,}]+)", args[1])
            if pm:
                prefix = _string(pm.group(1), info.consts) or ""
        info.mounts.append((m.group(1), prefix, t, m.start()))
    for m in _HONO_ROUTE.finditer(text):
        t = _target(m.group(3))
        if t:
            info.mounts.append((m.group(1), m.group(2), t, m.start()))
    for m in _KOA_PREFIX.finditer(text):
        info.own_prefix[m.group(1)] = m.group(3)
    for m in _KOA_PREFIX_CALL.finditer(text):
        info.own_prefix[m.group(1)] = m.group(2)
    for m in _BASEPATH.finditer(text):
        info.own_prefix[m.group(1)] = m.group(2)
    _nest(info)
    return info


def _nest(info: _FileInfo) -> None:
    """``@Controller('cats')`` classes: each ``@Get(':id')`` below one belongs to it."""
    ctrls = list(_CONTROLLER.finditer(info.text))
    for i, c in enumerate(ctrls):
        prefix = c.group(1) or c.group(2) or ""
        end = ctrls[i + 1].start() if i + 1 < len(ctrls) else len(info.text)
        ident = f"*controller{i}"
        info.own_prefix[ident] = prefix
        for r in _NEST_ROUTE.finditer(info.text, c.end(), end):
            info.routes.append((ident, r.group(1).upper(), "/" + (r.group(2) or ""), r.start()))


def _top_level_names(text: str) -> list[str]:
    return re.findall(
        r"(?:^|\n)(?:export\s+)?(?:default\s+)?(?:const|let|var|function|async\s+function|class)\s+([\w$]+)",
        text,
    )


def _span(text: str, name: str) -> tuple[int, int] | None:
    """Where the top-level definition of ``name`` starts and ends (the next top-level
    statement); used for plugins whose routes hang off a parameter (``async (app) => {...}``)."""
    m = re.search(_DEF.format(name=re.escape(name)), text)
    if not m:
        return None
    nxt = re.compile(r"\n(?=(?:export|const|let|var|function|async|class|module\.exports)\b)")
    after = nxt.search(text, m.end())
    return m.start(), after.start() if after else len(text)


def _default_span(text: str) -> tuple[int, int] | None:
    m = re.search(
        r"(?:^|\n)\s*(?:export\s+default|module\.exports\s*=)\s*(?:async\s+)?(?:function|\()", text
    )
    if not m:
        return None
    nxt = re.compile(r"\n(?=(?:export|const|let|var|function|class|module\.exports)\b)")
    after = nxt.search(text, m.end())
    return m.start(), after.start() if after else len(text)


class RouteMap:
    """Routes of a set of files with their mount prefixes resolved."""

    def __init__(
        self, root: Path, files: dict[Path, str], ts: jsparse.TsConfig | None = None
    ) -> None:
        self.root = root
        self.ts = ts
        self.files = {p: _scan(p, jsparse.strip_comments(t)) for p, t in files.items()}
        self.global_prefix = ""
        self._parents: dict[tuple[Path, str], list[tuple[tuple[Path, str], str, str]]] = {}
        for info in self.files.values():
            g = _GLOBAL_PREFIX.search(info.text)
            if g:
                self.global_prefix = g.group(1)

    # a node is (file, ident): the routes an object holds
    def _resolve(self, info: _FileInfo, name: str, depth: int = 0) -> list[tuple[Path, str]]:
        """The node(s) a name used in ``info`` refers to: a local router, or what an import
        of another project file exports."""
        if depth > 6:
            return []
        if name.startswith("file:"):
            f = jsparse.resolve(name[5:], info.path, self.root, self.ts)
            return [(f, "default")] if f in self.files else []
        if name in info.imports:
            imp = info.imports[name]
            f = jsparse.resolve(imp.spec, info.path, self.root, self.ts)
            if f is None or f not in self.files:
                return []
            return self._export(self.files[f], imp.imported, depth + 1)
        return [(info.path, name)]

    def _export(self, info: _FileInfo, exported: str, depth: int) -> list[tuple[Path, str]]:
        ex = jsparse.exports(info.text)
        if exported in ex.names:
            return [(info.path, ex.names[exported])]
        for name, imported, spec in ex.reexports:
            if name == exported:
                f = jsparse.resolve(spec, info.path, self.root, self.ts)
                if f in self.files:
                    return self._export(self.files[f], imported, depth + 1)
        for spec in ex.star:
            f = jsparse.resolve(spec, info.path, self.root, self.ts)
            if f in self.files and depth < 8:
                found = self._export(self.files[f], exported, depth + 1)
                if found:
                    return found
        if exported in ("default", "*"):
            return [(info.path, "default")]
        return []

    def _is_local(self, info: _FileInfo, ident: str) -> bool:
        """Defined at the top of the file (a router or app of its own), not a parameter."""
        return bool(re.search(_DEF.format(name=re.escape(ident)), info.text))

    def _owner(self, info: _FileInfo, ident: str, pos: int) -> tuple[Path, str]:
        """The node a route or mount call at ``pos`` on ``ident`` belongs to: a top-level
        router, an imported one, or — for a call on a plugin's parameter (``async (app) =>
        { app.get(...) }``) — the definition that contains it."""
        if ident.startswith("*"):
            return (info.path, ident)
        if self._is_local(info, ident):
            return (info.path, ident)
        if ident in info.imports:
            found = self._resolve(info, ident)
            if found:
                return found[0]
        spans = [(n, _span(info.text, n)) for n in _top_level_names(info.text)]
        spans.append(("default", _default_span(info.text)))
        inside = [(n, sp) for n, sp in spans if sp is not None and sp[0] <= pos < sp[1]]
        if inside:
            return (info.path, min(inside, key=lambda x: x[1][1] - x[1][0])[0])
        return (info.path, ident)

    def routes(self) -> list[Route]:
        owned: dict[tuple[Path, str], list[tuple[str, str]]] = {}
        for info in self.files.values():
            for ident, method, path, pos in info.routes:
                owned.setdefault(self._owner(info, ident, pos), []).append((method, path))
        parents: dict[tuple[Path, str], list[tuple[tuple[Path, str], str, str]]] = {}
        for info in self.files.values():
            for parent, prefix, target, pos in info.mounts:
                pnode = self._owner(info, parent, pos)
                for child in self._resolve(info, target):
                    if child != pnode:
                        parents.setdefault(child, []).append((pnode, prefix, self._rel(info.path)))
        self._parents = parents
        out: list[Route] = []
        seen: set[tuple[str, str]] = set()
        for node in sorted(owned, key=lambda n: (str(n[0]), n[1])):
            for prefix, via in self._prefixes(node, frozenset()):
                for method, path in owned[node]:
                    full = join(self.global_prefix, prefix, path)
                    if (method, full) in seen:
                        continue
                    seen.add((method, full))
                    where = self._rel(node[0]) + (f" (mounted {via})" if via else "")
                    out.append(Route(method, full, where))
        return out

    def _prefixes(
        self, node: tuple[Path, str], seen: frozenset[tuple[Path, str]]
    ) -> Iterable[tuple[str, str]]:
        """Every full prefix of ``node``: the chain of mounts above it, outermost first, then
        its own (koa-router ``prefix``, hono ``basePath``, nest ``@Controller``)."""
        own = self.files[node[0]].own_prefix.get(node[1], "")
        ups = self._parents.get(node, [])
        if not ups or node in seen:
            yield (join(own) if own else ""), ""
            return
        for parent, prefix, where in ups:
            for pp, via in self._prefixes(parent, seen | {node}):
                step = f"at {prefix} in {where}" if prefix else ""
                chain = "; ".join(x for x in (via, step) if x)
                yield join(pp, prefix, own), chain

    def _rel(self, p: Path) -> str:
        try:
            return str(p.relative_to(self.root))
        except ValueError:
            return str(p)
