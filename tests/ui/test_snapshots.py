"""Snapshots of the screens and modals no other test file pictures, at 80x24 and 120x36.

Each one is reached the way a user gets there: keys from the dashboard, or the app's own
``open_*`` method where the keys would be a long walk through the command palette (which has a
picture of its own). Before the picture, the test checks that the screen on top is the one
named, so a walk that went astray fails as such and not as a puzzling picture.

The demo data and the frozen clock (tests/conftest.py) make every picture the same on every
run; cursors do not blink (tests/ui/conftest.py). The table of every screen and modal with its
snapshot is in ARCHITECTURE.md ("Tests").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.command import CommandPalette
from textual.screen import Screen

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.action_edit import ActionEditScreen
from reviewtui.screens.add_vendor import AddVendorScreen
from reviewtui.screens.audits import AuditFormScreen, AuditsScreen
from reviewtui.screens.dashboard import DashboardScreen
from reviewtui.screens.escalations import (
    EscalationLogScreen,
    EscalationsScreen,
    RaiseEscalationScreen,
)
from reviewtui.screens.help import HelpScreen
from reviewtui.screens.kpi_form import ConfirmDeleteKpi, KpiFormScreen, ValueFormScreen
from reviewtui.screens.meeting import MeetingScreen
from reviewtui.screens.meeting_modals import (
    ActionModal,
    AttendanceModal,
    ConfirmModal,
    OutcomeKindModal,
)
from reviewtui.screens.meeting_modals import PromptModal as MeetingPrompt
from reviewtui.screens.meetings import MeetingsScreen, NewMeetingModal
from reviewtui.screens.meetings import PromptModal as MeetingsPrompt
from reviewtui.screens.minutes import MinutesScreen, SignOffScreen
from reviewtui.screens.plan_form import VerificationScreen
from reviewtui.screens.plans import PlansScreen
from reviewtui.screens.send_mail import SendMinutesModal
from tests.ui.conftest import make_app, settle

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
KEYSTONE = "Keystone Precision Manufacturing"


@dataclass(frozen=True)
class Ids:
    """Rows of the demo data the walks start from, looked up by what they are."""

    keystone_planned: int  # Keystone's next review (planned)
    keystone_ended: int  # Keystone's latest review that took place (minutes not signed)
    signed_off: int  # the demo's signed-off minutes


def demo_ids(path: Path) -> Ids:
    db = open_database(str(path))
    with db.read() as s:
        keystone = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))

        def meeting(status: str, vendor_id: int | None = None) -> int:
            q = select(m.Meeting.id).where(m.Meeting.status == status)
            if vendor_id is not None:
                q = q.where(m.Meeting.vendor_id == vendor_id)
            return s.scalars(q.order_by(m.Meeting.scheduled_at.desc())).first()

        ids = Ids(
            keystone_planned=meeting("planned", keystone),
            keystone_ended=meeting("ended", keystone),
            signed_off=meeting("signed_off"),
        )
    db.dispose()
    return ids


async def idle(pilot) -> None:
    """Every worker done and its result shown: enough between two steps of a walk (the
    picture itself waits for a still screen, see ``settle``)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()


async def keys(pilot, *pressed: str) -> None:
    """Keys pressed one after the other, each one's work done before the next."""
    for key in pressed:
        await pilot.press(key)
        await idle(pilot)


