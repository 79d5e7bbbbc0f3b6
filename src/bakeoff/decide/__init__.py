"""Decide where each runtime fits: per surface (service runtime, package manager, test runner,
bundler, packaging) one of adopt / hybrid / trial / hold, with the evidence (effect with CI,
blockers, dollars or hours) and the rule that produced it. Inconclusive evidence says so and
says what would settle it. The rules are listed in ``RULES`` and in the README.

``fill(doc, usage, prices)`` computes ``doc.cost`` (bakeoff.value) and ``doc.decision``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from bakeoff.config import prices as pricebook_mod
from bakeoff.config.prices import PriceBook
from bakeoff.plan import primary as primary_mod
from bakeoff.results import Comparison, Measurement, ResultsDocument, money
from bakeoff.results.suites import PackageBuildInfo
from bakeoff.results.tails import failure_line
from bakeoff.value import model
from bakeoff.value.migration import FAILING, project_areas
from bakeoff.value.usage import Usage, ValueConfig, preset, resolve

Decision = Literal["adopt", "hybrid", "trial", "hold"]
ORDER: dict[str, int] = {"adopt": 0, "hybrid": 1, "trial": 2, "hold": 3}

SURFACES: dict[str, str] = {
    "service_runtime": "service runtime",
    "package_manager": "package manager",
    "test_runner": "test runner",
    "bundler": "bundler",
    "packaging": "packaging",
}

# Documents without a declared primary family (written before it existed): the evidence per
# surface, most decisive first; "*" = any case, "@rate" = the serve rate the cost model used.
# A document with a family decides on its primary comparisons only (bakeoff.plan.primary).
EVIDENCE: dict[str, list[tuple[str, str, str]]] = {
    "service_runtime": [
        ("serve", "@rate", "cpu_ms_per_1k_req"),
    ],
    "package_manager": [
        ("install", "cold-lockfile", "wall_s"),
        ("install", "cold", "wall_s"),
        ("install", "warm-cache", "wall_s"),
    ],
    "test_runner": [("test", "*", "wall_s")],
    "bundler": [("build", "*", "wall_s")],
}

# Compat areas (by keyword) that block a surface; every other area blocks the service runtime.
AREA_KEYWORDS: dict[str, tuple[str, ...]] = {
    "package_manager": ("install", "lockfile", "registry", "package-manager", "package_manager"),
    "test_runner": ("test",),
    "bundler": ("bundle", "build"),
    "packaging": ("packaging", "sea", "executable", "compile", "single-file"),
}

# Which developer-wait lines a tooling surface is worth (CI waiting counts for none alone).
WAIT_LINES: dict[str, str] = {
    "package_manager": "local installs",
    "test_runner": "local test runs",
    "bundler": "local builds",
}

RULES: dict[str, str] = {
    "not-measured": "hold — the surface was not measured for this contestant; run its suite",
    "failed": "hold — the surface's suite ran but produced no valid measurement for this "
    "contestant (or the baseline): it failed, or every repetition was invalid; the reason is "
    "shown; nothing can be decided on it",
    "cut": "hold — the time budget ran out before the primary endpoint had the runs a "
    "comparison needs (nothing failed), or before its suite started; run without --quick or "
    "raise --budget",
    "worse": "hold — the primary endpoint is worse than the baseline (its repeated CI lies "
    "wholly beyond the practical band)",
    "inconclusive": "hold — the primary endpoint did not settle within the budget: its CI "
    "overlaps the practical band; the runs that would settle it are named",
    "no-difference": "hold — no measurable benefit (the primary endpoint's CI lies inside the "
    "practical band, or, without a primary, includes no change); switching costs effort for "
    "nothing",
    "guardrail-failed": "hold — service runtime better on CPU but a guard-rail (p99 latency or "
    "steady RSS at the reference rate) is worse than its non-inferiority margin",
    "guardrail-unknown": "trial — service runtime better and pays back, but a guard-rail (p99 "
    "latency or steady RSS) could not be shown within its margin: check it in a trial",
    "blocked": "trial — better (and, for the service runtime, pays back) but compat checks or "
    "project tests fail in this surface: fix or work around them in a trial before deciding",
    "cost-unknown": "hold — service runtime better but its cost could not be priced (a serve "
    "measurement or a price is missing): inconclusive until it is",
    "pays-back": "adopt — service runtime better, guard-rails met, no blockers, and the "
    "migration pays back within migration.payback_limit_months",
    "slow-payback": "trial — service runtime better but payback is longer than the limit (up to "
    "3×): worth a trial, not a migration now",
    "not-worth-it": "hold — service runtime better but no cash saving or payback beyond 3× the "
    "limit: not worth migrating now",
    "tooling-follows-runtime": "adopt — a tool surface is better and the same runtime is adopted "
    "as the service runtime",
    "hybrid": "hybrid — a tool surface is better with no blockers while production stays on the "
    "baseline: use the candidate for this surface only",
    "packaging-works": "trial — the single-file build works (and prints what the script prints) "
    "or every packaging check passes, but its start-up is not measurably better",
    "packaging-faster": "adopt — the single-file build works and its binary starts measurably "
    "faster than the baseline's (the primary endpoint's CI lies below the practical band)",
    "packaging-fails": "hold — packaging checks fail that pass for the baseline",
}


def family(name: str) -> str:
    """The runtime a contestant name refers to (``bun@1.4`` → bun, ``bun+node`` → bun)."""
    return name.split("+")[0].split("@")[0]


def _surface_of(area: str) -> str:
    a = area.lower()
    for surface, words in AREA_KEYWORDS.items():
        if any(w in a for w in words):
            return surface
    return "service_runtime"


def blockers(
    doc: ResultsDocument, who: str, base: str, surface: str, areas: list[str] | None = None
) -> list[str]:
    """Failing compat checks (that pass for the baseline) in this surface's areas — only the
    areas the project uses when ``areas`` is given — and, for the service runtime and test
    runner, project tests that fail under ``who``."""
    bad_base = {
        (c.area, c.check) for c in doc.compat if c.contestant == base and c.status in FAILING
    }
    out = [
        f"{c.area}: {c.check} ({c.status})"
        for c in doc.compat
        if c.contestant == who
        and c.status in FAILING
        and (c.area, c.check) not in bad_base
        and _surface_of(c.area) == surface
        and (areas is None or c.area in areas)
    ]
    if surface in ("test_runner", "service_runtime") and doc.cost:
        mig = doc.cost.migration.get(who)
        n = mig.failing_tests if mig else 0
        if n:
            out.append(f"{n} project test(s) fail under {who}")
    return out


def _comparison(
    doc: ResultsDocument, who: str, surface: str, rate: str | None
) -> Comparison | None:
    """The comparison that decides ``surface`` for ``who``: its primary comparison when the
    document declared a primary family, else the first evidence found (older documents)."""
    comps = [c for c in doc.comparisons if c.contestant == who]
    if doc.settings.primary is not None:
        return next((c for c in comps if c.role == "primary" and c.surface == surface), None)
    for suite, case, metric in EVIDENCE.get(surface, []):
        want = rate if case == "@rate" else case
        for c in comps:
            if c.suite == suite and c.metric == metric and (case == "*" or c.case == want):
                return c
    return None


def _effect(comp: Comparison) -> dict[str, Any]:
    return {
        "suite": comp.suite,
        "case": comp.case,
        "metric": comp.metric,
        "ratio": comp.ratio,
        "ci": comp.ci,
        "verdict": comp.verdict,
        "reason": comp.reason,
        "text": f"{comp.suite} · {comp.case} · {comp.metric}: "
        + (f"ratio {comp.ratio:.3f}" if comp.ratio is not None else "no ratio")
        + (f" ({comp.ci_name} {comp.ci[0]:.3f}–{comp.ci[1]:.3f})" if comp.ci else "")
        + f", {'equivalent' if comp.role == 'primary' and comp.verdict == 'same' else comp.verdict}"
        + (f" after {comp.n} runs" if comp.role == "primary" and comp.n else ""),
    }


# The knob that bounds each suite's deciding case (bakeoff.toml key, and the CLI option).
KNOBS: dict[str, str] = {
    "serve": "[serve] reps",
    "install": "[install] reps",
    "test": "[test] reps",
    "build": "[build] reps",
    "package": "the compat suite's packaging runs",
}


def _settle(doc: ResultsDocument, comp: Comparison | None, surface: str) -> str:
    """What would settle an undecided surface, naming knobs that exist."""
    if comp is None or comp.ratio is None:
        suite = _suite_of(surface)
        return f"enable the {suite} suite (run `bakeoff run --suite {suite}`) for this contestant"
    knob = KNOBS.get(comp.suite, "--max-runs")
    quick = doc.settings.quick
    where = "run without --quick, " if quick else ""
    if comp.runs_to_settle:
        return (
            f"about {comp.runs_to_settle} runs per contestant would settle it: {where}raise "
            f"{knob} in bakeoff.toml to at least {comp.runs_to_settle} and give it time "
            "(--budget)"
        )
    if comp.mde is not None:
        return (
            f"the effect is inside what this run could resolve (±{comp.mde:.0%}); {where}raise "
            f"{knob} and --budget, or run on a quieter machine"
        )
    return f"{where}raise {knob} and --budget"


def _suite_of(surface: str) -> str:
    if surface == "packaging":
        return "compat"
    return EVIDENCE.get(surface, [("compat", "", "")])[0][0]


_BUDGET_WORDS = ("stopped by budget", "time budget")


def _budget_cut(doc: ResultsDocument, comp: Comparison | None, who: str, surface: str) -> str:
    """When the surface's endpoint has too few runs only because the time budget ran out — for
    the candidate and the baseline, nothing failed, or its suite never started — that, with
    what each got ("too few runs … (bun: 1 run, node: 0 runs)"); else an empty string."""
    e = primary_mod.ENDPOINTS.get(surface)
    if e is None:
        return ""
    case = comp.case if comp is not None else _declared_case(doc, surface, who, e.case)
    info = doc.suites.get(e.suite)
    if case.startswith("@"):  # the serve suite's reference rate
        case = str(getattr(info, "reference_case", None) or case)
    suite_cut = "time budget" in str(getattr(info, "cut", None) or "")
    if suite_cut and not any(m.suite == e.suite for m in doc.measurements):
        return f"the time budget was spent before the {e.suite} suite started"
    got: list[str] = []
    for name in dict.fromkeys((who, doc.settings.baseline or who)):
        mine = [
            m
            for m in doc.measurements
            if m.suite == e.suite
            and m.contestant == name
            and m.metric == e.metric
            and m.case == case
        ]
        if not mine or not all(m.valid or _budget_only(m, suite_cut) for m in mine):
            return ""
        runs = max(len(m.samples) for m in mine)
        got.append(f"{name}: {runs} run{'s' if runs != 1 else ''}")
    return f"too few runs when the time budget ran out ({', '.join(got)})"


def _declared_case(doc: ResultsDocument, surface: str, who: str, default: str) -> str:
    """The case the evaluation declared for ``who``'s endpoint on ``surface`` (the install
    suite declares the cold state for a project without lockfiles), else ``default``."""
    plan = doc.settings.primary
    for p in plan.family if plan is not None else []:
        if p.surface == surface and p.contestant == who and p.case:
            return p.case
    return default


_TOO_FEW = re.compile(r"^only \d+ (valid )?(repetition|run)s?\b")


def _budget_only(m: Measurement, suite_cut: bool) -> bool:
    """Whether an invalid measurement is invalid only for want of runs the budget did not
    leave time for: no failure, and its notes name the budget — or only say "only N valid
    repetitions" in a suite the budget cut."""
    if any(not any(w in f.reason for w in _BUDGET_WORDS) for f in m.failures):
        return False
    if any(w in n for n in m.notes for w in _BUDGET_WORDS):
        return True
    return suite_cut and bool(m.notes) and all(_TOO_FEW.match(n) for n in m.notes)


