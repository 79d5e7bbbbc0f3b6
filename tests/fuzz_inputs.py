"""A seeded generator of hostile ``bakeoff.toml`` files (test data, not measurements): a valid
file with every section, mutated by setting keys to odd values (booleans as numbers, nan/inf,
huge and negative numbers, NUL bytes, quotes, ``=`` in names, wrong types, deep nesting),
deleting keys, adding unknown ones — and raw-byte mutations (not UTF-8, binary, truncated,
3,000-deep arrays, a file over the size limit)."""

from __future__ import annotations

import copy
import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import tomli_w

BASE: dict[str, Any] = {
    "bakeoff": {"runtimes": ["node@24", "bun@latest"], "baseline": "node", "out": "out"},
    "measure": {
        "precision": "2%",
        "min_runs": 3,
        "max_runs": 9,
        "warmups": 1,
        "budget": "5m",
        "timeout": "30s",
        "threshold": 0.02,
        "seed": 7,
    },
    "startup": {
        "enabled": True,
        "cases": ["hello"],
        "scripts": [{"name": "cli", "script": "bin/cli.js", "args": ["--help"], "cache": "cold"}],
    },
    "serve": {
        "entry": "server.js",
        "cwd": ".",
        "env": {"LOG_LEVEL": "warn"},
        "port_env": "PORT",
        "readiness": {"kind": "http", "path": "/health"},
        "requests": [
            {"path": "/health", "weight": 5, "name": "health"},
            {
                "path": "/api/orders",
                "method": "POST",
                "json": {"customer": "ada", "items": [1, 2]},
                "headers": {"x-trace": "on"},
                "expect_status": 201,
            },
        ],
        "rates": [50, 100.5],
        "ladder": [0.25, 0.5],
        "reps": 3,
        "ready_samples": 3,
        "phase": "2s",
        "warmup": "1s",
        "saturation": "2s",
        "connections": 16,
        "ready_timeout": "10s",
        "pin": False,
        "compare": "shape",
    },
    "toolchains": [
        {"name": "bun+node", "runtime": "node", "manager": "bun", "test_runner": "node"},
    ],
    "install": {"states": ["cold", "warm-cache"], "reps": 2, "managers": ["pnpm"]},
    "test": {"reps": 2},
    "build": {"entry": "bin/cli.js", "args": ["--limit", "3"], "reps": 2},
    "ci": {"reps": 2},
    "value": {
        "preset": "small",
        "traffic": {"requests_per_month": 1_000_000, "peak_rps": 10.0},
        "deployment": {"platform": "fargate", "memory_mb": 512, "vcpu": 0.5},
        "team": {"engineers": 4, "hourly_rate": 90.0},
        "migration": {"fixed_hours": 8.0},
        "prices": {
            "aws.lambda.requests": 0.2,
            "github.actions.linux_2core": {
                "amount": 0.006,
                "source": "invoice",
                "date": "2026-11-01",
            },
        },
    },
    "compat": {"areas": ["fs", "http"], "packages": False},
}

ODD: list[Any] = [
    0,
    -1,
    1,
    2,
    65535,
    65536,
    2**31,
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    0.5,
    1e-9,
    1e308,
    -1e308,
    math.nan,
    math.inf,
    -math.inf,
    True,
    False,
    "",
    " ",
    "0",
    "-5",
    "5m",
    "0s",
    "0.0000001s",
    "99999h",
    "1e400",
    "nan",
    "inf",
    "2%",
    "200%",
    "-1%",
    "abc",
    "\x00",
    "a\x00b",
    'a"b',
    "say 'hi",
    '{run} "unbalanced',
    "{run} server.js --port {port}",
    "A=B",
    "=",
    "/",
    "/a b",
    "/ok?x=1",
    "/\r\n",
    "x\ny",
    "é",
    "🦆",
    "x" * 5000,
    "node@lts",
    "nod@24",
    "bun@lts",
    "system:python",
    "/usr/bin/python3",
    "../../etc/passwd",
    [],
    [0],
    [""],
    ["x", 1],
    [[1, [2]]],
    [0.25, math.nan],
    [-5],
    [1e9],
    {},
    {"a": 1},
    {"amount": "x"},
    {"amount": -1},
    {"amount": math.inf},
    {"amount": 1e300, "per": 1e-300},
    {"quantity": 5},
    {"source": "x"},
    {"amount": 1, "date": "yesterday"},
    {"path": "/x", "weight": 0},
    dt.date(2026, 1, 1),
    dt.datetime(2026, 1, 1, 12, 0),
    dt.time(12, 0),
]

