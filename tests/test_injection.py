"""Terminal injection: user text never reaches a terminal or an export as markup or escapes.

Hostile names (Rich markup, ESC/CSI/OSC sequences, BEL, NUL, a C1 CSI) are refused at every
entry point that takes them, and when they are in the database anyway (stored before these
checks, or by another program), the raw bytes of every table, CSV, Markdown and HTML output
hold none of those control characters, and the markup shows as the characters typed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import EXE, rt

MARKUP = "[bold red]Evil[/] [link=file:///etc/passwd]x[/link]"
ESCAPES = (
    "\x1b[5mblink\x1b[0m \x1b]52;c;aGFjaw==\x07 \x1b]8;;http://e.example\x1b\\ln\x1b]8;;\x1b\\"
)
# A right-to-left override: the rest of the line shown backwards ("Trojan Source").
BIDI = "Penalty \u202e0005 EUR\u202c waived \u2067isolated\u2069"
HOSTILE = f"{MARKUP} {ESCAPES} \x9b31m {BIDI}"
STORED = HOSTILE + " \x00nul"  # NUL cannot travel in argv, but a database can hold it
FORBIDDEN = [b"\x1b", b"\x00", b"\x07", "\x9b".encode(), "\u202e".encode(), "\u2067".encode()]


@pytest.fixture
def demo(tmp_path: Path) -> str:
    db = str(tmp_path / "demo.db")
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    return db


def raw(*args: str) -> subprocess.CompletedProcess:
    """The command's output as bytes, exactly as a terminal or a pipe would get them."""
    assert EXE
    return subprocess.run([EXE, *args], capture_output=True, timeout=120, env=dict(os.environ))


def assert_inert(out: subprocess.CompletedProcess, what: str) -> None:
    for stream in (out.stdout, out.stderr):
        for bad in FORBIDDEN:
            assert bad not in stream, f"{what}: {bad!r} reached the output: {stream[:400]!r}"


def test_entry_points_refuse_control_characters(demo: str, tmp_path: Path) -> None:
    attempts = [
        ("actions", "add", "--vendor", "Keystone", "--title", HOSTILE, "--due", "+3d"),
        ("actions", "add", "--vendor", "Keystone", "--title", "ok", "--due", "+3d",
         "--owner", ESCAPES),
        ("meetings", "new", "Keystone", "--at", "2026-12-10 10:00", "--title", ESCAPES),
        ("escalations", "raise", "--vendor", "Keystone", "--reason", ESCAPES),
        ("audits", "add", "--vendor", "Keystone", "--date", "2026-11-02", "--auditor", ESCAPES),
        ("signoff", "1", "--name", HOSTILE, "--side", "vendor"),
        ("actions", "--vendor", ESCAPES),
        ("scorecard", ESCAPES),
        ("actions", "add", "--vendor", "Keystone", "--title", BIDI, "--due", "+3d"),
        ("meetings", "new", "Keystone", "--at", "2026-12-10 10:00", "--title", BIDI),
    ]  # fmt: skip
    before = raw("--db", demo, "audit", "--format", "json").stdout
    for args in attempts:
        out = raw("--db", demo, *args)
        assert out.returncode == 2, (args, out.stderr)
        assert b"control character (U+" in out.stderr, (args, out.stderr)
        assert b"Invalid value for '--" in out.stderr or b"Invalid value for" in out.stderr
        assert_inert(out, " ".join(args[:2]))
    assert raw("--db", demo, "audit", "--format", "json").stdout == before  # nothing written

    # Imports name the file, line and column.
    kpis = tmp_path / "kpis.csv"
    kpis.write_text(
        "vendor,kpi,direction,target\n"
        "Keystone Precision Manufacturing,On time,higher,95\n"
        "Evil\x1b]52;c;aGk=\x07 Co,SLA,higher,90\n"
        "Keystone Precision Manufacturing,Scrap\x00rate,lower,2\n",
        encoding="utf-8",
    )
    out = raw("--db", demo, "import", "kpis", str(kpis))
    assert out.returncode == 1
    assert f"{kpis}:3: vendor: holds a control character (U+001B)".encode() in out.stderr
    assert f"{kpis}:4: kpi: holds a control character (U+0000)".encode() in out.stderr
    assert_inert(out, "import kpis")
    assert raw("--db", demo, "audit", "--format", "json").stdout == before


