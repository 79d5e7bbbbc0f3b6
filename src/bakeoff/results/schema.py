"""The results document's schema version, its history, and the upgrade of older minor versions.

The version is ``bakeoff/MAJOR.MINOR``. A minor version keeps every field's meaning; the loader
reads every older minor of its major by upgrading the raw JSON step by step (``upgrade``), and a
newer minor by ignoring the fields it does not know (``bakeoff.results.base``). Another major is
refused. Renames are done here, never silently in a reader.

Format history (as pyperf's ``_bench.py`` keeps it):

* 1.0 — ``"bakeoff/1"``: every file written before the schema had a minor version. Settings,
  environment, suites, cost, decision, fingerprint and measurement noise were free-form
  objects; models accepted any extra field.
* 1.1 — every section typed (``docs/results-schema.md``, generated from the models); writing
  rejects unknown fields, reading a newer minor ignores them. One metric name per concept:
  the serve suite's ``rss_peak_mb`` (metric, phase field, MDE key, cost reference) is
  ``peak_rss_mb``, as the startup and dev-loop suites have it. Maps whose keys were runner or
  contestant names beside fixed keys now keep those under their own key: a parity row's
  classes under ``status`` (was one key per runner beside ``file``/``test``/``why``), the serve
  correctness report's verdicts under ``contestants``, a compat identity script row's under
  ``contestants``. An empty ``noise`` or ``fingerprint`` (``{}``) is ``null``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bakeoff.errors import ResultsError

MAJOR = 1
MINOR = 1
SCHEMA = f"bakeoff/{MAJOR}.{MINOR}"

_VERSION = re.compile(r"^bakeoff/(\d+)(?:\.(\d+))?$")

Raw = dict[str, Any]


def version_of(schema: object) -> tuple[int, int] | None:
    """``"bakeoff/1"`` → (1, 0), ``"bakeoff/1.3"`` → (1, 3); None for anything else."""
    m = _VERSION.match(schema) if isinstance(schema, str) else None
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def check(schema: object, where: str) -> tuple[int, int]:
    """The version of a document of this major, or a ResultsError saying why not."""
    version = version_of(schema)
    if version is None:
        raise ResultsError(
            f"{where} is not a bakeoff results document (schema {schema!r}, expected {SCHEMA!r})"
        )
    if version[0] != MAJOR:
        raise ResultsError(
            f"{where} has schema {schema}, of another major than this bakeoff's {SCHEMA}: "
            "it cannot be read"
        )
    return version


# -- 1.0 → 1.1 --------------------------------------------------------------------------------
_OLD_PEAK, _PEAK = "rss_peak_mb", "peak_rss_mb"


def _peak(suite: object, metric: object) -> object:
    return _PEAK if suite == "serve" and metric == _OLD_PEAK else metric


def _rows_1_1(rows: object, fixed: tuple[str, ...], into: str) -> object:
    """Rows whose keys beside ``fixed`` are runner or contestant names: those under ``into``."""
    if not isinstance(rows, list):
        return rows
    out = []
    for row in rows:
        if isinstance(row, dict) and into not in row:
            named = {k: v for k, v in row.items() if k not in fixed}
            row = {k: v for k, v in row.items() if k in fixed} | {into: named}
        out.append(row)
    return out


def _parity_1_1(section: object) -> None:
    if not isinstance(section, dict):
        return
    parity = section.get("parity")
    if isinstance(parity, dict):
        for key in ("rows", "diff"):
            if key in parity:
                parity[key] = _rows_1_1(parity[key], ("file", "test", "why"), "status")


def _serve_1_1(serve: dict[str, Any]) -> None:
    for cases in (serve.get("phases") or {}).values():
        for phases in cases.values() if isinstance(cases, dict) else []:
            for p in phases if isinstance(phases, list) else []:
                if isinstance(p, dict) and _OLD_PEAK in p:
                    p[_PEAK] = p.pop(_OLD_PEAK)
    for metrics in (serve.get("mde") or {}).values():
        if isinstance(metrics, dict) and _OLD_PEAK in metrics:
            metrics[_PEAK] = metrics.pop(_OLD_PEAK)
    corr = serve.get("correctness")
    if isinstance(corr, dict) and "contestants" not in corr:
        fixed = ("checked", "why", "reference", "compare", "reference_errors")
        named = {k: v for k, v in corr.items() if k not in fixed}
        serve["correctness"] = {k: v for k, v in corr.items() if k in fixed} | {
            "contestants": named
        }


def _effect_1_1(effect: object) -> None:
    if isinstance(effect, dict):
        effect["metric"] = _peak(effect.get("suite"), effect.get("metric"))


def _from_1_0(raw: Raw) -> None:
    for key in ("measurements", "comparisons"):
        for m in raw.get(key) or []:
            if isinstance(m, dict):
                m["metric"] = _peak(m.get("suite"), m.get("metric"))
                if m.get("noise") == {}:
                    m["noise"] = None
    if raw.get("fingerprint") == {}:
        raw["fingerprint"] = None
    suites = raw.get("suites")
    if isinstance(suites, dict):
        if isinstance(suites.get("serve"), dict):
            _serve_1_1(suites["serve"])
        _parity_1_1(suites.get("test"))
        compat = suites.get("compat")
        if isinstance(compat, dict):
            _parity_1_1(compat.get("project_tests"))
            ident = compat.get("identity")
            if isinstance(ident, dict) and "scripts" in ident:
                fixed = ("script", "bin", "interpreter", "command")
                ident["scripts"] = _rows_1_1(ident["scripts"], fixed, "contestants")
        aa = suites.get("aa")
        for c in (aa.get("cases") or []) if isinstance(aa, dict) else []:
            if isinstance(c, dict):
                c["metric"] = _peak(c.get("suite"), c.get("metric"))
    cost = raw.get("cost")
    if isinstance(cost, dict):
        for per in (cost.get("contestants") or {}).values():
            for line in (per.get("lines") or []) if isinstance(per, dict) else []:
                for ref in (line.get("refs") or []) if isinstance(line, dict) else []:
                    if isinstance(ref, dict):
                        ref["metric"] = _peak(ref.get("suite"), ref.get("metric"))
    decision = raw.get("decision")
    if isinstance(decision, dict):
        for s in decision.get("surfaces") or []:
            if isinstance(s, dict):
                _effect_1_1(s.get("effect"))
                for c in s.get("candidates") or []:
                    if isinstance(c, dict):
                        _effect_1_1(c.get("effect"))
    cross = raw.get("cross_machine")
    if isinstance(cross, dict):
        for c in cross.get("comparisons") or []:
            if isinstance(c, dict):
                c["metric"] = _peak(c.get("suite"), c.get("metric"))


# minor version → the step that upgrades a document of that minor to the next one
UPGRADES: dict[int, Callable[[Raw], None]] = {0: _from_1_0}


def upgrade(raw: Raw, where: str) -> tuple[int, int]:
    """Upgrade ``raw`` (a document of this major, parsed JSON) in place to this version, its
    machines' documents too; returns the version it was written with."""
    version = check(raw.get("schema"), where)
    for minor in range(version[1], MINOR):
        UPGRADES[minor](raw)
    for run in raw.get("machines") or []:
        if isinstance(run, dict) and isinstance(run.get("document"), dict):
            upgrade(run["document"], where)
    raw["schema"] = SCHEMA
    return version
