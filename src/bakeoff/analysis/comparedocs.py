"""Comparing two results documents (``bakeoff compare BASE NEW``), e.g. main vs a pull request.

For every (suite, case, metric, contestant) measured validly in both documents: the ratio of
medians NEW/BASE with its bootstrap CI, the Mann–Whitney p-value Holm-corrected across all
pairs, the same verdict rule as within a run, and the minimum detectable effect. A pair is a
*regression* when its verdict is ``worse`` and the effect is beyond ``fail_on`` (default 5%).

Before comparing, the documents' fingerprints are checked (``bakeoff.results.fingerprint``): a
different machine or runtime build — or a different project (``settings.project``, the package
name) — raises ``NotComparableError`` naming what differs, unless ``force``.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bakeoff.analysis import stats
from bakeoff.errors import NotComparableError
from bakeoff.results import Measurement, ResultsDocument, fingerprint
from bakeoff.results.fingerprint import Difference
from bakeoff.results.sections import ProjectIdentity

DEFAULT_FAIL_ON = 0.05


@dataclass(frozen=True)
class Pair:
    suite: str
    case: str
    metric: str
    contestant: str
    unit: str
    base_median: float
    new_median: float
    ratio: float
    ci: tuple[float, float] | None
    p_adjusted: float
    verdict: str
    reason: str
    mde: float | None
    regression: bool


@dataclass
class DocComparison:
    pairs: list[Pair]
    differences: list[Difference]
    fail_on: float
    only_in_base: list[str] = field(default_factory=list)
    only_in_new: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[Pair]:
        return [p for p in self.pairs if p.regression]


def run_conditions(doc: ResultsDocument) -> str:
    """One line on the machine state a document was measured under: comparing two documents is
    a sequential design, so a change in load between the runs is *not* in the CIs."""
    snap = doc.environment.noise_before
    before: list[float | str] = [*(snap.load_avg if snap else [])] or ["?"]
    noisy = watched = 0
    for _, info in doc.suites.items():
        for case in info.cases.values():
            if case.noise is not None:
                noisy += case.noise.blocks_noisy
                watched += case.noise.blocks_watched
    share = f"{noisy}/{watched} blocks noisy" if watched else "no noise watch"
    return f"{doc.created}: load {before[0]} before the run, {share}"


def project_identity(path: Path) -> ProjectIdentity:
    """What a results document records about the project it measured: the package name (the
    folder name when package.json has none) and the folder. Two checkouts of one project in
    different folders are the same project."""
    name = ""
    try:
        data = json.loads((path / "package.json").read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            name = data["name"]
    except (OSError, ValueError):
        pass
    return ProjectIdentity(name=name or path.resolve().name, path=str(path.resolve()))


def project_of(doc: ResultsDocument) -> ProjectIdentity | None:
    proj = doc.settings.project
    return proj if proj and proj.name else None


def _project_text(proj: ProjectIdentity) -> str:
    return f"'{proj.name}' ({proj.path or '?'})"


def _key(m: Measurement) -> tuple[str, str, str, str]:
    return (m.suite, m.case, m.metric, m.contestant)


def _usable(m: Measurement) -> bool:
    return m.valid and len(m.samples) >= 2


def compare_docs(
    base: ResultsDocument,
    new: ResultsDocument,
    fail_on: float = DEFAULT_FAIL_ON,
    threshold: float = stats.DEFAULT_THRESHOLD,
    force: bool = False,
    metrics: tuple[str, ...] = (),
) -> DocComparison:
    for doc, which in ((base, "BASE"), (new, "NEW")):
        if doc.machines:
            raise NotComparableError(
                f"{which} is a merged document of {len(doc.machines)} machines: compare one "
                "machine's document at a time",
                hint="bakeoff run --cluster writes each machine's document under "
                "machines/LABEL/results.json",
            )
    diffs = fingerprint.differences(fingerprint.of(base), fingerprint.of(new))
    b_proj, n_proj = project_of(base), project_of(new)
    if b_proj and n_proj and b_proj.name != n_proj.name:
        if not force:
            raise NotComparableError(
                f"different projects: base measured {_project_text(b_proj)}, "
                f"new measured {_project_text(n_proj)}",
                hint="compare two runs of the same project, or pass --force to compare anyway",
            )
        diffs.append(Difference("project", _project_text(b_proj), _project_text(n_proj), True))
    elif bool(b_proj) != bool(n_proj):
        diffs.append(
            Difference(
                "project",
                _project_text(b_proj) if b_proj else "not recorded",
                _project_text(n_proj) if n_proj else "not recorded",
                False,
            )
        )
    blocking = [d for d in diffs if d.matters]
    if blocking and not force:
        raise NotComparableError(
            "results are not comparable: " + "; ".join(str(d) for d in blocking),
            hint="measure both on the same machine with the same runtime builds, "
            "or pass --force to compare anyway",
        )
    b_index = {_key(m): m for m in base.measurements if _usable(m)}
    n_index = {_key(m): m for m in new.measurements if _usable(m)}
    keys = [k for k in b_index if k in n_index and (not metrics or k[2] in metrics)]
    raw: list[tuple[tuple[str, str, str, str], float, float, float, float]] = []
    for k in keys:
        ratio, lo, hi = stats.ratio_ci(b_index[k].samples, n_index[k].samples)
        p = stats.mann_whitney_p(b_index[k].samples, n_index[k].samples)
        raw.append((k, ratio, lo, hi, p))
    adjusted = stats.holm([r[4] for r in raw])
    pairs: list[Pair] = []
    for (k, ratio, lo, hi, _), p_adj in zip(raw, adjusted, strict=True):
        bm, nm = b_index[k], n_index[k]
        verdict, reason = stats.verdict(ratio, lo, hi, p_adj, nm.lower_is_better, threshold)
        worse_by = (ratio - 1) if nm.lower_is_better else (1 - ratio)
        mde = stats.mde(lo, hi, threshold)
        pairs.append(
            Pair(
                suite=k[0],
                case=k[1],
                metric=k[2],
                contestant=k[3],
                unit=nm.unit,
                base_median=statistics.median(bm.samples),
                new_median=statistics.median(nm.samples),
                ratio=ratio,
                ci=(lo, hi) if math.isfinite(lo) else None,
                p_adjusted=p_adj,
                verdict=verdict,
                reason=reason,
                mde=mde if math.isfinite(mde) else None,
                regression=verdict == "worse" and worse_by > fail_on,
            )
        )
    return DocComparison(
        pairs=pairs,
        differences=diffs,
        fail_on=fail_on,
        only_in_base=sorted(" · ".join(k) for k in b_index if k not in n_index),
        only_in_new=sorted(" · ".join(k) for k in n_index if k not in b_index),
    )
