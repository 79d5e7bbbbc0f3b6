"""Properties of the probe suite itself, read statically from the area scripts: its size, that
checks exercise behaviour (existence-only checks are labelled and at most 2%), that every name
says what behaviour it checks, that known bugs cite a public source, that the fixtures look like
real projects, and that docs/compat.md covers every area."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bakeoff.compat.probes import (
    AREAS_DIR,
    PROBES_DIR,
    Declared,
    all_areas,
    declared,
    node_args,
    probe_argv,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "compat.md"
ALL = {a: declared(AREAS_DIR / f"{a}.mjs") for a in all_areas()}
CHECKS = [(a, d) for a, ds in ALL.items() for d in ds]

# Helpers and built-ins whose calls do not exercise the API under test.
_NOT_BEHAVIOUR = {
    "check", "ok", "eq", "deepEq", "type", "isFn", "throws", "throwsAsync", "code", "stub",
    "String", "Number", "Boolean", "Array", "Object", "JSON", "Symbol", "includes", "every",
    "some", "startsWith", "endsWith", "test", "keys", "isArray", "is", "push", "join", "map",
}  # fmt: skip
_CALL = re.compile(
    r"\bnew\s+[A-Za-z_$]|(?<![\w$])([A-Za-z_$][\w$]*)\s*\(|\.\s*([A-Za-z_$][\w$]*)\s*\(|\bawait\b"
)
_STRINGS = re.compile(r"""(["'`])(?:\\.|(?!\1).)*\1""")
_EXISTENCE = re.compile(r"""typeof\s+[^=;]+?===?\s*["'](?:function|object|symbol)["']|\bisFn\(""")


def looks_existence_only(d: Declared) -> bool:
    """A check whose body tests only that something exists (typeof ... === "function" or isFn)
    and calls nothing of the API under test."""
    raw = d.source.split(",", 1)[1] if "," in d.source else d.source
    body = _STRINGS.sub('""', raw)
    calls = [
        m.group(0) if (m.group(1) or m.group(2)) is None else (m.group(1) or m.group(2))
        for m in _CALL.finditer(body)
    ]
    calls = [c for c in calls if c not in _NOT_BEHAVIOUR]
    return not calls and bool(_EXISTENCE.search(raw))


def test_suite_size() -> None:
    assert len(ALL) >= 45, f"{len(ALL)} areas"
    assert len(CHECKS) >= 850, f"{len(CHECKS)} checks"
    for area, ds in ALL.items():
        names = [d.name for d in ds]
        assert len(names) >= 5, f"area {area} has only {len(names)} checks"
        assert len(names) == len(set(names)), f"duplicate check names in {area}"


def test_existence_only_checks_are_labelled_and_at_most_two_percent() -> None:
    unlabelled = [
        f"{a}: {d.name}" for a, d in CHECKS if looks_existence_only(d) and not d.existence
    ]
    assert not unlabelled, "existence-only checks must call the API or carry an existence label"
    labelled = [d for _, d in CHECKS if d.existence]
    assert len(labelled) <= 0.02 * len(CHECKS), f"{len(labelled)} existence-only checks"
    for d in labelled:
        assert len(d.existence.split()) >= 4, f"say why only existence is checked: {d.name}"


def test_the_detector_catches_existence_only_bodies() -> None:
    def mk(src: str) -> Declared:
        return Declared("x", None, None, src)

    assert looks_existence_only(mk('check("a b c", () => ok(typeof x.y === "function", "m"));'))
    assert looks_existence_only(mk('check("a b c", () => { isFn(mod, "register"); });'))
    assert not looks_existence_only(mk('check("a b c", () => { isFn(m, "f"); eq(m.f(1), 2); });'))
    assert not looks_existence_only(mk('check("a b c", () => eq(typeof __dirname, "undefined"));'))


def test_no_check_asserts_nothing() -> None:
    for path in [*AREAS_DIR.glob("*.mjs"), *(PROBES_DIR / "packages").glob("*.mjs")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bok\(\s*true\b", text), f"{path.name} asserts ok(true)"


_NAME_ONLY = re.compile(r"(?i)\b(exists|exported|missing|api)$")


def test_every_name_says_which_behaviour_it_checks() -> None:
    bad = [
        f"{a}: {d.name}" for a, d in CHECKS if len(d.name.split()) < 3 or _NAME_ONLY.search(d.name)
    ]
    assert not bad, f"names that only name an API: {bad[:10]}"


def test_known_bugs_cite_a_public_source() -> None:
    refs = [(a, d) for a, d in CHECKS if d.ref]
    assert len(refs) >= 15
    for a, d in refs:
        for url in d.ref.split():
            assert url.startswith("https://"), f"{a}: {d.name}: {url}"


def test_the_known_misses_now_exercise_behaviour() -> None:
    by = {(a, d.name): d for a, d in CHECKS}

    def src(area: str, start: str) -> str:
        found = [d.source for (a, n), d in by.items() if a == area and n.startswith(start)]
        assert found, f"no {area} check starting {start!r}"
        return found[0]

    register = src("module", "module.register resolve/load hooks")
    assert "register(" in register and "await import(" in register and "stub(" in register
    eld = src("perf_hooks", "monitorEventLoopDelay records a 200 ms block")
    assert "Date.now() + 200" in eld and "maxMs >= 150" in eld and "stub(" in eld
    move = src("worker_threads", "moveMessagePortToContext delivers")
    assert "postMessage" in move and "runInContext" in move
    flags = src("v8", "setFlagsFromString('--expose-gc')")
    assert 'runInNewContext("gc")' in flags and "gc();" in flags


def test_every_area_declares_no_hidden_checks() -> None:
    """Checks registered in loops would escape the static list (and the restart logic)."""
    for area in ALL:
        text = (AREAS_DIR / f"{area}.mjs").read_text(encoding="utf-8")
        calls = len(re.findall(r"^\s*check\(", text, re.MULTILINE))
        assert calls == len(ALL[area]), f"{area}: a check( call not at the start of a line"


def test_vm_modules_runs_with_the_flag_jest_users_set_under_node_only() -> None:
    script = AREAS_DIR / "vm_modules.mjs"
    flags = node_args(script)
    assert flags == ["--experimental-vm-modules"]
    assert probe_argv("node", "node", script, flags)[1] == "--experimental-vm-modules"
    assert "--experimental-vm-modules" not in probe_argv("bun", "bun", script, flags)
    assert node_args(AREAS_DIR / "path.mjs") == []


def test_fixtures_look_like_real_projects() -> None:
    """Every folder with node_modules has a package.json, and every installed package has one
    with name and version (Deno resolves bare imports only from such a project)."""
    fixtures = PROBES_DIR / "fixtures"
    roots = {p.parent for p in fixtures.rglob("node_modules")} | {PROBES_DIR}
    for root in roots:
        assert (root / "package.json").is_file(), f"{root} has node_modules but no package.json"
    for nm in fixtures.rglob("node_modules"):
        for pkg in [p for p in nm.iterdir() if p.is_dir() and not p.name.startswith(".")]:
            meta = json.loads((pkg / "package.json").read_text())
            assert meta.get("name") == pkg.name and meta.get("version"), pkg
    app = json.loads((fixtures / "mod" / "package.json").read_text())
    installed = {p.name for p in (fixtures / "mod" / "node_modules").iterdir()} - {".bin"}
    assert set(app["dependencies"]) == installed


def test_the_identity_fixture_bin_has_a_node_shebang() -> None:
    bin_link = PROBES_DIR / "fixtures" / "mod" / "node_modules" / ".bin" / "whoami-cli"
    assert bin_link.read_text(encoding="utf-8").startswith("#!/usr/bin/env node\n")


@pytest.mark.parametrize("area", all_areas())
def test_docs_describe_every_area(area: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert re.search(rf"^\| `{re.escape(area)}` \|", text, re.MULTILINE), (
        f"docs/compat.md has no row for area {area}"
    )
