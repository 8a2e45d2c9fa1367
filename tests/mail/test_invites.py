"""Invitations: `meetings new --invite` / `send invite` send an iCalendar REQUEST; reschedule
sends an update (same UID, higher SEQUENCE) to those invited, cancel a CANCEL."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from icalendar import Calendar

from tests.test_cli import rt

KEYSTONE = {
    "daniel.okafor@contoso.example",
    "lena.vogel@contoso.example",
    "hiro.tanaka@vendor.example",
    "anna.kowalski@vendor.example",
}


def _calendar(received) -> Calendar:
    msg = received.message
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert parts, "no text/calendar part"
    cal = Calendar.from_ical(parts[0].get_content())
    att = [p for p in msg.iter_attachments() if p.get_filename() == "invite.ics"]
    assert att and Calendar.from_ical(att[0].get_content()).to_ical() == cal.to_ical()
    return cal


def test_invite_reschedule_cancel(smtp, tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    out = rt("--db", db, "meetings", "new", "Keystone", "--at", "2026-12-10 14:00",
             "--location", "Room 4 / Teams", "--invite", env=smtp.env)  # fmt: skip
    assert out.returncode == 0, out.stderr
    mid = out.stdout.splitlines()[0].strip()
    assert "invitation (SEQUENCE 0) sent to" in out.stdout
    [first] = smtp.received
    with sqlite3.connect(db) as con:
        emails = {e for (e,) in con.execute(
            "SELECT email FROM contact JOIN vendor ON vendor.id = contact.vendor_id "
            "WHERE vendor.name LIKE 'Keystone%' AND email != ''")}  # fmt: skip
    assert set(first.rcpt_tos) == emails and emails
    cal = _calendar(first)
    assert str(cal["method"]) == "REQUEST"
    [ev] = cal.walk("VEVENT")
    uid = str(ev["uid"])
    assert uid.startswith(f"meeting-{mid}-") and int(ev["sequence"]) == 0
    assert ev.decoded("dtstart").isoformat() == "2026-12-10T14:00:00+00:00"
    assert str(ev["location"]) == "Room 4 / Teams"
    assert str(ev["organizer"]) == "mailto:reviews@contoso.example"
    attendees = {str(a).removeprefix("mailto:") for a in ev["attendee"]}
    assert attendees == emails
    assert "Agenda:" in str(ev["description"]) and "1. " in str(ev["description"])
    assert first.message["Subject"].startswith("Invitation: Monthly service review with Keystone")

    again = rt("--db", db, "send", "invite", mid, env=smtp.env)
    assert again.returncode == 0 and "nobody new to invite" in again.stdout
    assert len(smtp.received) == 1

    moved = rt("--db", db, "meetings", "reschedule", mid, "--at", "2026-12-11 09:30",
               env=smtp.env)  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    assert "update (SEQUENCE 1) sent to" in moved.stdout
    upd = smtp.received[1]
    assert set(upd.rcpt_tos) == emails
    [ev] = _calendar(upd).walk("VEVENT")
    assert str(ev["uid"]) == uid and int(ev["sequence"]) == 1
    assert ev.decoded("dtstart").isoformat() == "2026-12-11T09:30:00+00:00"
    assert str(_calendar(upd)["method"]) == "REQUEST"

    gone = rt("--db", db, "meetings", "cancel", mid, "--reason", "Vendor\r\nBcc: x@evil.example",
              env=smtp.env)  # fmt: skip
    assert gone.returncode == 0, gone.stderr
    cancel = smtp.received[2]
    cal = _calendar(cancel)
    [ev] = cal.walk("VEVENT")
    assert str(cal["method"]) == "CANCEL" and str(ev["status"]) == "CANCELLED"
    assert str(ev["uid"]) == uid and int(ev["sequence"]) == 2
    assert "Reason: Vendor Bcc: x@evil.example" in str(ev["description"])
    assert "Bcc" not in cancel.message
    listed = rt("--db", db, "meetings", "--format", "json")
    assert '"status": "cancelled"' in listed.stdout
    late = rt("--db", db, "meetings", "reschedule", mid, "--at", "2026-12-12 10:00", env=smtp.env)
    assert late.returncode == 1 and "only a planned meeting can be rescheduled" in late.stderr


def test_new_with_invite_keeps_the_meeting_when_mail_fails(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"REVIEWTUI_SMTP_HOST": "127.0.0.1", "REVIEWTUI_SMTP_PORT": str(port),
           "REVIEWTUI_SMTP_SECURITY": "none", "REVIEWTUI_SMTP_FROM": "r@contoso.example"}  # fmt: skip
    out = rt("--db", db, "meetings", "new", "Keystone", "--at", "2026-12-10 14:00", "--invite",
             env=env)  # fmt: skip
    assert out.returncode == 1
    mid = int(out.stdout.strip())
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(f"reviewtui: meeting {mid} was created, but the invitation failed: ")
    assert "connection refused" in line
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT status FROM meeting WHERE id = ?", (mid,)).fetchone() == (
            "planned",
        )
        assert con.execute("SELECT count(*) FROM mailsent").fetchone() == (0,)