def _failure_of(doc: ResultsDocument, comp: Comparison | None, who: str, surface: str) -> str:
    """Why the surface's suite produced nothing to compare, when it ran and failed (an empty
    string when it did not run at all)."""
    e = primary_mod.ENDPOINTS.get(surface)
    if e is None:
        return ""
    case = comp.case if comp is not None else _declared_case(doc, surface, who, e.case)
    for name in (who, doc.settings.baseline):
        mine = [m for m in doc.measurements if m.suite == e.suite and m.contestant == name]
        # the endpoint itself first, then anything of the suite that failed with a reason
        # (a server that never became ready has failures on its time-to-ready, not on CPU)
        mine.sort(key=lambda m: (m.metric != e.metric, m.case != case, not m.failures))
        for m in mine:
            if not m.valid and (m.failures or m.notes):
                # the reason and the output line naming its cause ("exports is not defined")
                cause = failure_line(m.failures[-1]) if m.failures else "; ".join(m.notes[:2])
                return f"{name}: {cause}"
            if m.failures and m.metric == "ready_ms" and not m.samples:
                return f"{name}: {failure_line(m.failures[-1])}"
    info = doc.suites.get(e.suite)
    skipped = info.skipped if info else None
    return f"{e.suite} suite skipped: {skipped}" if skipped else ""


