"""What vendors really send, as CSV and as XLSX: each case imported, and the values that land
in the database checked (or the one line that refuses the file)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.importers.kpis import import_kpis
from reviewtui.importers.measurements import import_measurements
from reviewtui.importers.reader import ImportFailed, ReadOptions

EXE = shutil.which("reviewtui")
VENDOR = "Österreich Logistik"
KPIS = (
    "vendor,kpi,unit,direction,target,frequency\n"
    f"{VENDOR},OTIF,%,higher,95,monthly\n"
    f"{VENDOR},Cost,EUR,lower,1000,monthly\n"
    f"{VENDOR},Audit score,pts,higher,80,quarterly\n"
)
HEAD = ["vendor", "kpi", "period", "value"]

# (case, rows of cells, how to read, expected {(kpi, period): value}, notes that must appear)
CASES: list[tuple[str, list[list[Any]], dict, dict, list[str]]] = [
    ("decimal comma, ; delimiter", [HEAD, [VENDOR, "OTIF", "2026-01", "94,1"]], {},
     {("OTIF", "2026-01"): 94.1}, []),
    ("--decimal comma", [HEAD, [VENDOR, "Cost", "2026-01", "1234,5"]], {"decimal": "comma"},
     {("Cost", "2026-01"): 1234.5}, []),
    ("--decimal dot", [HEAD, [VENDOR, "Cost", "2026-02", "987.25"]], {"decimal": "dot"},
     {("Cost", "2026-02"): 987.25}, []),
    ("95% for a % KPI", [HEAD, [VENDOR, "OTIF", "2026-02", "95%"]], {},
     {("OTIF", "2026-02"): 95.0}, []),
    ("Q1 2026 and 2026 Q1", [HEAD, [VENDOR, "Audit score", "Q1 2026", "81"],
                             [VENDOR, "Audit score", "2026 Q2", "83,5"]], {},
     {("Audit score", "2026-Q1"): 81.0, ("Audit score", "2026-Q2"): 83.5}, []),
    ("Jan-26 and Jan 26", [HEAD, [VENDOR, "OTIF", "Jan-26", "93"],
                           [VENDOR, "Cost", "Feb 26", "990"]], {},
     {("OTIF", "2026-01"): 93.0, ("Cost", "2026-02"): 990.0}, []),
    ("Excel day number", [HEAD, [VENDOR, "OTIF", "46082", "96"]], {},
     {("OTIF", "2026-03"): 96.0}, []),
    ("title rows above the header", [["Monthly KPI report"], ["Vendor: Österreich"], [],
                                     HEAD, [VENDOR, "OTIF", "2026-04", "97"]], {},
     {("OTIF", "2026-04"): 97.0}, ["the header is on"]),
    ("--header-row", [["vendor", "x"], HEAD, [VENDOR, "OTIF", "2026-05", "92"]],
     {"header_row": 2}, {("OTIF", "2026-05"): 92.0}, []),
    ("an unknown column is ignored", [[*HEAD, "region"], [VENDOR, "OTIF", "2026-06", "91", "EU"]],
     {}, {("OTIF", "2026-06"): 91.0}, ["ignored column region"]),
    ("vendor and KPI in any case", [HEAD, ["ÖSTERREICH LOGISTIK", "otif", "2026-07", "90"]], {},
     {("OTIF", "2026-07"): 90.0}, []),
]  # fmt: skip

REFUSED: list[tuple[str, list[list[Any]], dict, str]] = [
    ("thousands separator", [HEAD, [VENDOR, "Cost", "2026-01", "1.234,5"]], {},
     "value: '1.234,5' has a thousands separator"),
    ("ambiguous 1,234", [HEAD, [VENDOR, "Cost", "2026-01", "1,234"]], {},
     "value: '1,234' is ambiguous"),
    ("% for a KPI in EUR", [HEAD, [VENDOR, "Cost", "2026-01", "95%"]], {},
     "value: '95%': a % sign, but the KPI's unit is not %"),
    ("--strict and an unknown column", [[*HEAD, "region"], [VENDOR, "OTIF", "2026-06", "91", "EU"]],
     {"strict": True}, "region: unknown column"),
    ("a quarter for a monthly KPI", [HEAD, [VENDOR, "OTIF", "Q1 2026", "91"]], {},
     "period: '2026-Q1' is a quarter but the KPI is monthly"),
]  # fmt: skip


def _csv(rows: list[list[Any]], delimiter: str = ";") -> str:
    return "".join(delimiter.join(str(c) for c in r) + "\n" for r in rows)


def _xlsx(path: Path, rows: list[list[Any]], sheet_first: bool = True) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if not sheet_first:
        ws.title = "Cover"
        ws.append(["Quarterly pack, see the next sheet"])
        ws = wb.create_sheet("Data")
    else:
        ws.title = "Data"
    for r in rows:
        ws.append(r)
    wb.save(path)


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(f"sqlite:///{tmp_path / 'v.db'}", user="tester")
    (tmp_path / "kpis.csv").write_text(KPIS, encoding="utf-8")
    with database.session() as s:
        import_kpis(tmp_path / "kpis.csv", session=s)
    yield database
    database.dispose()


def _landed(db) -> dict[tuple[str, str], float]:
    with db.read() as s:
        rows = s.execute(
            select(m.Kpi.name, m.Measurement.period, m.Measurement.value).join(
                m.Kpi, m.Kpi.id == m.Measurement.kpi_id
            )
        ).all()
    return {(k, p): v for k, p, v in rows}


def _file(tmp_path: Path, kind: str, rows: list[list[Any]]) -> Path:
    if kind == "csv":
        path = tmp_path / "values.csv"
        path.write_text(_csv(rows), encoding="utf-8")
    else:
        path = tmp_path / "values.xlsx"
        _xlsx(path, rows)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("case", "rows", "how", "expected", "notes"), CASES, ids=[c[0] for c in CASES]
)
def test_vendor_files_land_the_values_meant(
    db, tmp_path: Path, kind: str, case: str, rows, how, expected, notes
) -> None:
    path = _file(tmp_path, kind, rows)
    with db.session() as s:
        summary = import_measurements(path, session=s, options=ReadOptions(**how))
    assert _landed(db) == expected, case
    assert summary.created == len(expected)
    for note in notes:
        assert any(note in n for n in summary.notes), (case, summary.notes)
    if case == "title rows above the header":
        where = "line 4" if kind == "csv" else "row 4"
        assert any(where in n for n in summary.notes), summary.notes


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(("case", "rows", "how", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_vendor_files_refused_with_the_reason(
    db, tmp_path: Path, kind: str, case: str, rows, how, message
) -> None:
    path = _file(tmp_path, kind, rows)
    with pytest.raises(ImportFailed) as exc, db.session() as s:
        import_measurements(path, session=s, options=ReadOptions(**how))
    text = "\n".join(str(p) for p in exc.value.problems)
    assert message in text, text
    line = 1 if "column" in message else 2
    assert f"{path}:{line}: " in text
    assert _landed(db) == {}  # nothing written


def test_xlsx_date_cells_and_the_sheet_to_read(db, tmp_path: Path) -> None:
    path = tmp_path / "pack.xlsx"
    _xlsx(path, [HEAD, [VENDOR, "OTIF", datetime(2026, 3, 15), 96.5]], sheet_first=False)
    with pytest.raises(ImportFailed) as exc, db.session() as s:
        import_measurements(path, session=s)  # the first sheet is the cover page
    assert "pick one with --sheet" in "\n".join(exc.value.notes)
    for sheet in ("Data", "2", "data"):
        with db.session() as s:
            import_measurements(path, session=s, options=ReadOptions(sheet=sheet))
        assert _landed(db) == {("OTIF", "2026-03"): 96.5}
    with (
        pytest.raises(Exception, match="no sheet 'Nope' \\(sheets: 'Cover', 'Data'"),
        db.session() as s,
    ):
        import_measurements(path, session=s, options=ReadOptions(sheet="Nope"))


def test_the_command_reads_stdin_and_prints_the_notes(tmp_path: Path) -> None:
    assert EXE
    env = dict(os.environ)
    url = str(tmp_path / "cli.db")
    run = lambda *a, **kw: subprocess.run(  # noqa: E731
        [EXE, "--db", url, *a], capture_output=True, text=True, timeout=120, env=env, **kw
    )
    assert run("db", "upgrade").returncode == 0
    kpis = tmp_path / "k.csv"
    kpis.write_text(KPIS, encoding="utf-8")
    assert run("import", "kpis", str(kpis)).returncode == 0
    text = _csv([["Report"], [*HEAD, "region"], [VENDOR, "OTIF", "Jan-26", "94,1", "EU"]])
    out = run("import", "measurements", "-", input=text)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "measurements: 1 created, 0 updated, 0 unchanged"
    assert "note: <stdin>: the header is on line 2" in out.stderr
    assert "note: <stdin>: ignored column region" in out.stderr
    bad = run("import", "measurements", "-", "--strict", input=text)
    assert bad.returncode == 1 and "<stdin>:2: region: unknown column" in bad.stderr
    assert run("import", "measurements", "-", "--decimal", "semicolon", input=text).returncode == 2
    card = run("scorecard", "österreich", "--format", "json")
    assert '"actual": 94.1' in card.stdout
