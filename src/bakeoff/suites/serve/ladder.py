"""The fixed request rates: the same absolute rates for every contestant, fractions of the
slowest contestant's saturation (from a short probe), scaled down when the load generator could
not keep the top rate within its share of a core; and the reference rate the service runtime is
decided and priced at. Pure functions: ``suite`` runs the probes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

# The share of one core the load generator may use at the top rate: above about a quarter of a
# core on a 2-core machine shared with the server, k6 starts sending late (measured: p99 send
# lag 2 ms at 18% of a core, 5 ms at 23%, 12 ms at 31%).
GENERATOR_SHARE = 0.25


def ladder_rates(
    probes: dict[str, float], ladder: Sequence[float], cap: tuple[float, float] | None
) -> tuple[list[float], dict[str, Any]]:
    """Rates from each contestant's saturation probe (req/s): ``ladder`` fractions of the
    slowest, scaled down to the generator's ``cap`` (req/s it can send, µs CPU per request)
    when the top rate exceeds it. Also the record for the results document."""
    slowest = min(probes, key=lambda k: probes[k])
    rates = [max(1.0, round(probes[slowest] * f)) for f in ladder]
    record: dict[str, Any] = {
        "source": "probe",
        "probe_rps": {k: round(v, 1) for k, v in probes.items()},
        "slowest": slowest,
        "ladder": list(ladder),
    }
    if cap is not None:
        record["generator_us_per_req"] = round(cap[1], 1)
        record["generator_cap_rps"] = round(cap[0])
        if max(rates) > cap[0]:
            top = max(rates)
            rates = [max(1.0, round(r * cap[0] / top)) for r in rates]
            record["capped"] = (
                f"the load generator can keep about {cap[0]:.0f} req/s under "
                f"{GENERATOR_SHARE:.0%} of a core "
                f"on this machine ({cap[1]:.0f} µs CPU per request): the ladder was scaled "
                f"down so the top rate is {max(rates):.0f} req/s"
            )
    record["rps"] = rates
    return rates, record


def generator_cap(low: tuple[int, float], high: tuple[int, float]) -> tuple[float, float] | None:
    """The generator's CPU cost per request from two fixed-rate runs (requests, CPU seconds)
    — their difference cancels its start-up cost — and the rate it sustains at
    ``GENERATOR_SHARE`` of a core: (req/s, µs per request)."""
    extra_req = high[0] - low[0]
    extra_cpu = high[1] - low[1]
    if extra_req <= 0 or extra_cpu <= 0:
        return None
    per_req = extra_cpu / extra_req
    return GENERATOR_SHARE / per_req, per_req * 1e6


def reference_rate(rates: Sequence[float], peak_rps: float | None) -> float:
    """The rate nearest (in ratio) the usage's peak rate — the one the cost model prices and
    the service runtime is decided at; the highest rate when no peak is given."""
    if not peak_rps or peak_rps <= 0:
        return max(rates)
    return min(rates, key=lambda r: (abs(math.log(r / peak_rps)), -r))