def _money(doc: ResultsDocument, who: str, surface: str) -> dict[str, Any]:
    cost = doc.cost
    out: dict[str, Any] = {}
    if cost is None:
        return out
    sav = cost.savings.get(who)
    mig = cost.migration.get(who)
    if surface == "service_runtime":
        if sav:
            out["monthly_saving"] = sav.cash.model_dump()
        if mig:
            out["migration_cost"] = mig.cost
            out["payback_months"] = mig.payback_months
            out["statement"] = mig.statement
    elif surface in WAIT_LINES:
        per = cost.contestants
        base = cost.baseline

        def hours(name: str) -> float | None:
            mine = per.get(name)
            found = [x for x in (mine.lines if mine else []) if x.name == WAIT_LINES[surface]]
            return found[0].hours if found else None

        hb, hc = hours(base), hours(who)
        if hb is not None and hc is not None:
            out["hours_saved_per_month"] = hb - hc
    return out


def _candidate(
    doc: ResultsDocument,
    who: str,
    base: str,
    surface: str,
    rate: str | None,
    service: dict[str, str],
    limit: float,
    areas: list[str] | None = None,
) -> dict[str, Any]:
    blocks = blockers(doc, who, base, surface, areas)
    money = _money(doc, who, surface)
    res: dict[str, Any] = {
        "contestant": who,
        "blockers": blocks,
        "dollars": money,
        "inconclusive": False,
        "settle": "",
    }
    if surface == "packaging":
        checks = [
            c for c in doc.compat if c.contestant == who and _surface_of(c.area) == "packaging"
        ]
        built = _packaging_build(doc, who)
        if built is not None:
            return _packaging_decision(doc, res, who, base, built)
        if not checks:
            return {
                **res,
                "decision": "hold",
                "rule": "not-measured",
                "inconclusive": True,
                "settle": "enable packaging in the compat suite (a CLI entry to package)",
                "effect": None,
            }
        rule = "packaging-fails" if blocks else "packaging-works"
        return {
            **res,
            "decision": "hold" if blocks else "trial",
            "rule": rule,
            "effect": {
                "text": f"{sum(c.status == 'pass' for c in checks)}/{len(checks)} "
                "packaging checks pass"
            },
        }
    comp = _comparison(doc, who, surface, rate)
    res["effect"] = _effect(comp) if comp else None
    if comp is None or comp.ratio is None:
        cut = _budget_cut(doc, comp, who, surface)
        if cut:
            where = "run without --quick" if doc.settings.quick else "raise --budget"
            return {
                **res,
                "decision": "hold",
                "rule": "cut",
                "inconclusive": True,
                "settle": f"{where} to give it the runs a comparison needs",
                "failure": cut,
            }
        failed = _failure_of(doc, comp, who, surface)
        if failed:
            return {**res, "decision": "hold", "rule": "failed", "failure": failed}
        return {
            **res,
            "decision": "hold",
            "rule": "not-measured",
            "inconclusive": True,
            "settle": _settle(doc, comp, surface),
        }
    if comp.verdict == "worse":
        return {**res, "decision": "hold", "rule": "worse"}
    if comp.verdict == "inconclusive":
        return {
            **res,
            "decision": "hold",
            "rule": "inconclusive",
            "inconclusive": True,
            "settle": _settle(doc, comp, surface),
        }
    if comp.verdict == "same":
        return {**res, "decision": "hold", "rule": "no-difference"}
    if surface == "service_runtime":
        guards = _guardrails(doc, who, comp.case)
        res["guardrails"] = [g["text"] for g in guards]
        if any(g["met"] is False for g in guards):
            return {**res, "decision": "hold", "rule": "guardrail-failed"}
        pb = money.get("payback_months")
        if (money.get("monthly_saving") or {}).get("monthly") is None:
            return {
                **res,
                "decision": "hold",
                "rule": "cost-unknown",
                "inconclusive": True,
                "settle": "run the serve suite (CPU per request, RSS) so the cloud cost can be "
                "priced, or add the missing prices under [value.prices]",
            }
        if pb is None or pb > 3 * limit:
            return {**res, "decision": "hold", "rule": "not-worth-it"}
        if pb > limit:
            return {**res, "decision": "trial", "rule": "slow-payback"}
        if blocks:
            return {**res, "decision": "trial", "rule": "blocked"}
        if any(g["met"] is None for g in guards):
            return {**res, "decision": "trial", "rule": "guardrail-unknown"}
        return {**res, "decision": "adopt", "rule": "pays-back"}
    if blocks:
        return {**res, "decision": "trial", "rule": "blocked"}
    if service.get(family(who)) == "adopt" and "+" not in who:
        return {**res, "decision": "adopt", "rule": "tooling-follows-runtime"}
    return {**res, "decision": "hybrid", "rule": "hybrid"}


