"""The benchmark runner (bench.runner): measuring, the table, the ratio to the baseline, the
results file and the refusal on an unseeded database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench import runner
from bench.operations import BenchContext, Prepared, Unavailable, register_operation, same_ids
from bench.runner import Measurement, format_table, markdown_table, measure, percentile, write_results


@pytest.fixture
def registry(monkeypatch):
    """An empty operation registry (discovery already done), restored afterwards."""
    monkeypatch.setattr("bench.operations.OPERATIONS", {})
    monkeypatch.setattr("bench.operations._discovered", True)
    from bench import operations

    return operations.OPERATIONS


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]

    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([3.0], 95) == 3.0
    assert percentile([5.0, 1.0], 50) == 1.0


def test_ratio_is_the_operations_median_over_the_baselines_median():
    m = Measurement("op", times_ms=[10, 30, 20], baseline_ms=[8, 2, 5])

    assert (m.p50, m.baseline_p50) == (20, 5)
    assert m.ratio == pytest.approx(4.0)
    assert Measurement("no baseline", times_ms=[1.0]).ratio is None


def test_table_shows_numbers_ratio_and_a_reason_for_what_did_not_run():
    measurements = [
        Measurement("hazards.api.county.first", times_ms=[10.0, 12.0, 30.0], queries=8, rows=50, baseline_ms=[2.5, 2.5, 3.0], check=""),
        Measurement("home.leader", times_ms=[5.0], queries=9),
        Measurement("coverage.page.county", status="unavailable", reason="URL responsibility:coverage does not exist"),
        Measurement("enterprises.page.top", status="error", reason="BenchError: GET /x answered 500"),
        Measurement("bad.baseline", times_ms=[1.0], baseline_ms=[1.0], rows=3, check="ids differ"),
    ]

    lines = format_table(measurements).splitlines()

    assert lines[0].split() == ["operation", "rows", "p50", "ms", "p95", "ms", "queries", "SQL", "p50", "ms", "ratio", "same", "rows"]
    assert lines[2].split() == ["hazards.api.county.first", "50", "12.0", "30.0", "8", "2.5", "4.8×", "yes"]
    assert lines[3].split() == ["home.leader", "–", "5.0", "5.0", "9", "–", "–", "–"]
    assert lines[4].startswith("coverage.page.county") and "not available: URL responsibility:coverage" in lines[4]
    assert "ERROR: BenchError: GET /x answered 500" in lines[5]
    assert lines[6].endswith("NO: ids differ")
    # numbers are right-aligned under their heading
    assert lines[2].index("4.8×") + len("4.8×") == lines[0].index(" ratio") + len(" ratio")


def test_markdown_table_has_one_row_per_operation():
    text = markdown_table([Measurement("a", times_ms=[1.0]), Measurement("b", status="unavailable", reason="no | pipe")])

    rows = text.splitlines()
    assert len(rows) == 4
    assert rows[3].startswith("| b | not available: no \\| pipe |")


@pytest.mark.django_db
def test_measure_counts_queries_times_runs_and_checks_the_baseline(registry):
    seen = []

    @register_operation("fake.list", description="A fake list")
    def fake(ctx):
        def run():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.execute("SELECT 2")
            return "result"

        def baseline():
            return ctx.baseline_rows("SELECT 1 AS id UNION ALL SELECT 2")

        def check(result, rows):
            seen.append((result, rows))
            return None

        return Prepared(run=run, baseline=baseline, check=check)

    m = measure(registry["fake.list"], BenchContext(), runs=4)

    assert m.status == "ok" and m.description == "A fake list"
    assert m.queries == 2 and m.baseline_queries == 1
    assert len(m.times_ms) == 4 and len(m.baseline_ms) == 4
    assert m.rows == 2 and m.check == ""
    assert seen == [("result", [{"id": 1}, {"id": 2}])]


@pytest.mark.django_db
def test_an_unavailable_or_failing_operation_does_not_stop_the_others(registry):
    register_operation("a.missing", lambda ctx: (_ for _ in ()).throw(Unavailable("no such page")))
    register_operation("b.broken", lambda ctx: Prepared(run=lambda: 1 / 0))
    register_operation("c.fine", lambda ctx: Prepared(run=lambda: None))
    ctx = BenchContext()

    results = {op.name: measure(op, ctx, runs=1) for op in registry.values()}

    assert (results["a.missing"].status, results["a.missing"].reason) == ("unavailable", "no such page")
    assert results["b.broken"].status == "error" and "ZeroDivisionError" in results["b.broken"].reason
    assert results["c.fine"].status == "ok"


def test_same_ids_names_what_differs():
    class Response:
        def json(self):
            return {"results": [{"id": 1}, {"id": 2}]}

    assert same_ids(Response(), [{"id": 1}, {"id": 2}]) is None
    assert "ids differ" in same_ids(Response(), [{"id": 2}, {"id": 1}])


def test_unknown_url_makes_an_operation_unavailable():
    with pytest.raises(Unavailable, match="does not exist"):
        BenchContext.url("responsibility:no_such_page")


@pytest.mark.django_db
def test_an_unseeded_database_is_refused_with_what_to_seed():
    out = StringIO()

    assert runner.main(["--quick"], stdout=out) == 2
    assert "seed_scale --profile city" in out.getvalue()


def test_results_file_keeps_the_other_sections(tmp_path):
    path = tmp_path / "RESULTS.md"
    write_results("city", "Suite, city profile", ["old city"], path)
    write_results("province", "Suite, province profile", ["province numbers"], path)
    write_results("city", "Suite, city profile", ["new city"], path)

    text = path.read_text()
    assert text.startswith("# Benchmark results")
    assert "new city" in text and "old city" not in text and "province numbers" in text
    assert text.index("<!-- results:city -->") < text.index("<!-- results:province -->")


@pytest.mark.django_db
def test_the_suite_runs_every_responsibility_operation_on_a_seeded_dataset(tmp_path, monkeypatch):
    """Every registered operation runs (or says why not), and every baseline returns what the
    page or endpoint shows: a ratio against different rows would mean nothing."""
    call_command("seed_scale", profile="tiny", today=timezone.localdate(), force=True, stdout=StringIO())
    monkeypatch.setattr(runner, "RESULTS_PATH", tmp_path / "RESULTS.md")
    out = StringIO()

    code = runner.main(["--runs", "1", "--write-results"], stdout=out)

    text = out.getvalue()
    assert "ERROR" not in text, text
    assert "NO:" not in text, text
    assert code == 0
    assert "jurisdictions.api.county.first" in text and "profile tiny" in text
    assert "coverage.page.county" in text
    assert "| operation |" in (tmp_path / "RESULTS.md").read_text()
