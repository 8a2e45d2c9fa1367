"""`reviewtui remind`: one digest per owner across vendors (overdue and due soon), one per
facilitator, owners without an email warned about, at most once a day per person."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_cli import rt


def _setup(tmp_path: Path) -> tuple[str, dict[str, str]]:
    db = str(tmp_path / "d.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    with sqlite3.connect(db) as con:
        keystone = con.execute("SELECT id FROM vendor WHERE name LIKE 'Keystone%'").fetchone()[0]
        # Raj Patel also works for Keystone: one person, actions at two vendors.
        cur = con.execute(
            "INSERT INTO contact (vendor_id, side, name, organisation, role, email) "
            "VALUES (?, 'vendor', 'Raj Patel', 'Keystone', 'Liaison', 'raj.patel@vendor.example')",
            (keystone,),
        )
        con.execute(
            "UPDATE action SET owner_contact_id = ?, owner = 'Raj Patel', due_date = '2026-12-01' "
            "WHERE id = 26",
            (cur.lastrowid,),
        )
        con.execute("UPDATE contact SET email = '' WHERE name = 'Owen Price'")
    etc = tmp_path / "etc"
    etc.mkdir()
    conf = etc / "config.toml"
    conf.write_text(
        '[users.lead]\nrole = "facilitator"\nname = "Maria Jensen"\n'
        'email = "lead@contoso.example"\n'
        '[users.viewer1]\nrole = "viewer"\nemail = "viewer@contoso.example"\n',
        encoding="utf-8",
    )
    return db, {"REVIEWTUI_SYSTEM_CONFIG": str(conf)}


def test_digests_per_owner_and_facilitator_once_a_day(smtp, tmp_path: Path) -> None:
    db, conf = _setup(tmp_path)
    env = {**smtp.env, **conf}
    out = rt("--db", db, "remind", "--due-within", "7d", env=env)
    assert out.returncode == 0, out.stderr
    assert (
        "reviewtui: warning: no email for action owner Owen Price (Harbor Facilities; "
        "actions 22, 23, 24): not reminded" in out.stderr
    )
    got = {r.rcpt_tos[0]: r.message for r in smtp.received}
    assert set(got) == {
        "lucia.romero@vendor.example",
        "mark.thompson@vendor.example",
        "raj.patel@vendor.example",
        "lead@contoso.example",
    }  # not Yuki Tanaka (her action moved to Raj), not the viewer, not Owen (no email)
    raj = got["raj.patel@vendor.example"]
    assert raj["Subject"] == "Reminder: 3 overdue, 1 due within 7 days"
    assert raj["Auto-Submitted"] == "auto-generated"
    text = raj.get_body(("plain",)).get_content()
    assert "Keystone Precision Manufacturing: 0 overdue, 1 due soon" in text
    assert "Northwind Service Desk: 3 overdue, 0 due soon" in text
    assert text.index("Keystone") < text.index("Northwind")
    assert "#26 Add a second inspection shift for H-220 — due 2026-12-01 (plan: OTIF below " \
        "target since summer)" in text  # fmt: skip
    assert "#5 Publish knowledge articles for top 10 ticket types — OVERDUE by 21 days " \
        "(from: Monthly service review, 2026-10-24)" in text  # fmt: skip
    html = raj.get_body(("html",)).get_content()
    assert "<table" in html and "OTIF below target since summer" in html
    lead = got["lead@contoso.example"]
    assert lead["Subject"] == "Vendors needing attention: 4"
    lead_text = lead.get_body(("plain",)).get_content()
    assert "Reviews due by 2026-12-05" in lead_text
    import csv
    import io

    listed = rt("--db", db, "vendors", "--format", "csv", env=env).stdout
    due = [r for r in csv.DictReader(io.StringIO(listed)) if r["next_review_due"] <= "2026-12-05"]
    assert due  # the vendor list and the digest agree on which reviews fall due
    for r in due:
        assert f"  - {r['name']}: review due {r['next_review_due']}" in lead_text
    assert "Harbor Facilities: 3 overdue, 0 due soon" in lead_text  # Owen's too
    assert "owner Owen Price" in lead_text
    # once a day
    second = rt("--db", db, "remind", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("already reminded today") == 4 and len(smtp.received) == 4
    forced = rt("--db", db, "remind", "--again", env=env)
    assert forced.returncode == 0 and len(smtp.received) == 8
    tomorrow = rt("--db", db, "remind", env={**env, "REVIEWTUI_NOW": "2026-11-29T07:00:00+00:00"})
    assert tomorrow.returncode == 0 and len(smtp.received) == 12


def test_the_facilitators_digest_names_the_red_kpis_scorecard_all_shows(
    smtp, tmp_path: Path
) -> None:
    """The vendors slipping, as the scorecard has them: every KPI red or due for escalation in
    `scorecard --all --format json`, and no other, with its status and misses."""
    import json

    db, conf = _setup(tmp_path)
    env = {**smtp.env, **conf}
    out = rt("--db", db, "remind", env=env)
    assert out.returncode == 0, out.stderr
    lead = next(r.message for r in smtp.received if r.rcpt_tos == ["lead@contoso.example"])
    text = lead.get_body(("plain",)).get_content().replace("\r\n", "\n")  # as it came: CRLF
    head = "KPIs in the red or due for escalation (latest period)\n"
    assert head in text, text
    section = text.split(head, 1)[1].split("\n\n", 1)[0].splitlines()
    cards = json.loads(rt("--db", db, "scorecard", "--all", "--format", "json", env=env).stdout)
    expected = [
        (card["vendor"], k) for card in cards for k in card["kpis"]
        if k["status"] == "red" or k["escalate"]
    ]  # fmt: skip
    assert expected, "the demo has KPIs in the red"
    said = "KPIs in the red or to escalate)"
    assert f"(facilitator, 13 actions, {len(expected)} {said}" in out.stdout, out.stdout
    assert len(section) == len(expected), (section, expected)
    for line, (vendor, k) in zip(section, expected, strict=True):
        assert line.startswith(f"  - {vendor}: {k['kpi']}: "), (line, vendor, k["kpi"])
        assert f"({k['status']}" in line, line
        assert ("misses in a row: escalate" in line) == k["escalate"], line
        if k["escalate"]:
            assert f"{k['consecutive_misses']} misses in a row" in line, line
    html = lead.get_body(("html",)).get_content()
    assert "KPIs in the red or due for escalation" in html


def test_a_refused_owner_fails_the_run_and_is_tried_again(smtp, tmp_path: Path) -> None:
    db, conf = _setup(tmp_path)
    env = {**smtp.env, **conf}
    smtp.handler.refuse = {"mark.thompson@vendor.example"}
    out = rt("--db", db, "remind", env=env)
    assert out.returncode == 1
    [line] = [x for x in out.stderr.splitlines() if "warning" not in x]
    assert "reminders not sent to Mark Thompson <mark.thompson@vendor.example> (550" in line
    assert "sent to 3 others" in line and len(smtp.received) == 3
    smtp.handler.refuse = set()
    retry = rt("--db", db, "remind", env=env)
    assert retry.returncode == 0
    assert [r.rcpt_tos for r in smtp.received[3:]] == [["mark.thompson@vendor.example"]]


def test_dry_run_sends_nothing(smtp, tmp_path: Path) -> None:
    db, conf = _setup(tmp_path)
    out = rt("--db", db, "remind", "--dry-run", env={**smtp.env, **conf})
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("would send to:") == 4 and smtp.received == []
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM mailsent").fetchone() == (0,)