def _guardrails(doc: ResultsDocument, who: str, case: str) -> list[dict[str, Any]]:
    """The service runtime's guard-rails for ``who`` at the reference case: met (True),
    failed (False) or unknown (None), each with a line of evidence."""
    out = []
    for c in doc.comparisons:
        if c.role != "guardrail" or c.contestant != who or c.case != case:
            continue
        ci = f" (95% CI {c.ci[0]:.3f}–{c.ci[1]:.3f})" if c.ci else ""
        state = {True: "within", False: "beyond", None: "not shown within"}[c.noninferior]
        margin = f"+{(c.margin or 0):.0%}"
        ratio = f"ratio {c.ratio:.3f}" if c.ratio is not None else "no ratio"
        out.append(
            {
                "metric": c.metric,
                "met": c.noninferior,
                "text": f"{c.metric}: {ratio}{ci}, {state} the {margin} margin",
            }
        )
    return out


def _reason(surface: str, c: dict[str, Any], base: str) -> str:
    who, rule = c["contestant"], c["rule"]
    label = SURFACES[surface]
    eff = (c.get("effect") or {}).get("text", "")
    hours = (c.get("dollars") or {}).get("hours_saved_per_month")
    if hours is not None:
        eff += f"; {hours:,.1f} h/month less waiting"
    if c.get("guardrails"):
        eff += "; guard-rails: " + "; ".join(c["guardrails"])
    if c["decision"] == "hybrid":
        return f"use {who} as {label}, keep {base} in production — {eff}"
    if rule == "failed":
        return f"{who} as {label}: could not be decided — no valid measurement: {c['failure']}"
    if rule == "not-measured":
        return f"{who} as {label}: not measured — {c['settle']}"
    if rule == "cut":
        return f"{who} as {label}: not decided — {c['failure']}; {c['settle']}"
    if rule == "worse":
        return f"{who} as {label}: worse than {base} — {eff}"
    if c["inconclusive"]:
        return f"{who} as {label}: inconclusive — {eff}; {c['settle']}"
    return f"{who} as {label}: {RULES[rule].split(' — ', 1)[1]}" + (f" — {eff}" if eff else "")


