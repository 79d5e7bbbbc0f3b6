"""The environment variables a service needs to start, and safe values for them.

Sources, strongest first: validation schemas (envalid ``cleanEnv(process.env, {...})``, zod
``z.object({...})`` parsed from ``process.env``, ``@fastify/env``/JSON-schema ``required``),
then template files (``.env.template``, ``.env.example``, ``.env.sample``, ...), limited to the
variables the source actually reads. Each variable gets a value that lets the service start on
loopback without touching anything real — the template's value when it has one, else a
placeholder by type — and a reason to ``EDIT`` it when the placeholder is a guess (secrets,
URLs of databases).

Static and read-only; ``bakeoff init`` starts the service once with these values before it
writes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TEMPLATES = (
    ".env.template",
    ".env.example",
    ".env.sample",
    ".env.dist",
    ".env.defaults",
    ".env.local.example",
    ".env.example.local",
    "example.env",
    ".env.development.example",
)
_READ = re.compile(
    r"process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['\"]([A-Z][A-Z0-9_]*)['\"]\s*\])"
    r"|Bun\.env\.([A-Z][A-Z0-9_]*)|Deno\.env\.get\(\s*['\"]([A-Z][A-Z0-9_]*)['\"]"
)
_ENVALID = re.compile(r"cleanEnv\s*\(\s*process\.env\s*,\s*\{", re.S)
_ENVALID_ITEM = re.compile(
    r"\b([A-Z][A-Z0-9_]*)\s*:\s*(str|num|bool|port|host|url|email|json)\s*\("
)
_ZOD_ITEM = re.compile(
    r"\b([A-Z][A-Z0-9_]*)\s*:\s*z\s*\.\s*([\w.\s()'\"\[\],:{}-]*?)(?=,\s*\n|\n\s*[A-Z_]+\s*:|\n?\s*\}\s*\))"
)
_JOI_ITEM = re.compile(r"\b([A-Z][A-Z0-9_]*)\s*:\s*Joi\s*\.\s*\w+\s*\(")
_JSON_REQUIRED = re.compile(r"\brequired\s*:\s*\[([^\]]*)\]")
_SECRET = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_KEY|_KEY$|^KEY$|SALT", re.I)
_SERVICE_URL = re.compile(
    r"(DATABASE|DB|MONGO|REDIS|POSTGRES|PG|MYSQL|AMQP|RABBIT|KAFKA|ELASTIC|S3)", re.I
)
_RATE_LIMIT = re.compile(r"RATE_?LIMIT.*(MAX|REQUESTS|LIMIT$)|THROTTLE.*(LIMIT|MAX)", re.I)
_HOST = re.compile(r"^(HOST|HOSTNAME|[A-Z_]*_HOST|BIND|BIND_ADDR|ADDRESS|LISTEN_ADDR)$")


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str
    source: str  # where the need and the value came from
    edit: str | None = None  # why the value is a guess to check


@dataclass(frozen=True)
class _Need:
    name: str
    kind: str  # str, num, bool, port, host, url, email, json
    has_default: bool
    choices: tuple[str, ...]
    source: str


def parse_template(text: str) -> dict[str, str]:
    """``KEY=value`` lines of a dotenv file (quotes removed, ``# comments`` dropped)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", line)
        if not m:
            continue
        raw = m.group(2).strip()
        if raw and raw[0] in "\"'":
            q = raw[0]
            end = raw.find(q, 1)
            value = raw[1:end] if end > 0 else raw[1:]
        else:
            value = raw.split(" #", 1)[0].strip()
        out[m.group(1)] = value
    return out


def _block(text: str, start: int) -> str:
    """The ``{...}`` that opens at or after ``start`` (braces balanced)."""
    i = text.find("{", start)
    depth = 0
    for j in range(i, min(len(text), i + 20000)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i : j + 1]
    return text[i:]


def _schema_needs(rel: str, text: str) -> list[_Need]:
    needs: list[_Need] = []
    for m in _ENVALID.finditer(text):
        block = _block(text, m.end() - 1)
        for item in _ENVALID_ITEM.finditer(block):
            args = block[item.end() : item.end() + 300].split("\n")[0]
            choices = re.search(r"choices\s*:\s*\[([^\]]*)\]", args)
            needs.append(
                _Need(
                    item.group(1),
                    item.group(2),
                    bool(re.search(r"\bdefault\s*:", args)),  # devDefault does not count
                    tuple(re.findall(r"['\"]([^'\"]+)['\"]", choices.group(1))) if choices else (),
                    f"envalid schema in {rel}",
                )
            )
    if "process.env" in text and re.search(r"\bz\s*\.\s*object\s*\(", text):
        for om in re.finditer(r"\bz\s*\.\s*object\s*\(\s*\{", text):
            block = _block(text, om.end() - 1)
            for item in _ZOD_ITEM.finditer(block):
                chain = item.group(2)
                kind = "str"
                if re.search(r"number|coerce\.number", chain):
                    kind = "num"
                if re.search(r"boolean", chain):
                    kind = "bool"
                if re.search(r"\.url\(", chain):
                    kind = "url"
                if re.search(r"\.email\(", chain):
                    kind = "email"
                enum = re.search(r"enum\s*\(\s*\[([^\]]*)\]", chain)
                needs.append(
                    _Need(
                        item.group(1),
                        kind,
                        bool(re.search(r"\.(default|optional|nullish)\s*\(", chain)),
                        tuple(re.findall(r"['\"]([^'\"]+)['\"]", enum.group(1))) if enum else (),
                        f"zod schema in {rel}",
                    )
                )
    if "process.env" in text and re.search(r"\bJoi\s*\.\s*object\s*\(", text):
        items = list(_JOI_ITEM.finditer(text))
        for i, item in enumerate(items):
            end = items[i + 1].start() if i + 1 < len(items) else min(len(text), item.end() + 400)
            chain = text[item.end() : end]
            valid = re.search(r"\.valid\s*\(([^)]*)\)", chain)
            kind = "str"
            for word, k in (
                ("number", "num"),
                ("boolean", "bool"),
                ("uri", "url"),
                ("email", "email"),
            ):
                if re.search(rf"\.{word}\s*\(", item.group(0) + chain):
                    kind = k
            needs.append(
                _Need(
                    item.group(1),
                    kind,
                    not re.search(r"\.required\s*\(", chain) or ".default(" in chain,
                    tuple(re.findall(r"['\"]([^'\"]+)['\"]", valid.group(1))) if valid else (),
                    f"Joi schema in {rel}",
                )
            )
    if re.search(r"fastify-env|@fastify/env|env-schema|envSchema", text):
        for rm in _JSON_REQUIRED.finditer(text):
            for name in re.findall(r"['\"]([A-Z][A-Z0-9_]*)['\"]", rm.group(1)):
                needs.append(_Need(name, "str", False, (), f"env schema `required` in {rel}"))
    return needs


def _all_needs(root: Path, texts: Mapping[Path, str]) -> dict[str, _Need]:
    """Every variable a schema in ``texts`` declares, the first declaration winning."""
    needs: dict[str, _Need] = {}
    for p, text in texts.items():
        rel = str(p.relative_to(root)) if p.is_relative_to(root) else str(p)
        for need in _schema_needs(rel, text):
            needs.setdefault(need.name, need)
    return needs


def port_var(root: Path, texts: Mapping[Path, str]) -> tuple[str, str] | None:
    """A port variable a schema declares (``PORT: port()``, ``APP_PORT: z.coerce.number()``):
    (name, where)."""
    needs = list(_all_needs(root, texts).values())
    other = re.compile(r"SMTP|MAIL|DB|DATABASE|REDIS|MONGO|PG|POSTGRES|MYSQL|AMQP|KAFKA|PROXY")
    ranked = [n for n in needs if n.kind == "port" and not other.search(n.name)]
    ranked += [n for n in needs if n.name == "PORT"]
    ranked += [n for n in needs if n.name.endswith("PORT") and not other.search(n.name)]
    if ranked:
        return ranked[0].name, ranked[0].source
    return None


def reads(texts: Mapping[Path, str]) -> set[str]:
    """Every environment variable the source reads by name."""
    out: set[str] = set()
    for text in texts.values():
        for m in _READ.finditer(text):
            out.add(next(g for g in m.groups() if g))
    return out


def _placeholder(need: _Need, name: str) -> tuple[str, str | None]:
    if need.choices:
        pick = "production" if "production" in need.choices else need.choices[0]
        return pick, None
    if need.kind == "num":
        return "1000", "a number guessed by bakeoff"
    if need.kind == "bool":
        return "false", None
    if need.kind == "port":
        return "9", "a port guessed by bakeoff (nothing listens there)"
    if need.kind == "host":
        return "127.0.0.1", None
    if need.kind == "email":
        return "bakeoff@example.invalid", None
    if need.kind == "json":
        return "{}", "an empty JSON value guessed by bakeoff"
    if need.kind == "url" or _SERVICE_URL.search(name):
        return "http://127.0.0.1:9", "a URL nothing answers at: point it at a real service"
    if _SECRET.search(name):
        return "bakeoff-placeholder-secret-0123456789abcdef", "a placeholder secret"
    return "bakeoff", "a placeholder string"


def required(root: Path, texts: Mapping[Path, str], skip: set[str]) -> list[EnvVar]:
    """Variables the service needs, each with a value; ``skip``: set by bakeoff itself (the
    port variable)."""
    template: dict[str, str] = {}
    template_name = ""
    for name in TEMPLATES:
        f = root / name
        if f.is_file():
            try:
                template = parse_template(f.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            template_name = name
            break
    needs = _all_needs(root, texts)
    read = reads(texts)
    out: list[EnvVar] = []
    names = [n for n in needs if not needs[n].has_default]
    names += [n for n in template if n in read and n not in names]
    for name in names:
        if name in skip:
            continue
        need = needs.get(name) or _Need(name, "str", True, (), "")
        where = need.source or f"{template_name}, read by the source"
        if _HOST.match(name):
            out.append(EnvVar(name, "127.0.0.1", f"{where}; loopback for the measurement"))
            continue
        if name == "NODE_ENV" and (not need.choices or "production" in need.choices):
            out.append(EnvVar(name, "production", f"{where}; the service runs as in production"))
            continue
        if _RATE_LIMIT.search(name):
            out.append(
                EnvVar(
                    name,
                    "1000000",
                    f"{where}; raised so a load test measures the service, not its rate limiter",
                    "the rate limit: bakeoff raised it for load tests",
                )
            )
            continue
        if name in template and template[name] != "":
            out.append(EnvVar(name, template[name], f"{where}; value from {template_name}"))
            continue
        if name not in needs:
            continue  # an empty template entry the code reads: it has a fallback of its own
        value, edit = _placeholder(need, name)
        why = f"{where}; no value in {template_name}" if template_name else where
        out.append(EnvVar(name, value, why, edit))
    return out
