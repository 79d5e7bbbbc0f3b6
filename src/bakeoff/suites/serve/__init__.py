"""The serve suite: how an HTTP service behaves on each runtime.

Per contestant, interleaved (every round runs each contestant once, in a fresh random order):

1. **time-to-ready** and **idle RSS**: ``ready_samples`` rounds of spawn → first successful
   readiness response (polled every 2 ms) → tree RSS 0.25 s later → stop;
2. **correctness**: every request of the mix once; status and body (or the JSON shape) must
   match the baseline's, or the contestant's latency results are not used for verdicts;
3. a short closed-loop **probe** of each contestant's saturation, unless rates are configured;
   the fixed rates are fractions (default 25/50/75%) of the *slowest* contestant's saturation,
   the same absolute rates for everyone;
4. up to ``reps`` load rounds (at least ``MIN_REPS``; they stop early once server CPU per 1k
   requests at the reference rate — the service runtime's primary endpoint — settles every
   comparison with the baseline, see bakeoff.plan.sequential): start, warm up (discarded), one
   open-loop phase per rate (k6
   ``constant-arrival-rate``; latency from the intended send time; server CPU per 1k requests
   from /proc; RSS sampled every 100 ms), then closed-loop **saturation** (wrk if installed,
   else k6), stop.

Latency percentiles are read from histograms merged across repetitions, never averaged. A phase
that dropped requests, fell under 99% of its rate, saw errors, or whose generator used more than
80% of a core is invalid: kept, shown with its reason, left out of the verdicts.

The package: ``spec`` (what to serve, the sample, the ``[serve]`` adapter), ``correctness``,
``ladder`` (the fixed rates and the reference rate), ``suite`` (the rounds, over the seams of
``measure.serving``), ``record`` (the results).
"""

from bakeoff.suites.serve.ladder import GENERATOR_SHARE, reference_rate
from bakeoff.suites.serve.record import PERCENTILES, SUITE
from bakeoff.suites.serve.spec import HOST, ServeSpec, sample_spec, spec_from_config
from bakeoff.suites.serve.suite import MIN_REPS, Engines, Seams, ServeSuite

__all__ = [
    "GENERATOR_SHARE",
    "HOST",
    "MIN_REPS",
    "PERCENTILES",
    "SUITE",
    "Engines",
    "Seams",
    "ServeSpec",
    "ServeSuite",
    "reference_rate",
    "sample_spec",
    "spec_from_config",
]