def decide(doc: ResultsDocument, usage: Usage) -> money.Decision:
    """The ``decision`` section of ``doc`` (typed, validated strictly)."""
    names = [c.name for c in doc.contestants]
    cost = doc.cost
    base = (cost.baseline if cost else None) or doc.settings.baseline or (names[0] if names else "")
    rate = cost.rate_case if cost else None
    limit = usage.migration.payback_limit_months
    surfaces: list[dict[str, Any]] = []
    service: dict[str, str] = {}
    skipped: list[dict[str, str]] = []
    for surface, label in SURFACES.items():
        if not _evaluated(doc, surface):
            skipped.append({"surface": surface, "label": label, "suite": _suite_of(surface)})
            continue
        cands = [
            _candidate(
                doc,
                w,
                base,
                surface,
                rate,
                service,
                limit,
                project_areas(doc, usage.migration.areas),
            )
            for w in names
            if w != base
        ]
        if surface == "service_runtime":
            service = {family(c["contestant"]): c["decision"] for c in cands}

        def rank(c: dict[str, Any]) -> tuple[int, float]:
            eff = c.get("effect") or {}
            ratio = eff.get("ratio")
            return ORDER[c["decision"]], float(ratio) if isinstance(ratio, int | float) else 9.9

        best = min(cands, key=rank) if cands else None
        entry: dict[str, Any] = {
            "surface": surface,
            "label": label,
            "endpoint": primary_mod.ENDPOINTS[surface].text,
            "candidates": cands,
        }
        if best is None:
            entry.update(
                decision="hold",
                contestant=base,
                rule="not-measured",
                inconclusive=True,
                reason="only one contestant: nothing to compare",
                settle="add a contestant",
            )
        else:
            entry.update(
                decision=best["decision"],
                contestant=best["contestant"],
                rule=best["rule"],
                inconclusive=best["inconclusive"],
                settle=best["settle"],
                reason=_reason(surface, best, base),
                effect=best.get("effect"),
                blockers=best["blockers"],
                dollars=best["dollars"],
            )
        surfaces.append(entry)
    raw = {"baseline": base, "surfaces": surfaces, "not_evaluated": skipped, "rules": RULES}
    return money.Decision.model_validate(raw)