ALPHABET = "aZ09 =\"'{}$%/\\.-_:;@~é🦆\t\n\x00"
# Values a real file could hold, so that many mutated files are accepted and then exercised.
PLAUSIBLE: list[Any] = [
    2,
    3,
    10,
    64,
    0.1,
    0.75,
    0.02,
    "1s",
    "500ms",
    "2m",
    "3%",
    "/x",
    "/api/items?limit=5",
    "node@22",
    "bun@1.1",
    "deno@2",
    "node",
    "hello",
    "cold",
    "warm-cache",
    "{run} server.js --port {port}",
    "{runtime} --version",
    'sh -c "exec {runtime} server.js"',
    True,
    False,
    ["a", "b"],
    [25, 75],
    {"amount": 0.5},
    {"amount": 2, "per": 1000, "unit": "GB"},
]


@dataclass(frozen=True)
class Case:
    """One generated file: ``text`` (bytes) and what was done to make it."""

    index: int
    data: bytes
    how: str
    touches_value: bool


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path[:-1]:
        data = data[p]
    return data


def _odd(rng: random.Random, current: Any = None) -> Any:
    roll = rng.random()
    if roll < 0.35:
        same = [v for v in PLAUSIBLE if type(v) is type(current)]
        return copy.deepcopy(rng.choice(same or PLAUSIBLE))
    if roll < 0.7:
        return copy.deepcopy(rng.choice(ODD))
    if roll < 0.8:
        return rng.randint(-(2**63), 2**63 - 1)
    if roll < 0.9:
        return rng.choice([-1, 1]) * 10 ** rng.uniform(-12, 12)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))


def _mutate(data: dict[str, Any], rng: random.Random) -> list[str]:
    done = []
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(data) if p]
        path = rng.choice(paths)
        parent = _parent(data, path)
        op = rng.random()
        if op < 0.7:
            parent[path[-1]] = _odd(rng, parent[path[-1]])
            done.append(f"set {'.'.join(map(str, path))}")
        elif op < 0.85:
            del parent[path[-1]]
            done.append(f"delete {'.'.join(map(str, path))}")
        elif isinstance(parent, dict):
            key = rng.choice(["typo", "precison", "weigth", "x" * 40, "é", "a\x00b", "="])
            parent[key] = _odd(rng)
            done.append(f"add {'.'.join(map(str, path[:-1]))}.{key!r}")
    return done


def _raw(text: bytes, rng: random.Random) -> tuple[bytes, str]:
    kind = rng.randrange(10)
    if kind == 0:
        cut = rng.randrange(len(text))
        return text[:cut], f"truncated at {cut}"
    if kind == 1:
        return text.replace(b"node", "nöde".encode("latin-1"), 1), "not UTF-8"
    if kind == 2:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))), "binary garbage"
    if kind == 3:
        depth = rng.choice([100, 1000, 3000])
        return text + b"\nx = " + b"[" * depth + b"]" * depth + b"\n", f"{depth}-deep array"
    if kind == 4:
        depth = rng.choice([100, 1000, 3000])
        return b"x = " + b"{a = " * depth + b"1" + b"}" * depth + b"\n", f"{depth}-deep table"
    if kind == 5:
        at = rng.randrange(len(text))
        return text[:at] + b"\x00" + text[at:], "a raw NUL byte"
    if kind == 6:
        return b"\xef\xbb\xbf" + text, "a byte-order mark"
    if kind == 7:
        return text + b"# " + b"x" * (1 << 20) + b"\n", "over 1 MB"
    if kind == 8:
        at = rng.randrange(len(text))
        return text[:at] + bytes([rng.randrange(256)]) + text[at + 1 :], "one byte changed"
    return b"", "empty"


def cases(n: int, seed: int = 14) -> Iterator[Case]:
    rng = random.Random(seed)
    for i in range(n):
        data = copy.deepcopy(BASE)
        if rng.random() < 0.12:
            raw, how = _raw(tomli_w.dumps(data).encode(), rng)
            yield Case(i, raw, how, touches_value=False)
            continue
        done = _mutate(data, rng)
        try:
            text = tomli_w.dumps(data).encode()
        except (TypeError, ValueError, RecursionError):
            continue  # not expressible as TOML (e.g. a key TOML cannot hold)
        yield Case(i, text, "; ".join(done), touches_value=any("value" in d for d in done))
