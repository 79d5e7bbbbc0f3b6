"""``bakeoff serve``: the serve suite ad hoc, on one entry script or command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bakeoff import limits
from bakeoff.cli.app import cli
from bakeoff.cli.common import config_option, measure_options
from bakeoff.errors import UsageError

if TYPE_CHECKING:
    from bakeoff.measure.loadgen import Request

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _request(text: str) -> Request:
    from bakeoff.measure.loadgen import Request

    parts = text.split(None, 1)
    if len(parts) == 1:
        method, path = "GET", parts[0]
    elif not parts:
        raise UsageError("--request '': expected 'METHOD /path' or '/path'")
    else:
        method, path = parts[0].upper(), parts[1].strip()
    if method not in METHODS:
        raise UsageError(f"--request {text!r}: unknown method {method} ({', '.join(METHODS)})")
    from bakeoff import config

    try:
        config.check_url_path(path)
    except ValueError as exc:
        raise UsageError(f"--request {text!r}: {exc}") from None
    return Request(path, method=method)


@cli.command()
@click.argument("entry", required=False)
@click.option("--command", "command", metavar="TEMPLATE", help="e.g. '{run} dist/server.js'.")
@click.option(
    "--cwd", type=click.Path(path_type=Path, file_okay=False, exists=True), help="Working folder."
)
@click.option("--port", type=click.IntRange(1, 65535), help="Fixed port (default: a free one).")
@click.option("--ready-path", default="/health", show_default=True, help="Readiness: GET → 2xx.")
@click.option("--tcp", is_flag=True, help="Readiness by TCP connect instead of HTTP.")
@click.option("--request", "requests", multiple=True, metavar="'METHOD /path'", help="Repeat.")
@click.option("--rate", "rates", multiple=True, type=float, help="Fixed rate(s) in req/s.")
@click.option(
    "--reps", type=click.IntRange(min=1, max=limits.MAX_REPS), help="Load repetitions (default 5)."
)
@click.option("--phase", metavar="DURATION", help="Length of each fixed-rate phase (5s).")
@click.option("--pin", is_flag=True, help="Pin server and load generator to separate CPUs.")
@click.option("--quick", is_flag=True, help="Shorter phases, fewer repetitions.")
@click.option(
    "--soak",
    metavar="DURATION",
    help="Instead: a soak test — one fixed rate (the first --rate, else [value.traffic] "
    "peak_rps) for this long per runtime, RSS growth in MB/min with its CI, e.g. 10m.",
)
@config_option()
@measure_options
def serve(
    entry: str | None,
    command: str | None,
    cwd: Path | None,
    port: int | None,
    ready_path: str,
    tcp: bool,
    requests: tuple[str, ...],
    rates: tuple[float, ...],
    reps: int | None,
    phase: str | None,
    pin: bool,
    quick: bool,
    soak: str | None,
    config_path: Path | None,
    **kw: Any,
) -> None:
    """Time-to-ready, latency at fixed rates, throughput, CPU per request and memory of an
    HTTP service on each runtime.

    \b
    bakeoff serve -r node@24 -r bun@latest src/server.js --request /health --request '/api/items'
    bakeoff serve --command '{run} dist/main.js --port {port}' --rate 500 --rate 1000
    """
    from bakeoff import config
    from bakeoff.cli.common import _execute, _load_config, _settings
    from bakeoff.measure.loadgen import Request
    from bakeoff.measure.server import Readiness
    from bakeoff.session import Options
    from bakeoff.suites.serve import ServeSpec, ServeSuite, spec_from_config
    from bakeoff.suites.soak import SoakSpec, SoakSuite

    cfg = _load_config(config_path)
    s = _settings(cfg, kw, quick)
    if entry or command:
        from pydantic import ValidationError

        try:
            base = config.ServeConfig(
                entry=entry,
                command=command,
                cwd=str(cwd or Path.cwd()),
                port=port,
                readiness=config.ReadinessConfig(kind="tcp" if tcp else "http", path=ready_path),
            )
        except ValidationError as exc:
            raise UsageError(f"invalid option value: {config.error_text(exc)}") from None
    elif cfg.serve is not None:
        base = cfg.serve
    else:
        raise UsageError("give an ENTRY script or --command (or a [serve] section in bakeoff.toml)")
    spec = spec_from_config(base, Path.cwd() / "bakeoff.toml", quick)
    changes: dict[str, Any] = {}
    if requests:
        changes["mix"] = [_request(r) for r in requests]
    if rates:
        try:
            changes["rates"] = [config.parse_rate(r) for r in rates]
        except ValueError as exc:
            raise UsageError(f"--rate: {exc}") from None
    if reps:
        changes["reps"] = reps
    if phase is not None:
        try:
            changes["phase_s"] = config.parse_duration(phase)
        except ValueError as exc:
            raise UsageError(f"--phase {phase!r}: {exc}") from None
    if pin:
        changes["pin"] = True
    if tcp and "mix" not in changes and not base.requests:
        changes["mix"] = [Request("/")]
    if port:
        changes["port"] = port
        changes["readiness"] = Readiness("tcp" if tcp else "http", ready_path)
    spec = ServeSpec(**{**spec.__dict__, **changes})
    suite: ServeSuite | SoakSuite = ServeSuite(spec)
    if soak is not None:
        try:
            duration = config.parse_duration(soak)
        except ValueError as exc:
            raise UsageError(f"--soak {soak!r}: {exc}") from None
        from bakeoff.value.usage import resolve

        rate = spec.rates[0] if spec.rates else resolve(cfg.value).traffic.peak_rps
        if rate <= 0:
            raise UsageError("--soak needs a request rate: give --rate RPS")
        suite = SoakSuite(SoakSpec(spec, duration, float(rate)))
    opts = Options(
        runtimes=list(kw["runtimes"] or cfg.bakeoff.runtimes),
        suites=[suite],
        quick=quick,
        **s,
    )
    _execute(opts, kw)
