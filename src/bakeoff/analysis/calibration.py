"""A/A self-check: what the verdict rule says when both arms are the same runtime.

``bakeoff calibrate`` (and ``--aa`` on any measuring command) runs the first contestant twice,
as ``<name>`` and ``<name> (A/A)``, through the whole pipeline. Any ``better``/``worse``
verdict between the two arms is a false positive; the spread of their ratios is the noise floor
of this machine at this run length; the comparisons' minimum detectable effect (MDE) says how
small a real difference the same run could have found.
"""

from __future__ import annotations

import statistics

from bakeoff.results import ResultsDocument
from bakeoff.results.suites import AaCase, AaSummary

AA_SUFFIX = " (A/A)"


def aa_summary(doc: ResultsDocument) -> AaSummary:
    """Summarise the A/A comparisons of an analysed document (empty counts when there are none).

    * ``false_positives`` / ``comparisons``: A/A comparisons (every metric) whose verdict was
      ``better`` or ``worse``; ``false_positive_rate`` is their share.
    * ``noise_floor``: median ``|ratio - 1|`` of the A/A wall-time comparisons, and
      ``noise_floor_max`` the largest.
    * ``mde_median`` / ``mde_max``: over the A/A wall-time comparisons.
    """
    aa = [c for c in doc.comparisons if c.contestant.endswith(AA_SUFFIX) and c.ratio is not None]
    wall = [c for c in aa if c.metric == "wall_ms"]
    fps = [c for c in aa if c.verdict in ("better", "worse")]
    floors = [abs(c.ratio - 1) for c in wall if c.ratio is not None]
    mdes = [c.mde for c in wall if c.mde is not None]
    return AaSummary(
        comparisons=len(aa),
        false_positives=len(fps),
        false_positive_rate=len(fps) / len(aa) if aa else None,
        noise_floor=statistics.median(floors) if floors else None,
        noise_floor_max=max(floors) if floors else None,
        mde_median=statistics.median(mdes) if mdes else None,
        mde_max=max(mdes) if mdes else None,
        cases=[
            AaCase(
                suite=c.suite,
                case=c.case,
                metric=c.metric,
                ratio=c.ratio,
                ci=c.ci,
                verdict=c.verdict,
                mde=c.mde,
            )
            for c in aa
        ],
    )
