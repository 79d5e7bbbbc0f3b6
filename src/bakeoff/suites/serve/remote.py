"""Load from another machine: the serve suite's fixed-rate phases and saturation run by k6 on a
Dask worker that advertises a resource (``dask worker tcp://scheduler:8786 --resources
loadgen=1``), while the server — and the reading of its CPU and RSS — stays on this host.

On a small machine the load generator competes with the server for CPU: at 2,000 req/s on two
cores k6's own lag invalidates the phase. A generator elsewhere removes that. Clocks never need
to agree: k6 times every request on its own host (latency from the intended send time), this
host reads the server's CPU time before and after the phase, each side timing its own events.
The server must listen where the worker can reach it (``--bind``; the generator uses
``--advertise``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from bakeoff import tempdirs
from bakeoff.errors import BakeoffError
from bakeoff.measure.loadgen import K6, PhaseResult, Request, SaturationResult, find_k6
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.serve.spec import ServeSpec
from bakeoff.suites.serve.suite import Engines

SLACK_S = 120.0  # beyond a phase's own length: k6's start, provisioning on first use


def _k6() -> str:
    """k6 on the worker: provisioned into its own cache (pinned and verified, like local)."""
    return str(find_k6().path)


def remote_fixed_rate(
    base_url: str, mix: Sequence[Request], rate: float, duration_s: float
) -> PhaseResult:
    """Runs on the worker: one fixed-rate phase."""
    with tempdirs.directory("bakeoff-loadgen-") as work:
        return K6(_k6(), work).fixed_rate(base_url, mix, rate, duration_s)


def remote_saturate(
    base_url: str, mix: Sequence[Request], duration_s: float, connections: int
) -> SaturationResult:
    """Runs on the worker: closed-loop saturation."""
    with tempdirs.directory("bakeoff-loadgen-") as work:
        return K6(_k6(), work).saturate(base_url, mix, duration_s, connections)


@dataclass
class RemoteLoad:
    """A load generator on a Dask worker holding ``resource`` (one phase at a time)."""

    client: Any  # distributed.Client
    resource: str
    worker: str

    def fixed_rate(
        self, base_url: str, mix: Sequence[Request], rate: float, duration_s: float
    ) -> PhaseResult:
        fut = self.client.submit(
            remote_fixed_rate,
            base_url,
            list(mix),
            rate,
            duration_s,
            resources={self.resource: 1},
            pure=False,
        )
        result: PhaseResult = fut.result(timeout=duration_s + SLACK_S)
        return result

    def saturate(
        self, base_url: str, mix: Sequence[Request], duration_s: float, connections: int = 64
    ) -> SaturationResult:
        fut = self.client.submit(
            remote_saturate,
            base_url,
            list(mix),
            duration_s,
            connections,
            resources={self.resource: 1},
            pure=False,
        )
        result: SaturationResult = fut.result(timeout=duration_s + SLACK_S)
        return result


def remote_engines(address: str, resource: str = "loadgen") -> Any:
    """An ``Engines`` factory for ``Seams``: k6 on the Dask worker that holds ``resource`` at
    the scheduler ``address``; a reason string (the suite is then skipped, saying why) when
    the scheduler cannot be reached or no worker holds the resource."""
    from bakeoff import cluster

    def engines(ctx: SuiteContext, spec: ServeSpec, cpus: set[int] | None) -> Engines | str:
        try:
            client = cluster.connect(address)
        except BakeoffError as exc:
            return f"the remote load generator is not reachable: {exc.message}"
        holders = cluster.capable(cluster.workers_of(client), resource)
        if not holders:
            cast(Any, client).close()
            return (
                f"no Dask worker at {address} advertises the resource '{resource}' "
                f"(start one with: dask worker {address} --nthreads 1 --resources {resource}=1)"
            )
        load = RemoteLoad(client, resource, holders[0])
        where = f"k6 on Dask worker {holders[0]} (resource {resource}, scheduler {address})"
        return Engines(
            load,
            load,
            True,
            {"fixed_rate": where, "saturation": where},
            close=cast(Any, client).close,
        )

    return engines
