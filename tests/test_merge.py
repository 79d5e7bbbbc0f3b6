"""``bakeoff merge``: documents of several machines in one, compared within each machine, with a
cross-machine view, per-machine prices and decisions; what it refuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import value_fixture
from bakeoff import decide, merge, results
from bakeoff.analysis import analyze
from bakeoff.cli import main
from bakeoff.errors import NotComparableError, ResultsError, UsageError
from bakeoff.results import ResultsDocument, fingerprint
from bakeoff.value.usage import ValueConfig
from docjson import raw

ARM = {
    "cpu_model": "Fixture ARM",
    "cores_logical": 4,
    "memory_gb": 16,
    "arch": "aarch64",
    "hostname_sha256": "b" * 16,
}


def machine_doc(env: dict[str, object], bun_scale: float = 1.0, seed: int = 7) -> ResultsDocument:
    """The fixture document as if measured on the machine ``env``, bun ``bun_scale`` × slower."""
    doc = value_fixture.build(seed=seed)
    doc.environment = env | {"os": "Linux", "kernel": "6.1"}
    doc.project = {"name": "fixture-app"}
    for m in doc.measurements:
        if m.contestant == "bun":
            m.samples = [x * bun_scale for x in m.samples]
    analyze.analyze(doc, "node")
    decide.fill(doc)
    doc.fingerprint = fingerprint.fingerprint(doc)
    return doc


X86 = {
    "cpu_model": "Fixture x86",
    "cores_logical": 2,
    "memory_gb": 8,
    "arch": "x86_64",
    "hostname_sha256": "a" * 16,
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Built once (analysis takes a while): tests copy them."""
    folder = tmp_path_factory.mktemp("machines")
    a, b = folder / "x86.json", folder / "arm.json"
    results.save(machine_doc(X86), a)
    results.save(machine_doc(ARM, bun_scale=1.3, seed=3), b)
    return a, b