def _evaluated(doc: ResultsDocument, surface: str) -> bool:
    """Whether this run set out to decide ``surface``: it declared primaries for it, or (a
    document without a declared family) measured anything of its suite. A surface no suite of
    the run looked at is listed once as not evaluated, not as five "hold" rows."""
    plan = doc.settings.primary
    if plan is None:
        return True
    if any(p.surface == surface for p in plan.family):
        return True
    suite = primary_mod.ENDPOINTS[surface].suite
    if any(m.suite == suite for m in doc.measurements):
        return True
    return surface == "packaging" and any(_surface_of(c.area) == surface for c in doc.compat)


def stored_value(doc: ResultsDocument) -> tuple[Usage | ValueConfig, str]:
    """The usage (and price overrides) a document was priced with, so re-rendering a saved
    file gives the same dollars in any folder; and where it came from, to say so."""
    raw = doc.settings.value
    if raw is not None:
        return ValueConfig.model_validate(raw), "the usage stored in the results file"
    if doc.cost is not None and doc.cost.usage:
        return Usage.model_validate(doc.cost.usage), "the usage stored in the results file"
    return preset("medium"), "the medium usage preset (the results file stores no usage)"


def fill(
    doc: ResultsDocument, usage: Usage | ValueConfig | None = None, prices: PriceBook | None = None
) -> None:
    """Compute ``doc.cost`` and ``doc.decision`` in place (after ``analyze``). ``usage``
    defaults to the medium preset, ``prices`` to the shipped price book (a ``ValueConfig``
    brings its own price overrides). Price warnings are added to ``doc.warnings``."""
    if isinstance(usage, ValueConfig):
        if prices is None:
            prices = pricebook_mod.load(usage.prices)
        usage = resolve(usage)
    usage = usage or preset("medium")
    prices = prices or pricebook_mod.load()
    doc.cost = model.compute(doc, usage, prices)
    doc.decision = decide(doc, usage)
    for w in doc.cost.warnings:
        if w not in doc.warnings:
            doc.warnings.append(w)


def _packaging_build(doc: ResultsDocument, who: str) -> PackageBuildInfo | None:
    """The compat suite's single-file build for ``who`` (None when it was not attempted)."""
    compat = doc.suites.compat
    builds = compat.packaging.builds if compat and compat.packaging else []
    return next((b for b in builds if b.contestant == who), None)


def _packaging_decision(
    doc: ResultsDocument, res: dict[str, Any], who: str, base: str, built: PackageBuildInfo
) -> dict[str, Any]:
    """Packaging from the single-file build: it must build and print what the script prints;
    then the binary's start-up against the baseline's decides between trial and adopt."""
    if not built.ok or not built.same_output:
        return {
            **res,
            "decision": "hold",
            "rule": "packaging-fails",
            "blockers": [*res["blockers"], built.detail or "single-file build failed"],
            "effect": {"text": built.detail},
        }
    comp = next(
        (
            c
            for c in doc.comparisons
            if c.suite == "package"
            and c.metric == "wall_ms"
            and c.contestant == who
            and c.baseline == base
        ),
        None,
    )
    text = (
        f"{built.method}: {built.binary_mb} MB binary, "
        f"built in {built.build_s} s, same output as the script"
    )
    if comp is not None and comp.verdict == "better" and comp.ratio is not None:
        return {
            **res,
            "decision": "adopt",
            "rule": "packaging-faster",
            "effect": {**_effect(comp), "text": text + "; " + str(_effect(comp).get("text", ""))},
        }
    return {**res, "decision": "trial", "rule": "packaging-works", "effect": {"text": text}}


__all__ = ["RULES", "SURFACES", "decide", "fill"]
