"""``reviewtui scorecard``: the published JSON, the same from SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reviewtui.domain.scorecard import JSON_KEYS
from tests.test_cli import rt

KEYSTONE = "Keystone Precision Manufacturing"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    import os

    os.environ["REVIEWTUI_NOW"] = "2026-11-28T09:00:00+00:00"
    db = str(tmp_path_factory.mktemp("sc") / "demo.db")
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    return db


@pytest.mark.postgres
def test_same_json_from_sqlite_and_postgresql(demo_file: str, pg_url: str) -> None:
    assert rt("--db", pg_url, "demo", "--seed-only").returncode == 0
    for args in (
        ["scorecard", KEYSTONE],
        ["scorecard", "northwind service desk", "--period", "2026-06"],
        ["scorecard", "--all"],
        ["scorecard", "--all", "--period", "2026-Q2"],
    ):
        lite = rt("--db", demo_file, *args, "--format", "json")
        pg = rt("--db", pg_url, *args, "--format", "json")
        assert lite.returncode == 0 and pg.returncode == 0, (lite.stderr, pg.stderr)
        assert json.loads(lite.stdout) == json.loads(pg.stdout)
        assert lite.stdout == pg.stdout  # byte for byte: same numbers, same order


def test_json_shape_and_numbers(demo_file: str) -> None:
    data = json.loads(rt("--db", demo_file, "scorecard", KEYSTONE, "--format", "json").stdout)
    assert list(data) == ["vendor", "score", "status", "kpis"]
    assert data["vendor"] == KEYSTONE
    assert isinstance(data["score"], float) and data["status"] in ("green", "amber", "red")
    assert [k["kpi"] for k in data["kpis"]] == [
        "OTIF",
        "Defect rate",
        "First-pass yield",
        "PO acknowledgement",
        "Cost variance",
    ]
    for k in data["kpis"]:
        assert list(k) == list(JSON_KEYS)
        for key in ("target", "weight", "actual", "gap", "attainment"):
            assert isinstance(k[key], int | float), (key, k[key])
        assert isinstance(k["discrepancy"], bool) and isinstance(k["escalate"], bool)
    otif = data["kpis"][0]
    # Independent value counts; the vendor's own number is kept beside it.
    assert otif["source"] == "independent" and otif["actual"] == otif["independent_value"]
    assert otif["vendor_value"] is not None and otif["discrepancy_pct"] is not None
    assert otif["period"] == "2026-10" and data["kpis"][4]["period"] == "2026-Q3"
    # The vendor score is the weighted mean of attainment, to 0.1.
    num = sum(k["attainment"] * k["weight"] for k in data["kpis"] if k["weight"] > 0)
    den = sum(k["weight"] for k in data["kpis"] if k["weight"] > 0)
    assert data["score"] == pytest.approx(round(num / den, 1), abs=0.05)


def test_period_looks_back(demo_file: str) -> None:
    data = json.loads(
        rt(
            "--db", demo_file, "scorecard", KEYSTONE, "--period", "Jun 2026", "--format", "json"
        ).stdout
    )
    periods = {k["kpi"]: k["period"] for k in data["kpis"]}
    assert periods["OTIF"] == "2026-06" and periods["Cost variance"] == "2026-Q2"
    early = json.loads(
        rt(
            "--db", demo_file, "scorecard", KEYSTONE, "--period", "2020-01", "--format", "json"
        ).stdout
    )
    assert early["score"] is None and early["status"] == "no data"
    assert {k["status"] for k in early["kpis"]} == {"no data"}


def test_all_csv_and_table(demo_file: str) -> None:
    out = rt("--db", demo_file, "scorecard", "--all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == ["vendor", *JSON_KEYS]
    assert len(rows) == 16 and {r["vendor"] for r in rows} >= {KEYSTONE}
    table = rt("--db", demo_file, "scorecard", "--all").stdout
    assert "Portfolio" in table and "amber" in table
    one = rt("--db", demo_file, "scorecard", KEYSTONE, env={"COLUMNS": "160"}).stdout
    assert "OTIF" in one and "✗ red" in one and "ESCALATE" in one


def test_errors(demo_file: str, tmp_path: Path) -> None:
    out = rt("--db", demo_file, "scorecard", "Nobody")
    assert out.returncode == 1 and out.stderr.startswith("reviewtui: no vendor named 'Nobody'")
    out = rt("--db", demo_file, "scorecard", KEYSTONE, "--period", "someday")
    assert out.returncode == 2  # a bad option value is a usage error, as in every command
    assert out.stderr.strip().splitlines()[-1] == (
        "Error: Invalid value for '--period': 'someday' is not a period or date "
        "(examples: 2026-03, 2026-Q1, 2026-W09, Mar 2026)"
    )
    assert rt("--db", demo_file, "scorecard").returncode == 2
    assert rt("--db", demo_file, "scorecard", KEYSTONE, "--all").returncode == 2
    assert rt("--db", str(tmp_path / "e.db"), "db", "upgrade").returncode == 0
    empty = rt("--db", str(tmp_path / "e.db"), "scorecard", "--all", "--format", "json")
    assert json.loads(empty.stdout) == []


def test_portfolio_json_is_one_array_with_a_vendor_a_line(demo_file: str) -> None:
    out = rt("--db", demo_file, "scorecard", "--all", "--format", "json").stdout
    data = json.loads(out)
    single = json.loads(rt("--db", demo_file, "scorecard", KEYSTONE, "--format", "json").stdout)
    assert [d["vendor"] for d in data] == sorted(d["vendor"] for d in data)
    assert single in data  # the same document as the one-vendor command
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.rstrip(","))["vendor"] for line in lines[1:-1]] == [
        d["vendor"] for d in data
    ]