@pytest.fixture
def two(saved: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "x86.json", tmp_path / "arm.json"
    shutil.copy(saved[0], a)
    shutil.copy(saved[1], b)
    return a, b


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    return " ".join(capsys.readouterr().err.split())


def _inputs(*paths: Path) -> list[merge.Input]:
    return [merge.Input(merge.read(p), str(p)) for p in paths]


def test_each_machine_keeps_its_own_document_and_nothing_is_pooled(
    two: tuple[Path, Path],
) -> None:
    a, b = two
    merged = merge.merge(_inputs(a, b))
    assert [r.machine_id for r in merged.machines] == [
        merge.machine_id(fingerprint.of(results.load(p)).machine) for p in (a, b)
    ]
    assert not merged.measurements and not merged.comparisons and not merged.contestants
    for run, path in zip(merged.machines, (a, b), strict=True):
        alone = results.load(path)
        assert run.document is not None
        assert run.document.environment == alone.environment
        assert [c.ratio for c in run.document.comparisons] == [c.ratio for c in alone.comparisons]
        assert run.document.decision == alone.decision
    assert merged.status == "complete"
    assert raw(merged)["project"]["name"] == "fixture-app"


def test_cross_view_pools_the_within_machine_ratios(two: tuple[Path, Path]) -> None:
    merged = merge.merge(_inputs(*two))
    view = raw(merged)["cross_machine"]
    row = next(
        r
        for r in view["comparisons"]
        if (r["suite"], r["case"], r["metric"], r["contestant"])
        == ("startup", "hello", "wall_ms", "bun")
    )
    ratios = [e["ratio"] for e in row["machines"]]
    assert [e["label"] for e in row["machines"]] == [m.label for m in merged.machines]
    # arm's bun is 1.3x slower than x86's, the baseline unchanged: the ratios say so
    assert ratios[1] / ratios[0] == pytest.approx(1.3, rel=0.05)
    pooled = row["pooled"]
    assert pooled["k"] == 2 and min(ratios) < pooled["ratio"] < max(ratios)
    assert pooled["ci"][0] < pooled["ratio"] < pooled["ci"][1]
    assert pooled["tau2"] > 0 and pooled["i2"] > 0.5  # a 30% gap is heterogeneity
    assert "pools very little" in row["pooled_note"]
    primaries = [r for r in view["comparisons"] if r["role"] == "primary"]
    assert {r["surface"] for r in primaries} >= {"service_runtime", "package_manager"}
    surfaces = {d["surface"]: d for d in view["decisions"]}
    assert set(surfaces["service_runtime"]["machines"]) == {m.label for m in merged.machines}


def test_labels_from_the_command_line_and_derived(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    out = tmp_path / "all.json"
    assert main(["merge", f"intel={a}", f"graviton={b}", "-o", str(out)]) == 0
    doc = results.load(out)
    assert [m.label for m in doc.machines] == ["intel", "graviton"]
    derived = merge.merge(_inputs(a, b))
    assert derived.machines[0].label.startswith("x86_64-2cpu-")
    assert derived.machines[1].label.startswith("aarch64-4cpu-")


def test_refuses_different_projects(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two
    other = machine_doc(ARM)
    other.project = {"name": "another-app"}
    results.save(other, tmp_path / "other.json")
    with pytest.raises(ResultsError, match="different projects"):
        merge.merge(_inputs(a, tmp_path / "other.json"))
    assert main(["merge", str(a), str(tmp_path / "other.json"), "-o", str(tmp_path / "m")]) == 2


def test_refuses_another_schema_major(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two
    raw = json.loads(a.read_text())
    raw["schema"] = "bakeoff/2"
    future = tmp_path / "future.json"
    future.write_text(json.dumps(raw))
    with pytest.raises(ResultsError, match="schema bakeoff/2 is of another major"):
        merge.read(future)


def test_the_same_run_twice_is_refused_even_as_a_repeat(two: tuple[Path, Path]) -> None:
    a, _ = two
    with pytest.raises(ResultsError, match="same run"):
        merge.merge(_inputs(a, a), repeat=True)


def test_same_machine_twice_needs_repeat(tmp_path: Path) -> None:
    one, again = tmp_path / "1.json", tmp_path / "2.json"
    results.save(machine_doc(X86, seed=7), one)
    results.save(machine_doc(X86, seed=4), again)
    with pytest.raises(ResultsError, match="same machine"):
        merge.merge(_inputs(one, again))
    merged = merge.merge(_inputs(one, again), repeat=True)
    labels = [m.label for m in merged.machines]
    assert labels[1] == labels[0] + "#2"
    assert any("repeat on one machine" in w for w in merged.warnings)


def test_two_machines_may_not_share_a_label(two: tuple[Path, Path]) -> None:
    a, b = two
    with pytest.raises(UsageError, match="two machines are labelled 'box'"):
        merge.merge(
            [merge.Input(merge.read(a), "a", "box"), merge.Input(merge.read(b), "b", "box")]
        )


def test_each_machine_is_priced_as_its_instance_type(two: tuple[Path, Path]) -> None:
    merged = merge.merge(_inputs(*two))
    x86, arm = (m.label for m in merged.machines)
    merge.price(merged, ValueConfig(), {x86: "m7i.large", arm: "c7g.large"})
    lines = {}
    for run in merged.machines:
        assert run.document is not None and run.document.cost is not None
        assert raw(run.document)["cost"]["platform"] == "ec2"
        node = raw(run.document)["cost"]["contestants"]["node"]["lines"]
        lines[run.label] = next(x for x in node if x["category"] == "compute")
    assert lines[x86]["price_key"] == "aws.ec2.m7i.large"
    assert lines[arm]["price_key"] == "aws.ec2.c7g.large"
    assert merged.machines[0].price and merged.machines[0].price.type == "m7i.large"
    # the same instance count at different hourly prices: the bills differ by that ratio
    ratio = float(lines[x86]["monthly"]) / float(lines[arm]["monthly"])
    assert ratio == pytest.approx(0.1008 / 0.0725, rel=1e-6)


def test_a_github_runner_prices_ci_minutes(two: tuple[Path, Path]) -> None:
    merged = merge.merge(_inputs(*two))
    label = merged.machines[0].label
    merge.price(merged, ValueConfig(), {label: "linux_4core"})
    doc = merged.machines[0].document
    assert doc is not None and doc.cost is not None
    keys = {x["price_key"] for x in raw(doc)["cost"]["contestants"]["node"]["lines"]}
    assert "github.actions.linux_4core" in keys


def test_value_machines_in_bakeoff_toml_prices_too(two: tuple[Path, Path]) -> None:
    merged = merge.merge(_inputs(*two))
    label = merged.machines[1].label
    merge.price(merged, ValueConfig(machines={label: "m7g.large"}), {})
    assert merged.machines[1].price and merged.machines[1].price.type == "m7g.large"
    assert merged.machines[0].price is None


def test_unknown_prices_and_labels_are_one_line_errors(
    two: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two
    out = str(tmp_path / "m.json")
    assert main(["merge", f"x={a}", f"y={b}", "-o", out, "--price-machine", "x=m9.huge"]) == 2
    assert "neither 'aws.ec2.m9.huge' nor 'github.actions.m9.huge'" in _err(capsys)
    assert main(["merge", f"x={a}", f"y={b}", "-o", out, "--price-machine", "z=m7i.large"]) == 2
    assert "no machine labelled 'z'" in _err(capsys)
    assert main(["merge", f"x={a}", f"y={b}", "-o", out, "--price-machine", "x"]) == 2
    assert "expected LABEL=TYPE" in _err(capsys)


def test_report_renders_a_merged_document(
    two: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two
    out = tmp_path / "all.json"
    assert main(["merge", f"intel={a}", f"graviton={b}", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# bakeoff results of fixture-app on 2 machine(s)")
    assert "## Across machines" in md and "## Machine `intel`" in md
    assert "## Machine `graviton`" in md and "### bakeoff results" in md
    assert "| intel | graviton |" in md.replace(" pooled", "")
    assert "pools very little" in md
    html_file = tmp_path / "r.html"
    assert main(["report", str(out), "--format", "html", "-o", str(html_file)]) == 0
    page = html_file.read_text()
    assert page.count("<h1>") == 1 and 'id="machine-intel"' in page
    assert 'id="intel-decisions"' in page and 'id="graviton-decisions"' in page
    assert main(["report", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cross_machine"]["machines"] == ["intel", "graviton"]
    assert main(["report", str(out)]) == 0
    term = capsys.readouterr().out
    assert "Across machines" in term and "machine intel" in term
    # re-baselined per machine
    assert main(["report", str(out), "--format", "json", "--baseline", "bun"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert {c["baseline"] for m in again["machines"] for c in m["document"]["comparisons"]} == {
        "bun"
    }


def test_merging_a_merged_document_takes_its_machines(
    two: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = two
    first = tmp_path / "first.json"
    results.save(merge.merge([merge.Input(merge.read(a), str(a), "intel")]), first)
    both = merge.merge([merge.Input(merge.read(first), str(first)), *_inputs(b)])
    assert both.machines[0].label == "intel" and len(both.machines) == 2


def test_a_failed_machine_is_recorded(two: tuple[Path, Path]) -> None:
    a, _ = two
    lost = merge.failed_machine("arm", "worker tcp://h:1 left the cluster")
    merged = merge.merge(_inputs(a), failures=[lost])
    assert merged.status == "partial"
    assert merged.machines[1].failure and "left the cluster" in merged.machines[1].failure.reason
    assert any("arm: worker" in w for w in merged.warnings)


def test_compare_refuses_a_merged_document(two: tuple[Path, Path]) -> None:
    from bakeoff.analysis import comparedocs

    merged = merge.merge(_inputs(*two))
    with pytest.raises(NotComparableError, match="merged document of 2 machines"):
        comparedocs.compare_docs(merged, merged)
