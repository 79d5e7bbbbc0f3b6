"""What to serve and how to load it (``ServeSpec``), the bundled sample service, and the adapter
from ``[serve]`` in bakeoff.toml."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bakeoff.config import ServeConfig
from bakeoff.measure.invoke import base_env
from bakeoff.measure.loadgen import Request
from bakeoff.measure.server import Readiness
from bakeoff.plan.contestants import Contender

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServeSpec:
    """What to serve and how to load it. ``command`` is a template: ``{runtime}`` is the
    runtime binary, ``{run}`` the binary plus its run flags (``deno run --allow-all``),
    ``{port}`` the port."""

    entry: str | None = None  # a script, run as `{run} ENTRY ARGS`
    command: str | None = None
    args: Sequence[str] = ()  # after the entry; "{port}" becomes the port
    node_flags: Sequence[str] = ()  # Node flags; translated for Bun and Deno (runtime_flags)
    cwd: str = "."
    env: Mapping[str, str] = field(default_factory=dict)
    port: int | None = None  # None: a free loopback port, passed as $PORT
    port_env: str = "PORT"
    readiness: Readiness = field(default_factory=Readiness)
    mix: Sequence[Request] = ()
    k6_script: str | None = None  # the user's own k6 script instead of the mix
    compare: Literal["body", "shape", "status"] = "body"
    rates: Sequence[float] | None = None  # absolute req/s; None: a ladder from the probe
    ladder: Sequence[float] = (0.25, 0.5, 0.75)
    reps: int = 5
    ready_samples: int = 10
    phase_s: float = 5.0
    warmup_s: float = 2.0
    saturation_s: float = 3.0
    probe_s: float = 3.0
    connections: int = 64
    ready_timeout_s: float = 30.0
    pin: bool = False
    saturation: bool = True
    reference_rps: float | None = None  # the usage's peak rate: picks the reference rate

    bind: str = HOST  # where the server listens (passed as $HOST)
    advertise: str | None = None  # where load generators reach it (default: ``bind``)

    @property
    def local_host(self) -> str:
        """The address this host checks readiness and correctness on."""
        return "127.0.0.1" if self.bind in ("0.0.0.0", "::", "") else self.bind

    def url(self, port: int) -> str:
        """The base URL a load generator sends to."""
        return f"http://{self.advertise or self.local_host}:{port}"

    def env_for(self, port: int) -> dict[str, str]:
        """The server's environment: the configured variables, the port, a loopback HOST."""
        return base_env({**dict(self.env), self.port_env: str(port), "HOST": self.bind})

    def argv(self, who: Contender, port: int) -> list[str]:
        run = [who.binary, "run", "--allow-all"] if who.family == "deno" else [who.binary]
        if self.command:
            out: list[str] = []
            for tok in shlex.split(self.command):
                if tok == "{run}":
                    out += run
                else:
                    out.append(tok.replace("{runtime}", who.binary).replace("{port}", str(port)))
            return out
        if not self.entry:
            raise ValueError("serve needs an entry script or a command")
        flags, _ = runtime_flags(who.family, self.node_flags)
        args = [a.replace("{port}", str(port)) for a in self.args]
        return [*run, *flags, self.entry, *args]


# Node flags that load a TypeScript loader: Bun and Deno run TypeScript themselves
_TS_LOADERS = {"tsx", "tsx/esm", "tsx/cjs", "ts-node/register", "ts-node/esm", "@swc-node/register"}
_VALUE = {"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions"}


def runtime_flags(family: str, node_flags: Sequence[str]) -> tuple[list[str], list[str]]:
    """The project's Node flags for ``family``: (flags to pass, flags dropped). Node gets them
    all; Bun preloads what Node requires/imports (``--preload``) and keeps ``--env-file`` and
    ``--conditions``; Deno keeps ``--env-file``. TypeScript loaders (tsx, ts-node) are dropped
    for Bun and Deno, which run TypeScript natively."""
    if family == "node":
        return list(node_flags), []
    kept: list[str] = []
    dropped: list[str] = []
    toks = list(node_flags)
    i = 0
    while i < len(toks):
        flag, value = toks[i], None
        if "=" in flag and flag.split("=", 1)[0] in _VALUE:
            flag, value = flag.split("=", 1)
        elif flag in _VALUE and i + 1 < len(toks):
            value = toks[i + 1]
            i += 1
        i += 1
        text = f"{flag} {value}" if value is not None else flag
        if flag.startswith("--env-file"):
            kept += [flag] if value is None else [flag, value]
        elif flag in ("-r", "--require", "--import", "--loader", "--experimental-loader"):
            if value in _TS_LOADERS:
                dropped.append(f"{text} ({family} runs TypeScript itself)")
            elif family == "bun":
                kept += ["--preload", value or ""]
            else:
                dropped.append(text)
        elif flag in ("-C", "--conditions") and family == "bun":
            kept += ["--conditions", value or ""]
        else:
            dropped.append(text)
    return kept, dropped