def _store_hostile(db: str) -> int:
    """Put hostile text where names and titles are kept, as an old version could have."""
    con = sqlite3.connect(db)
    with con:
        vid = con.execute(
            "SELECT id FROM vendor WHERE name = 'Keystone Precision Manufacturing'"
        ).fetchone()[0]
        con.execute("UPDATE vendor SET name = ? WHERE id = ?", ("Keystone " + STORED, vid))
        con.execute("UPDATE action SET title = ?, owner = ? WHERE vendor_id = ?",
                    (STORED, STORED, vid))  # fmt: skip
        con.execute("UPDATE meeting SET title = ? WHERE vendor_id = ?", (STORED, vid))
        con.execute("UPDATE kpi SET name = ? || name WHERE vendor_id = ?", (HOSTILE, vid))
        con.execute(
            "UPDATE agendaitem SET title = ?, notes = ? WHERE meeting_id IN "
            "(SELECT id FROM meeting WHERE vendor_id = ?)",
            (STORED, STORED + "\nsecond line\twith a tab", vid),
        )
        mid = con.execute(
            "SELECT id FROM meeting WHERE vendor_id = ? ORDER BY scheduled_at LIMIT 1", (vid,)
        ).fetchone()[0]
    con.close()
    return mid


def test_stored_hostile_text_reaches_no_output_as_escapes_or_markup(demo: str) -> None:
    mid = _store_hostile(demo)
    action = json.loads(raw("--db", demo, "actions", "--vendor", "keystone", "--format",
                            "json").stdout)[0]["id"]  # fmt: skip
    commands = [
        ("vendors",), ("vendors", "--format", "csv"),
        ("actions",), ("actions", "--format", "csv"), ("actions", "--format", "ics"),
        ("actions", "show", str(action)),
        ("meetings",), ("meetings", "--format", "csv"),
        ("audit",), ("audit", "--format", "csv"),
        ("plans",), ("plans", "--format", "csv"), ("plans", "show", "1"),
        ("escalations",), ("escalations", "--format", "csv"),
        ("escalations", "suggest"), ("escalations", "suggest", "--format", "csv"),
        ("audits",), ("audits", "--format", "csv"),
        ("scorecard", "--all"), ("scorecard", "--all", "--format", "csv"),
        ("scorecard", "keystone"), ("scorecard", "keystone", "--format", "csv"),
        ("export", "minutes", str(mid), "--format", "md", "-o", "-"),
        ("export", "minutes", str(mid), "--format", "html", "-o", "-"),
    ]  # fmt: skip
    outputs = {}
    for args in commands:
        out = outputs[args] = raw("--db", demo, *args)
        assert out.returncode == 0, (args, out.stderr)
        assert_inert(out, " ".join(args))
        text = out.stdout.decode("utf-8")
        if args[0] in ("vendors", "actions", "meetings", "scorecard") and "ics" not in args:
            # Markup is shown as typed, not interpreted (and not swallowed).
            assert "[bold red]Evil[/]" in text, (args, text[:600])
            assert "␛" in text, (args, text[:600])  # ESC shown as a visible stand-in
    md = outputs[("export", "minutes", str(mid), "--format", "md", "-o", "-")].stdout
    assert "second line" in md.decode()  # a note keeps its line breaks
    html = outputs[("export", "minutes", str(mid), "--format", "html", "-o", "-")].stdout
    assert b"<link=" not in html and b"&lt;" not in html.split(b"<body")[0][:0]
    assert "[link=file:///etc/passwd]" in html.decode()  # text, not a link
    # JSON keeps the data, with every control character escaped.
    js = raw("--db", demo, "vendors", "--format", "json")
    assert_inert(js, "vendors json")
    assert "Keystone " + STORED in [v["name"] for v in json.loads(js.stdout)]
    for args in (("actions", "--vendor", "keystone"), ("actions", "show", str(action))):
        js = raw("--db", demo, *args, "--format", "json")
        assert_inert(js, " ".join(args) + " json")
        data = json.loads(js.stdout)
        assert (data[0] if isinstance(data, list) else data)["title"] == STORED, args
