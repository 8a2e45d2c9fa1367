"""``reviewtui actions|plans|escalations|audits`` as the real installed command."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.test_cli import rt

KEYS = {
    "id",
    "vendor_id",
    "vendor",
    "title",
    "owner",
    "due_date",
    "status",
    "priority",
    "overdue",
    "days_overdue",
    "plan_id",
    "meeting_id",
}


@pytest.fixture
def demo(tmp_path: Path) -> str:
    db = str(tmp_path / "demo.db")
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    return db


def actions_json(db: str, *args: str) -> list[dict]:
    out = rt("--db", db, "actions", *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_json_lists_open_actions_earliest_due_first(demo: str) -> None:
    rows = actions_json(demo)
    assert rows and set(rows[0]) == KEYS
    assert [r["due_date"] for r in rows] == sorted(r["due_date"] for r in rows)
    assert {r["status"] for r in rows} <= {"open", "in_progress"}
    late = [r for r in rows if r["overdue"]]
    assert late and all(r["days_overdue"] > 0 and r["due_date"] < "2026-11-28" for r in late)
    assert len(actions_json(demo, "--status", "all")) > len(rows)
    assert {r["status"] for r in actions_json(demo, "--status", "done")} == {"done"}


def test_filters_vendor_owner_overdue_due_within_search(demo: str) -> None:
    keystone = actions_json(demo, "--vendor", "keystone")  # a unique part of the name is enough
    assert keystone and {r["vendor"] for r in keystone} == {"Keystone Precision Manufacturing"}
    yuki = actions_json(demo, "--owner", "yuki")
    assert yuki and {r["owner"] for r in yuki} == {"Yuki Tanaka"}
    overdue = actions_json(demo, "--overdue")
    assert overdue and all(r["overdue"] for r in overdue)
    soon = actions_json(demo, "--due-within", "2w")
    assert all(r["due_date"] <= "2026-12-12" for r in soon)
    assert len(soon) == len(overdue) + sum(
        1 for r in actions_json(demo) if "2026-11-28" <= r["due_date"] <= "2026-12-12"
    )
    found = actions_json(demo, "--search", "OTIF report")
    assert [r["title"] for r in found] == ["Weekly OTIF report by part number to the client"]


def test_csv_has_the_same_rows_as_json(demo: str) -> None:
    out = rt("--db", demo, "actions", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    as_json = actions_json(demo)
    assert [int(r["id"]) for r in rows] == [r["id"] for r in as_json]
    # The script contract: CSV columns are the JSON keys, booleans true/false in both.
    assert list(rows[0]) == list(as_json[0])
    assert {r["overdue"] for r in rows} <= {"true", "false"}
    assert [r["overdue"] == "true" for r in rows] == [r["overdue"] for r in as_json]


def test_table_marks_overdue_in_words(demo: str) -> None:
    out = rt("--db", demo, "actions", "--overdue", env={"COLUMNS": "200"})
    assert out.returncode == 0
    assert "Overdue actions" in out.stdout and "d late" in out.stdout
    assert "Harbor Facilities" in out.stdout


def test_ics_is_read_back_by_the_icalendar_parser(demo: str) -> None:
    from icalendar import Calendar

    out = rt("--db", demo, "actions", "--vendor", "Keystone", "--format", "ics")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("BEGIN:VCALENDAR")
    cal = Calendar.from_ical(out.stdout)
    events = list(cal.walk("VEVENT"))
    rows = actions_json(demo, "--vendor", "Keystone")
    assert len(events) == len(rows) > 0
    by_uid = {str(e["UID"]): e for e in events}
    for r in rows:
        e = by_uid[f"action-{r['id']}@reviewtui"]
        assert e.decoded("DTSTART") == date.fromisoformat(r["due_date"])  # all-day, on the due date
        assert r["title"] in str(e["SUMMARY"])
        assert ("OVERDUE" in str(e["SUMMARY"])) is r["overdue"]
        assert r["owner"] in str(e["DESCRIPTION"])
    assert str(cal["PRODID"]).startswith("-//reviewtui")


def test_ics_uids_are_stable_between_runs(demo: str) -> None:
    from icalendar import Calendar

    def uids() -> list[str]:
        out = rt("--db", demo, "actions", "--format", "ics")
        return [str(e["UID"]) for e in Calendar.from_ical(out.stdout).walk("VEVENT")]

    assert uids() == uids()


def test_fail_if_any_exits_3_for_cron(demo: str, tmp_path: Path) -> None:
    out = rt("--db", demo, "actions", "--overdue", "--fail-if-any", "--format", "csv")
    assert out.returncode == 3
    assert out.stdout.count("\n") > 1  # it still prints what is overdue
    assert rt("--db", demo, "actions", "--overdue").returncode == 0  # only with --fail-if-any
    overdue = actions_json(demo, "--overdue")
    done = rt("--db", demo, "actions", "update", str(overdue[0]["id"]), "--status", "done")
    assert done.returncode == 0, done.stderr
    assert len(actions_json(demo, "--overdue")) == len(overdue) - 1
    _close_all(demo, [a["id"] for a in overdue[1:]])  # the rest through the same query module
    out = rt("--db", demo, "actions", "--overdue", "--fail-if-any")
    assert out.returncode == 0 and "no actions match" in out.stdout
    # A typo in the cron job's --db is an error, not "nothing overdue" (and creates nothing).
    empty = tmp_path / "empty.db"
    typo = rt("--db", str(empty), "actions", "--overdue", "--fail-if-any")
    assert typo.returncode == 1 and "no database at" in typo.stderr and not empty.exists()
    assert rt("--db", str(empty), "db", "upgrade").returncode == 0
    assert rt("--db", str(empty), "actions", "--overdue", "--fail-if-any").returncode == 0


def _close_all(db: str, ids: list[int]) -> None:
    from reviewtui.db import actions as action_q
    from reviewtui.db import open_database

    database = open_database(db, user="tester")
    with database.session() as s:
        for i in ids:
            action_q.update_status(i, "done", session=s)
    database.dispose()


def test_update_status_note_due_owner(demo: str) -> None:
    first = actions_json(demo, "--vendor", "Keystone", "--status", "open")[0]
    out = rt(
        "--db",
        demo,
        "actions",
        "update",
        str(first["id"]),
        "--status",
        "in_progress",
        "--note",
        "Drawing revised",
        "--due",
        "+2w",
        "--owner",
        "Yuki Tanaka",
        "--format",
        "json",
    )
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert (row["status"], row["due_date"], row["owner"]) == (
        "in_progress",
        "2026-12-12",
        "Yuki Tanaka",
    )
    shown = json.loads(
        rt("--db", demo, "actions", "show", str(first["id"]), "--format", "json").stdout
    )
    last = shown["notes"][-1]
    assert (last["status_from"], last["status_to"], last["text"]) == (
        first["status"],
        "in_progress",
        "Drawing revised",
    )
    assert "Due date moved" in shown["notes"][-2]["text"]
    note = rt("--db", demo, "actions", "update", str(first["id"]), "--note", "Called the plant")
    assert note.returncode == 0
    human = rt("--db", demo, "actions", "show", str(first["id"])).stdout
    assert "Called the plant" in human and "→ in_progress" in human


def test_update_errors_exit_1_and_usage_errors_exit_2(demo: str) -> None:
    first = actions_json(demo)[0]
    # A bad option value is a usage error (2), in every command, with the option named.
    bad = rt("--db", demo, "actions", "update", str(first["id"]), "--status", "finished")
    assert bad.returncode == 2 and "Invalid value for '--status': 'finished'" in bad.stderr
    bad = rt("--db", demo, "actions", "update", str(first["id"]), "--due", "03/04/2027")
    assert bad.returncode == 2 and "ambiguous" in bad.stderr and "e.g." in bad.stderr
    assert "'--due'" in bad.stderr
    missing = rt("--db", demo, "actions", "update", "99999", "--status", "done")
    assert missing.returncode == 1 and "no action with id 99999" in missing.stderr
    assert rt("--db", demo, "actions", "update", str(first["id"])).returncode == 2
    assert rt("--db", demo, "actions", "--due-within", "soon").returncode == 2
    assert rt("--db", demo, "actions", "--status", "finished").returncode == 2
    assert rt("--db", demo, "actions", "--format", "xml").returncode == 2
    nobody = rt("--db", demo, "actions", "--vendor", "Nobody Ltd")
    assert nobody.returncode == 1 and "no vendor named 'Nobody Ltd'" in nobody.stderr


def test_add_an_action_to_a_plan(demo: str) -> None:
    out = rt(
        "--db", demo, "actions", "add", "--vendor", "Keystone", "--title", "Audit spares monthly",
        "--due", "+1m", "--owner", "Mark Thompson", "--plan", "1", "--format", "json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert (row["plan_id"], row["due_date"], row["owner"]) == (1, "2026-12-28", "Mark Thompson")
    early = rt(
        "--db", demo, "actions", "add", "--vendor", "Keystone", "--title", "x", "--due",
        "2026-10-01", "--plan", "1",
    )  # fmt: skip
    assert early.returncode == 1 and "before the plan was raised" in early.stderr


def test_a_vendor_session_sees_only_its_actions(demo: str) -> None:
    env = {"REVIEWTUI_ROLE": "vendor", "REVIEWTUI_VENDOR": "Bluebird Contact Centre"}
    out = rt("--db", demo, "actions", "--status", "all", "--format", "json", env=env)
    assert {r["vendor"] for r in json.loads(out.stdout)} == {"Bluebird Contact Centre"}
    other = rt("--db", demo, "actions", "--vendor", "Keystone", env=env)
    assert other.returncode == 1 and "may only see Bluebird" in other.stderr
    keystone_action = actions_json(demo, "--vendor", "Keystone")[0]["id"]
    hidden = rt("--db", demo, "actions", "show", str(keystone_action), env=env)
    assert hidden.returncode == 1 and f"no action with id {keystone_action}" in hidden.stderr
    own = json.loads(rt("--db", demo, "actions", "--format", "json", env=env).stdout)[0]["id"]
    refused = rt("--db", demo, "actions", "update", str(own), "--status", "done", env=env)
    assert refused.returncode == 1 and "restricted to vendor" in refused.stderr
    plans = json.loads(rt("--db", demo, "plans", "--format", "json", env=env).stdout)
    assert plans == []  # the demo's only plan is Keystone's


def test_plans_show_and_verify(demo: str) -> None:
    plans = json.loads(rt("--db", demo, "plans", "--format", "json").stdout)
    assert [p["title"] for p in plans] == ["OTIF below target since summer"]
    shown = json.loads(rt("--db", demo, "plans", "show", "1", "--format", "json").stdout)
    assert len(shown["whys"]) == 5 and shown["kpi_since"] and shown["link"] == "KPI OTIF"
    early = rt("--db", demo, "plans", "verify", "1", "--outcome", "confirmed")
    assert early.returncode == 1 and "still open" in early.stderr
    for a in shown["actions"]:
        if a["status"] in ("open", "in_progress"):
            rt("--db", demo, "actions", "update", str(a["id"]), "--status", "done")
    ok = rt(
        "--db", demo, "plans", "verify", "1", "--outcome", "inconclusive", "--note", "one month"
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "plan 1: inconclusive, now verifying, next check due 2026-12-28"
    rt("--db", demo, "plans", "verify", "1", "--outcome", "not_confirmed")
    # reopened at its root cause; once its actions are done again it can be checked again
    again = rt("--db", demo, "plans", "verify", "1", "--outcome", "not_confirmed")
    assert "consider `reviewtui escalations raise --plan 1" in again.stdout
    text = rt("--db", demo, "plans", "show", "1").stdout
    assert "Why 5:" in text and "OTIF since raised" in text


def test_escalations_suggest_raise_status_and_contract_review(demo: str) -> None:
    sugg = json.loads(rt("--db", demo, "escalations", "suggest", "--format", "json").stdout)
    rules = {s["rule"] for s in sugg}
    assert {"kpi_escalate", "action_overdue"} <= rules
    assert rt("--db", demo, "escalations", "suggest", "--fail-if-any").returncode == 3
    late = next(s for s in sugg if s["rule"] == "action_overdue")
    out = rt(
        "--db", demo, "escalations", "raise", "--vendor", late["vendor"], "--level", "1",
        "--reason", late["reason"], "--action", str(late["action_id"]),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "raised: Raised to level 1:" in out.stdout
    eid = out.stdout.split()[1]
    assert rt("--db", demo, "escalations", "status", eid, "acknowledged").returncode == 0
    listed = json.loads(rt("--db", demo, "escalations", "--format", "json").stdout)
    assert any(str(e["id"]) == eid and e["status"] == "acknowledged" for e in listed)
    log = rt("--db", demo, "escalations", "show", eid).stdout
    assert "[acknowledged]" in log
    after = json.loads(rt("--db", demo, "escalations", "suggest", "--format", "json").stdout)
    assert late["action_id"] not in {s["action_id"] for s in after}
    ladder = json.loads(
        rt(
            "--db", demo, "escalations", "ladder", "--vendor", "Northwind", "--format", "json"
        ).stdout
    )
    assert [s["level"] for s in ladder] == [1, 2, 3]
    step = rt(
        "--db", demo, "escalations", "set-step", "--vendor", "Northwind", "--level", "2",
        "--client", "elena", "--supplier", "daniel", "--hours", "12",
    )  # fmt: skip
    assert step.returncode == 0, step.stderr
    assert step.stdout.strip() == "level 2: Elena Novak / Daniel Wu, 12 h"
    bad = rt("--db", demo, "escalations", "set-step", "--vendor", "Northwind", "--level", "1",
             "--client", "nobody")  # fmt: skip
    assert bad.returncode == 1 and "known: " in bad.stderr
    review = json.loads(
        rt("--db", demo, "escalations", "contract-review", "--format", "json").stdout
    )
    assert [v["name"] for v in review] == ["Keystone Precision Manufacturing"]
    vendors = json.loads(rt("--db", demo, "vendors", "--format", "json").stdout)
    assert {v["name"] for v in vendors if v["contract_review"]} == {
        "Keystone Precision Manufacturing"
    }


def test_audits_add_show_and_raise_a_plan(demo: str) -> None:
    out = rt(
        "--db", demo, "audits", "add", "--vendor", "Harbor", "--date", "2026-11-20",
        "--type", "site_visit", "--auditor", "Grace Kim", "--result", "conditional",
        "--finding", "major:Fire exits blocked", "--finding", "observation:Signage faded",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    audits = json.loads(rt("--db", demo, "audits", "--format", "json").stdout)
    new = next(a for a in audits if a["vendor"] == "Harbor Facilities")
    assert (new["findings"], new["major"], new["without_plan"]) == (2, 1, 1)
    shown = json.loads(
        rt("--db", demo, "audits", "show", str(new["id"]), "--format", "json").stdout
    )
    major = shown["findings"][0]
    assert major["severity"] == "major" and major["plan_id"] is None
    raised = rt("--db", demo, "audits", "raise-plan", str(major["id"]))
    assert raised.returncode == 0 and raised.stdout.startswith("plan ")
    again = rt("--db", demo, "audits", "raise-plan", str(major["id"]))
    assert "already" in again.stdout
    bad = rt(
        "--db", demo, "audits", "add", "--vendor", "Harbor", "--date", "2026-11-20",
        "--type", "site_visit", "--finding", "Fire exits blocked",
    )  # fmt: skip
    assert bad.returncode == 2 and "SEVERITY:TITLE" in bad.stderr
