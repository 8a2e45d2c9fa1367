"""`reviewtui send minutes` against a real SMTP server: recipients on both sides, the subject,
text and HTML, the attached PDF passing `reviewtui verify`, the .ics parsing with icalendar,
the record, no second sending without --again; and the failures: one recipient refused, the
server dying in the middle, header injection through a name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.test_cli import rt

ATTENDEES = {
    "maria.jensen@contoso.example",
    "tom.becker@contoso.example",
    "raj.patel@vendor.example",
    "sofia.lind@vendor.example",
}
SIGNED = "2"  # Northwind's signed-off monthly review in the demo data
DRAFT = "3"  # Northwind's ended, unsigned review


@pytest.fixture
def demo(tmp_path: Path) -> str:
    db = str(tmp_path / "demo.db")
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    return db


@pytest.fixture
def lead(tmp_path: Path) -> dict[str, str]:
    """The server's config names the facilitator (the demo's Maria Jensen) with her own email."""
    etc = tmp_path / "etc"
    etc.mkdir()
    conf = etc / "config.toml"
    conf.write_text(
        '[users.lead]\nrole = "facilitator"\nname = "Maria Jensen"\n'
        'email = "lead@contoso.example"\n',
        encoding="utf-8",
    )
    conf.chmod(0o644)
    return {"REVIEWTUI_SYSTEM_CONFIG": str(conf)}


def _sent_rows(db: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT kind, meeting_id, revision, draft, recipient, field, message_id, sha256, "
            "attachment_sha256, sent_by FROM mailsent ORDER BY id"
        ).fetchall()


def test_signed_minutes_reach_both_sides_with_a_verifiable_pdf(
    smtp, demo: str, lead: dict, tmp_path: Path
) -> None:
    env = {**smtp.env, **lead}
    out = rt("--db", demo, "send", "minutes", SIGNED, "--cc", "boss@contoso.example", env=env)
    assert out.returncode == 0, out.stderr
    [got] = smtp.received
    assert set(got.rcpt_tos) == ATTENDEES | {"lead@contoso.example", "boss@contoso.example"}
    msg = got.message
    assert msg["Subject"] == "Minutes: Northwind Service Desk — Monthly, 2026-10-01 (revision 1)"
    to = {a.addr_spec for a in msg["To"].addresses}
    assert to == ATTENDEES | {"lead@contoso.example"}
    assert {a.addr_spec for a in msg["Cc"].addresses} == {"boss@contoso.example"}
    assert "Bcc" not in msg
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Publish knowledge articles for top 10 ticket types (round 2) — owner Raj Patel, " \
        "due 2026-10-15" in text  # fmt: skip
    assert "reviewtui verify FILE.pdf" in text and "reviewtui verify FILE.pdf" in html
    assert "<td" in html and "Raj Patel" in html
    atts = {p.get_filename(): p for p in msg.iter_attachments()}
    pdf_name = "minutes-northwind-service-desk-2026-10-01-r1.pdf"
    assert set(atts) == {pdf_name, "actions.ics"}
    pdf = tmp_path / pdf_name
    pdf.write_bytes(atts[pdf_name].get_content())
    verified = rt("--db", demo, "verify", str(pdf))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    sha = out.stdout.split(", SHA-256 ")[1].split(";")[0]
    assert f"SHA-256 {sha}" in verified.stdout and "digitally signed" not in verified.stderr
    cal = Calendar.from_ical(atts["actions.ics"].get_content())
    events = cal.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Due: Publish knowledge articles for top 10 ticket types (round 2) (Northwind Service Desk)",
        "Due: Add weekend shift cover for P1 response (round 2) (Northwind Service Desk)",
    ]
    assert str(events[0]["uid"]) == "action-3@reviewtui"
    # recorded: one row per recipient, with the message id and the hash sent
    rows = _sent_rows(demo)
    assert {r[4] for r in rows} == set(got.rcpt_tos)
    assert {(r[0], r[1], r[2], r[3]) for r in rows} == {("minutes", 2, 1, 0)}
    assert {r[6] for r in rows} == {msg["Message-ID"].strip()} and {r[7] for r in rows} == {sha}
    assert "Message-ID " + msg["Message-ID"].strip() in out.stdout and sha in out.stdout
    # not twice to the same people without --again
    again = rt("--db", demo, "send", "minutes", SIGNED, "--cc", "boss@contoso.example", env=env)
    assert again.returncode == 0, again.stderr
    assert "nothing sent" in again.stdout and len(smtp.received) == 1
    assert again.stdout.count("already sent revision 1 to") == 6
    one_more = rt("--db", demo, "send", "minutes", SIGNED, "--to", "new@vendor.example", env=env)
    assert one_more.returncode == 0, one_more.stderr
    assert smtp.received[1].rcpt_tos == ["new@vendor.example"]
    forced = rt("--db", demo, "send", "minutes", SIGNED, "--again", env=env)
    assert forced.returncode == 0 and len(smtp.received) == 3
    assert set(smtp.received[2].rcpt_tos) == ATTENDEES | {"lead@contoso.example"}


def test_drafts_only_with_draft_and_marked(smtp, demo: str) -> None:
    refused = rt("--db", demo, "send", "minutes", DRAFT, env=smtp.env)
    assert refused.returncode == 1
    assert "not signed off yet" in refused.stderr and "--draft" in refused.stderr
    out = rt("--db", demo, "send", "minutes", DRAFT, "--draft", env=smtp.env)
    assert out.returncode == 0, out.stderr
    msg = smtp.received[0].message
    assert msg["Subject"].startswith("DRAFT minutes: Northwind Service Desk — Monthly")
    assert "DRAFT for review" in msg.get_body(("plain",)).get_content()
    names = [p.get_filename() for p in msg.iter_attachments()]
    assert "minutes-northwind-service-desk-2026-10-24-r1-draft.pdf" in names
    assert {(r[0], r[3]) for r in _sent_rows(demo)} == {("minutes", 1)}


def test_dry_run_sends_and_records_nothing(smtp, demo: str) -> None:
    out = rt("--db", demo, "send", "minutes", SIGNED, "--dry-run", env=smtp.env)
    assert out.returncode == 0, out.stderr
    assert "Subject: Minutes: Northwind Service Desk" in out.stdout
    assert out.stdout.count("would send to:") == 4 and "dry run: nothing sent" in out.stdout
    assert smtp.received == [] and _sent_rows(demo) == []
    old = rt("--db", demo, "send", "minutes", SIGNED, "--revision", "1", "--dry-run", env=smtp.env)
    assert old.returncode == 0 and "(revision 1)" in old.stdout
    none = rt("--db", demo, "send", "minutes", SIGNED, "--revision", "5", env=smtp.env)
    assert none.returncode == 1 and none.stderr.strip() == (
        "reviewtui: meeting 2 has no revision 5 (its revisions are 1 to 1)"
    )
    bad = rt("--db", demo, "send", "minutes", SIGNED, "--cc", "boss at contoso", env=smtp.env)
    assert bad.returncode == 1 and bad.stderr.strip() == (
        "reviewtui: --cc: 'boss at contoso' is not an email address (give name@example.com, "
        "ASCII only)"
    )
    assert smtp.received == [] and _sent_rows(demo) == []


def test_one_refused_recipient_is_named_and_not_recorded(smtp, demo: str) -> None:
    smtp.handler.refuse = {"sofia.lind@vendor.example"}
    out = rt("--db", demo, "send", "minutes", SIGNED, env=smtp.env)
    assert out.returncode == 1
    [line] = out.stderr.strip().splitlines()
    assert "refused Sofia Lind <sofia.lind@vendor.example> (550 5.1.1" in line
    assert "not recorded as sent" in line
    assert "sent to 3 of 4" in out.stdout
    assert set(smtp.received[0].rcpt_tos) == ATTENDEES - {"sofia.lind@vendor.example"}
    assert {r[4] for r in _sent_rows(demo)} == ATTENDEES - {"sofia.lind@vendor.example"}
    smtp.handler.refuse = set()
    retry = rt("--db", demo, "send", "minutes", SIGNED, env=smtp.env)
    assert retry.returncode == 0, retry.stderr
    assert smtp.received[1].rcpt_tos == ["sofia.lind@vendor.example"]


def test_server_dying_mid_send_records_nothing(smtp, demo: str) -> None:
    smtp.handler.die_in_data = True
    out = rt("--db", demo, "send", "minutes", SIGNED, env=smtp.env)
    assert out.returncode == 1
    [line] = out.stderr.strip().splitlines()
    assert "broke off while sending" in line and "not sent" in line
    assert smtp.received == [] and _sent_rows(demo) == []
    smtp.handler.die_in_data = False
    again = rt("--db", demo, "send", "minutes", SIGNED, env=smtp.env)
    assert again.returncode == 0 and set(smtp.received[0].rcpt_tos) == ATTENDEES


def test_names_cannot_inject_headers_and_other_scripts_are_encoded(smtp, demo: str) -> None:
    with sqlite3.connect(demo) as con:
        con.execute(
            "UPDATE contact SET name = ? WHERE email = 'sofia.lind@vendor.example'",
            ("Sofia\r\nBcc: evil@attacker.example",),
        )
        con.execute(
            "UPDATE attendance SET name = (SELECT name FROM contact WHERE contact.id = "
            "attendance.contact_id) WHERE contact_id IS NOT NULL"
        )
        con.execute("UPDATE contact SET name = '山田 太郎 «Ёж» 🎉' WHERE email = "
                    "'tom.becker@contoso.example'")  # fmt: skip
        con.execute("UPDATE attendance SET name = '山田 太郎 «Ёж» 🎉' WHERE name = 'Tom Becker'")
    out = rt("--db", demo, "send", "minutes", DRAFT, "--draft", env=smtp.env)
    assert out.returncode == 0, out.stderr
    got = smtp.received[0]
    assert "evil@attacker.example" not in got.rcpt_tos
    head = got.raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and head.isascii()
    msg = got.message
    names = {a.addr_spec: a.display_name for a in msg["To"].addresses}
    assert names["sofia.lind@vendor.example"] == "Sofia Bcc: evil@attacker.example"
    assert names["tom.becker@contoso.example"] == "山田 太郎 «Ёж» 🎉"
