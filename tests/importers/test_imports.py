"""Importing KPIs and measurements from CSV and XLSX: all rows or none, every bad row named."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reviewtui.db import models as m
from reviewtui.db import open_database

EXE = shutil.which("reviewtui")

KPIS = """\
vendor,kpi,unit,direction,target,threshold,weight,frequency,category
Acme Logistics,OTIF,%,higher,97,95,30,monthly,delivery
Acme Logistics,Damaged shipments,PPM,lower,500,800,20,,quality
Acme Logistics,Cost variance,%,lower,2,,10,quarterly,cost
Northwind,CSAT,%,higher,85,80,,,
"""

MEASUREMENTS = """\
vendor,kpi,period,value,source,note
Acme Logistics,OTIF,2026-09,96.5,,
Acme Logistics,OTIF,2026-09-30,95.9,independent,checked against goods-in
Acme Logistics,OTIF,Oct 2026,97.2,vendor,
acme logistics,damaged shipments,2026-10-15,450,,
Acme Logistics,Cost variance,2026-08-31,1.5,,
Northwind,CSAT,2026-10,83,,
"""


def rt(*args: str) -> subprocess.CompletedProcess:
    assert EXE
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120, env=os.environ)


def write(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def dump(url: str) -> dict:
    """Everything an import could touch, to prove that a failed one touched nothing."""
    db = open_database(url)
    try:
        with db.read() as s:
            return {
                "vendors": s.execute(select(m.Vendor.name).order_by(m.Vendor.name)).all(),
                "kpis": s.execute(
                    select(m.Kpi.name, m.Kpi.target, m.Kpi.threshold, m.Kpi.version).order_by(
                        m.Kpi.id
                    )
                ).all(),
                "values": s.execute(
                    select(
                        m.Measurement.kpi_id,
                        m.Measurement.period,
                        m.Measurement.source,
                        m.Measurement.value,
                        m.Measurement.note,
                    ).order_by(m.Measurement.id)
                ).all(),
                "changelog": s.scalar(select(func.count()).select_from(m.ChangeLog)),
            }
    finally:
        db.dispose()


@pytest.fixture
def loaded(tmp_path: Path, db_url: str) -> str:
    """A database with the KPIs and measurements above, imported through the CLI."""
    out = rt("--db", db_url, "import", "kpis", write(tmp_path, "kpis.csv", KPIS))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "kpis: 4 created, 0 updated, 0 unchanged; 2 new vendors"
    out = rt("--db", db_url, "import", "measurements", write(tmp_path, "m.csv", MEASUREMENTS))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "measurements: 6 created, 0 updated, 0 unchanged"
    return db_url


def test_imported_values_are_normalised_and_scored(loaded: str) -> None:
    data = dump(loaded)
    assert [v[0] for v in data["vendors"]] == ["Acme Logistics", "Northwind"]
    periods = sorted((p, s, v) for _, p, s, v, _ in data["values"])
    assert ("2026-09", "independent", 95.9) in periods
    assert ("2026-10", "vendor", 450.0) in periods  # 2026-10-15 is October
    assert ("2026-Q3", "vendor", 1.5) in periods  # a date for a quarterly KPI
    card = json.loads(rt("--db", loaded, "scorecard", "acme logistics", "--format", "json").stdout)
    otif = card["kpis"][0]
    assert (otif["kpi"], otif["period"], otif["actual"], otif["trend"]) == (
        "OTIF",
        "2026-10",
        97.2,
        "improving",  # against September's independent 95.9
    )
    # The CSAT row left threshold... empty: weight 1, monthly, service are the defaults.
    db = open_database(loaded)
    with db.read() as s:
        csat = s.scalar(select(m.Kpi).where(m.Kpi.name == "CSAT"))
        assert (csat.weight, csat.frequency, csat.category) == (1.0, "monthly", "service")
        users = set(s.scalars(select(m.ChangeLog.user)))
    db.dispose()
    assert users == {"root"} or len(users) == 1  # the acting login name, one user


def test_reimport_updates_and_counts_unchanged(loaded: str, tmp_path: Path) -> None:
    again = MEASUREMENTS.replace("97.2", "97.4")
    path = write(tmp_path, "again.csv", again)
    dry = rt("--db", loaded, "import", "measurements", path, "--dry-run")
    assert dry.stdout.strip() == (
        "measurements: 0 would be created, 1 would be updated, 5 unchanged "
        "(dry run: nothing written)"
    )
    before = dump(loaded)
    assert dump(loaded) == before
    out = rt("--db", loaded, "import", "measurements", path)
    assert out.stdout.strip() == "measurements: 0 created, 1 updated, 5 unchanged"
    assert ("2026-10", 97.4) in [(p, v) for _, p, s, v, _ in dump(loaded)["values"]]
    kpis = KPIS.replace("Northwind,CSAT,%,higher,85,80", "Northwind,CSAT,%,higher,86,80")
    out = rt("--db", loaded, "import", "kpis", write(tmp_path, "k2.csv", kpis))
    assert out.stdout.strip() == "kpis: 0 created, 1 updated, 3 unchanged"


BAD_KPIS = """\
vendor,kpi,unit,direction,target,threshold,weight,frequency,category
Acme Logistics,OTIF,%,up,97,95,30,monthly,delivery
Acme Logistics,Damaged shipments,PPM,lower,5o0,800,20,,quality
,Cost variance,%,lower,2,1,-1,yearly,costs
Acme Logistics,otif,%,higher,97,99,30,monthly,delivery
Acme Logistics,Cost variance,%,lower,2,,10,monthly,cost
Globex,New KPI,%,higher,90,85,1,monthly,quality
"""


def test_bad_kpi_file_names_every_bad_row_and_writes_nothing(loaded: str, tmp_path: Path):
    before = dump(loaded)
    path = write(tmp_path, "bad.csv", BAD_KPIS)
    out = rt("--db", loaded, "import", "kpis", path)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        f"{path}:2: direction: 'up' is not one of higher, lower",
        f"{path}:3: target: '5o0' is not a number",
        f"{path}:4: vendor: is empty",
        f"{path}:4: weight: -1 is negative (0 leaves the KPI out of the score)",
        f"{path}:4: frequency: 'yearly' is not one of monthly, quarterly, weekly",
        f"{path}:4: category: 'costs' is not one of quality, cost, delivery, service",
        f"{path}:4: threshold: 1 is below the target 2; for a lower-is-better KPI the amber "
        "threshold is at or above the target",
        f"{path}:5: threshold: 99 is above the target 97; for a higher-is-better KPI the amber "
        "threshold is at or below the target",
        f"{path}:5: kpi: 'otif' of 'Acme Logistics' is repeated (first on line 2)",
        f"{path}:6: frequency: 'Cost variance' has 1 quarterly values; a KPI's frequency "
        "cannot change once it has values (add a new KPI instead)",
        f"reviewtui: {path}: 5 bad rows, nothing was imported",
    ]
    assert dump(loaded) == before  # not even the good row's new vendor Globex


BAD_MEASUREMENTS = """\
vendor,kpi,period,value,source,note
Acme Logistics,OTIF,2026-Q1,96.5,,
Acme Logistics,OTIF,2026-13,95.9,independent,
Acme Logistics,Cost variance,2026-02-15,1.5,vendor,
Acme Logistics,Cost variance,2026-03-01,1.7,vendor,
Acme Logistics,Uptime,2026-03,99,,
Zenith,OTIF,2026-03,99,,
Acme Logistics,OTIF,2026-03,"1.234,5",both,
Acme Logistics,OTIF,,97,,
Northwind,CSAT,2026-11,84,,too,many
Northwind,CSAT,2026-11,84,,
"""


def test_bad_measurement_file_names_every_bad_row_and_writes_nothing(
    loaded: str, tmp_path: Path
) -> None:
    before = dump(loaded)
    path = write(tmp_path, "bad.csv", BAD_MEASUREMENTS)
    for extra in ([], ["--dry-run"]):
        out = rt("--db", loaded, "import", "measurements", path, *extra)
        assert out.returncode == 1
        assert out.stderr.splitlines() == [
            f"{path}:2: period: '2026-Q1' is a quarter but the KPI is monthly; give the month "
            "(2026-03) or a date in it",
            f"{path}:3: period: '2026-13': the month must be 01-12",
            f"{path}:5: period: 2026-Q1 (vendor) of 'Cost variance' is repeated (first on line 4)",
            f"{path}:6: kpi: 'Acme Logistics' has no KPI named 'Uptime' (its KPIs: "
            "Cost variance, Damaged shipments, OTIF)",
            f"{path}:7: vendor: no vendor named 'Zenith'",
            f"{path}:8: value: '1.234,5' has a thousands separator: write the number without "
            "it (1234.5, or 1234,5 with --decimal comma)",
            f"{path}:8: source: 'both' is not one of vendor, independent",
            f"{path}:9: period: is empty (examples: 2026-03, 2026-Q1, 2026-W09, 2026-03-15)",
            f"{path}:10: row: 1 more cell than the header",
            f"{path}:11: period: 2026-11 (vendor) of 'CSAT' is repeated (first on line 10)",
            f"reviewtui: {path}: 9 bad rows, nothing was imported",
        ]
    assert dump(loaded) == before


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "vendor,kpi,value,source",
            ["{p}:1: period: missing column (it is required)"],
        ),
        (
            "vendor,kpi,period,value,comment --strict",
            [
                "{p}:1: comment: unknown column (columns: vendor,kpi,period,value,source,note; "
                "without --strict it is ignored)"
            ],
        ),
    ],
)
def test_bad_header(loaded: str, tmp_path: Path, header: str, expected: list[str]) -> None:
    header, *flags = header.split(" ")
    path = write(tmp_path, "h.csv", header + "\nAcme Logistics,OTIF,2026-10,97\n")
    out = rt("--db", loaded, "import", "measurements", path, *flags)
    assert out.returncode == 1
    assert out.stderr.splitlines()[:-1] == [e.format(p=path) for e in expected]


def test_missing_file_and_wrong_kind(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert rt("--db", db, "db", "upgrade").returncode == 0
    out = rt("--db", db, "import", "kpis", str(tmp_path / "none.csv"))
    assert (out.returncode, out.stderr.strip()) == (
        1,
        f"reviewtui: {tmp_path / 'none.csv'}: no such file",
    )
    (tmp_path / "k.pdf").write_bytes(b"%PDF")
    out = rt("--db", db, "import", "kpis", str(tmp_path / "k.pdf"))
    assert out.returncode == 1 and "not a CSV or XLSX file" in out.stderr


def test_xlsx_import(tmp_path: Path, db) -> None:
    """A vendor's spreadsheet: real dates, percentages formatted as % (stored as fractions)."""
    from openpyxl import Workbook

    from reviewtui.importers.kpis import import_kpis
    from reviewtui.importers.measurements import import_measurements

    wb = Workbook()
    ws = wb.active
    ws.append(["Vendor", "KPI", "Unit", "Direction", "Target", "Threshold", "Weight"])
    ws.append(["Keystone", "OTIF", "%", "higher", 97, 95, 25])
    ws.append(["Keystone", "Defect rate", "PPM", "lower", 500, 800, 25])
    wb.save(tmp_path / "kpis.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.append(["vendor", "kpi", "period", "value", "source"])
    ws.append(["Keystone", "OTIF", date(2026, 9, 30), 0.962, "independent"])
    ws["D2"].number_format = "0.0%"
    ws.append([])  # a blank row in the middle is skipped
    ws.append(["Keystone", "Defect rate", "2026-09", 612, None])
    ws.append(["Keystone", "Defect rate", "Sep 2026", 640, "vendor"])  # same period again
    wb.save(tmp_path / "values.xlsx")

    with db.session() as s:
        assert str(import_kpis(tmp_path / "kpis.xlsx", session=s)) == (
            "2 created, 0 updated, 0 unchanged; 1 new vendor"
        )
    from reviewtui.importers.reader import ImportFailed

    with pytest.raises(ImportFailed) as err, db.session() as s:
        import_measurements(tmp_path / "values.xlsx", session=s, name="values.xlsx")
    assert [str(p) for p in err.value.problems] == [
        "values.xlsx:5: period: 2026-09 (vendor) of 'Defect rate' is repeated (first on line 4)"
    ]
    ws.delete_rows(5)
    wb.save(tmp_path / "values.xlsx")
    with db.session() as s:
        summary = import_measurements(tmp_path / "values.xlsx", session=s)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    with db.read() as s:
        rows = s.execute(
            select(m.Measurement.period, m.Measurement.source, m.Measurement.value).order_by(
                m.Measurement.value
            )
        ).all()
    assert rows == [("2026-09", "independent", 96.2), ("2026-09", "vendor", 612.0)]


def test_a_restricted_session_may_not_import(tmp_path: Path) -> None:
    path = write(tmp_path, "k.csv", KPIS)
    out = subprocess.run(
        [EXE, "--db", str(tmp_path / "x.db"), "import", "kpis", path],
        capture_output=True,
        text=True,
        env={**os.environ, "REVIEWTUI_ROLE": "viewer"},
    )
    assert out.returncode == 1 and "not open to this session (viewer)" in out.stderr