Walk = Callable[[object, Ids], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    """A screen or modal: how a user reaches it from the dashboard, and its class."""

    name: str
    expect: type[Screen]
    walk: Walk


async def _dashboard(pilot, ids: Ids) -> None:
    await idle(pilot)


async def _meeting(pilot, ids: Ids, *pressed: str) -> None:
    # From the notes (their focus on open) to the agenda's keys, as the meeting says.
    pilot.app.open_meeting(ids.keystone_planned)
    await idle(pilot)
    await keys(pilot, "escape", *pressed)


async def _minutes(pilot, meeting_id: int, *pressed: str) -> None:
    pilot.app.open_minutes(meeting_id)
    await idle(pilot)
    await keys(pilot, *pressed)


def _pressing(*pressed: str) -> Walk:
    async def walk(pilot, ids: Ids) -> None:
        await idle(pilot)
        await keys(pilot, *pressed)

    return walk


def _in_meeting(*pressed: str) -> Walk:
    async def walk(pilot, ids: Ids) -> None:
        await _meeting(pilot, ids, *pressed)

    return walk


def _opening(method: str, *pressed: str) -> Walk:
    """An ``app.open_*`` method (the command palette's entry), then keys."""

    async def walk(pilot, ids: Ids) -> None:
        await idle(pilot)
        getattr(pilot.app, method)()
        await idle(pilot)
        await keys(pilot, *pressed)

    return walk


async def _sign_off(pilot, ids: Ids) -> None:
    await _minutes(pilot, ids.keystone_ended, "s")


async def _amend(pilot, ids: Ids) -> None:
    await _minutes(pilot, ids.signed_off, "A")


async def _send_minutes(pilot, ids: Ids) -> None:
    await _minutes(pilot, ids.signed_off, "M")


async def _discard_question(pilot, ids: Ids) -> None:
    await idle(pilot)
    await keys(pilot, "a")
    await pilot.press(*"Acme")
    await keys(pilot, "ctrl+g")  # its cancel key (Escape does nothing in this form)


async def _palette(pilot, ids: Ids) -> None:
    await idle(pilot)
    await keys(pilot, "ctrl+p")
    await pilot.press(*"escal")
    await idle(pilot)


SHOTS = [
    # The dashboard: first run, on an empty database (see test_snapshot_empty_dashboard).
    Shot("help", HelpScreen, _pressing("question_mark")),
    Shot("palette", CommandPalette, _palette),
    Shot("add_vendor", AddVendorScreen, _pressing("a")),
    Shot("discard_question", ConfirmModal, _discard_question),
    # The vendor page: Keystone is the first row (attention first).
    Shot("kpi_value_form", ValueFormScreen, _pressing("enter", "v")),
    Shot("kpi_form", KpiFormScreen, _pressing("enter", "e")),
    Shot("kpi_delete", ConfirmDeleteKpi, _pressing("enter", "D")),
    Shot("meetings", MeetingsScreen, _pressing("m")),
    Shot("new_meeting", NewMeetingModal, _pressing("m", "n")),
    Shot("reschedule", MeetingsPrompt, _pressing("m", "t")),
    # A planned meeting, opened: its agenda.
    Shot("meeting_planned", MeetingScreen, _in_meeting()),
    Shot("attendance", AttendanceModal, _in_meeting("s")),
    Shot("outcome_kind", OutcomeKindModal, _in_meeting("ctrl+o")),
    Shot("action_modal", ActionModal, _in_meeting("a")),
    Shot("rename_item", MeetingPrompt, _in_meeting("r")),
    Shot("remove_item", ConfirmModal, _in_meeting("delete")),
    Shot("help_meeting", HelpScreen, _in_meeting("question_mark")),  # the most keys of all
    Shot("minutes_draft", MinutesScreen, lambda p, ids: _minutes(p, ids.keystone_ended)),
    Shot("sign_off", SignOffScreen, _sign_off),
    Shot("amend_reason", MeetingPrompt, _amend),
    Shot("send_minutes", SendMinutesModal, _send_minutes),
    Shot("action_edit", ActionEditScreen, _pressing("A", "e")),
    Shot("plans", PlansScreen, _opening("open_plans")),
    Shot("verification", VerificationScreen, _opening("open_plans", "v")),
    Shot("escalations", EscalationsScreen, _opening("open_escalations")),
    Shot("raise_escalation", RaiseEscalationScreen, _opening("open_escalations", "r")),
    Shot("escalation_log", EscalationLogScreen, _opening("open_escalations", "tab", "l")),
    Shot("audits", AuditsScreen, _opening("open_audits")),
    Shot("audit_form", AuditFormScreen, _opening("open_audits", "N")),
]


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_snapshot(snap_compare, demo_path: Path, shot: Shot, size) -> None:
    ids = demo_ids(demo_path)
    reached: list[type] = []

    async def run_before(pilot) -> None:
        await shot.walk(pilot, ids)
        # A toast ("Finding the recipients…") goes after a few seconds of real time: whether
        # it is still there depends on the machine's speed, so the picture is without toasts.
        pilot.app.clear_notifications()
        await settle(pilot)
        reached.append(type(pilot.app.screen))

    same = snap_compare(make_app(demo_path), terminal_size=size, run_before=run_before)
    assert reached == [shot.expect], f"the walk to {shot.name} ended on {reached}"
    assert same


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_snapshot_empty_dashboard(snap_compare, sqlite_url: str, size) -> None:
    """The first run: no vendors yet, and what to press about it."""
    reached: list[type] = []

    async def run_before(pilot) -> None:
        await settle(pilot)
        reached.append(type(pilot.app.screen))

    path = Path(sqlite_url.removeprefix("sqlite:///"))
    same = snap_compare(make_app(path), terminal_size=size, run_before=run_before)
    assert reached == [DashboardScreen]
    assert same