def sample_spec(project: Path, quick: bool = False) -> ServeSpec:
    """The bundled sample service and a realistic request mix."""
    order = json.dumps({"customer": "ada", "items": [{"id": 7, "qty": 2}, {"id": 99, "qty": 1}]})
    mix = [
        Request("/health", weight=5, name="health"),
        Request("/products/42", weight=20, name="product by id"),
        Request("/products/4242", weight=10, name="product by id (2)"),
        Request("/search?q=pro&sort=-price&limit=20", weight=15, name="search"),
        Request("/search?category=garden&min=10&max=80&sort=name", weight=10, name="search+filter"),
        Request(
            "/orders",
            method="POST",
            body=order,
            headers={"content-type": "application/json"},
            weight=10,
            name="create order",
        ),
        Request("/hash?rounds=100", weight=5, name="hash (CPU)"),
        Request("/slow?ms=5", weight=5, name="async wait 5 ms"),
    ]
    if quick:
        return ServeSpec(
            entry="src/server.mjs",
            cwd=str(project),
            mix=mix,
            ladder=(0.5,),
            reps=4,
            ready_samples=5,
            phase_s=2.0,
            warmup_s=1.0,
            saturation_s=1.0,
            probe_s=1.0,
        )
    return ServeSpec(entry="src/server.mjs", cwd=str(project), mix=mix, reps=6)


def describe(spec: ServeSpec) -> dict[str, Any]:
    return {
        "entry": spec.entry,
        "command": spec.command,
        "args": list(spec.args),
        "node_flags": list(spec.node_flags),
        "flags_dropped": {
            fam: runtime_flags(fam, spec.node_flags)[1]
            for fam in ("bun", "deno")
            if runtime_flags(fam, spec.node_flags)[1]
        },
        "cwd": spec.cwd,
        "readiness": spec.readiness.describe(),
        "mix": [{"request": r.label, "weight": r.weight} for r in spec.mix],
        "k6_script": spec.k6_script,
        "reps": spec.reps,
        "ready_samples": spec.ready_samples,
        "phase_s": spec.phase_s,
        "warmup_s": spec.warmup_s,
        "saturation_s": spec.saturation_s,
        "ladder": list(spec.ladder),
        "connections": spec.connections,
        "compare": spec.compare,
    }


def spec_from_config(cfg: ServeConfig, config_path: Path, quick: bool = False) -> ServeSpec:
    """A ``ServeSpec`` from the ``[serve]`` section; relative paths are relative to the config
    file's folder. ``quick`` shortens every phase."""
    mix = [
        Request(
            path=r.path,
            method=r.method,
            weight=r.weight,
            headers={
                **({"content-type": "application/json"} if r.json_body is not None else {}),
                **r.headers,
            },
            body=json.dumps(r.json_body) if r.json_body is not None else r.body,
            name=r.name,
            expect_status=r.expect_status,
        )
        for r in cfg.requests
    ]
    if not mix and not cfg.k6_script:
        mix = [Request(cfg.readiness.path if cfg.readiness.kind == "http" else "/", name="ready")]
    cwd = (config_path.parent / cfg.cwd).resolve()
    return ServeSpec(
        entry=cfg.entry,
        command=cfg.command,
        args=tuple(cfg.args),
        node_flags=tuple(cfg.node_flags),
        cwd=str(cwd),
        env=dict(cfg.env),
        port=cfg.port,
        port_env=cfg.port_env,
        readiness=Readiness(cfg.readiness.kind, cfg.readiness.path),
        mix=mix,
        k6_script=str((config_path.parent / cfg.k6_script).resolve()) if cfg.k6_script else None,
        compare=cfg.compare,
        rates=cfg.rates,
        ladder=tuple(cfg.ladder),
        reps=min(cfg.reps, 4) if quick else cfg.reps,
        ready_samples=min(cfg.ready_samples, 5) if quick else cfg.ready_samples,
        phase_s=min(cfg.phase, 2.0) if quick else cfg.phase,
        warmup_s=min(cfg.warmup, 1.0) if quick else cfg.warmup,
        saturation_s=(min(cfg.saturation, 2.0) if quick else cfg.saturation)
        if cfg.saturation
        else 0.0,
        saturation=bool(cfg.saturation),
        connections=cfg.connections,
        ready_timeout_s=cfg.ready_timeout,
        pin=cfg.pin,
    )
