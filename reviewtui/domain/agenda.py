"""Agenda templates per meeting type, and the default agenda of a review.

The field (ARCHITECTURE.md): key operational vendors get monthly reviews of 20-30 minutes;
strategic vendors a quarterly business review of 60-90 minutes. The templates fit those lengths before anything is
pulled in; the default agenda then adds what is due: one item per KPI that is red, amber or
flagged for escalation (after the scorecard overview), one item per corrective action carried
over (in place of the actions slot), and the acknowledgement of the previous meeting's minutes
when there was one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reviewtui.domain.figures import figure

# Agenda item kinds stored in AgendaItem.kind.
MINUTES_ACK = "minutes_ack"
KPI_REVIEW = "kpi_review"
KPI = "kpi"
ACTIONS = "actions"
ACTION = "action"
FEEDBACK = "feedback"
AOB = "aob"
NEXT_MEETING = "next_meeting"
CUSTOM = "custom"


@dataclass(frozen=True)
class TemplateItem:
    """One line of a template."""

    title: str
    kind: str
    timebox_minutes: int


@dataclass(frozen=True)
class PlannedItem:
    """One item of a default agenda, ready to be stored."""

    title: str
    kind: str
    timebox_minutes: int
    kpi_id: int | None = None
    action_id: int | None = None


@dataclass(frozen=True)
class DueKpi:
    """A KPI that needs discussing (red, amber or flagged for escalation)."""

    kpi_id: int
    name: str
    status: str
    escalate: bool
    actual: float | None
    target: float
    unit: str


@dataclass(frozen=True)
class DueAction:
    """An open corrective action carried over from an earlier meeting."""

    action_id: int
    title: str
    owner: str
    due_date: date
    overdue: bool


TEMPLATES: dict[str, tuple[TemplateItem, ...]] = {
    # 20 minutes before pulled-in items; a typical month adds 2-3 KPIs and 2-4 actions.
    "monthly": (
        TemplateItem("Acknowledge previous minutes", MINUTES_ACK, 2),
        TemplateItem("Scorecard overview", KPI_REVIEW, 5),
        TemplateItem("Corrective actions", ACTIONS, 3),
        TemplateItem("Feedback both ways", FEEDBACK, 5),
        TemplateItem("Any other business", AOB, 3),
        TemplateItem("Next meeting date", NEXT_MEETING, 2),
    ),
    # 75 minutes before pulled-in items.
    "qbr": (
        TemplateItem("Welcome and objectives", "intro", 5),
        TemplateItem("Acknowledge previous minutes", MINUTES_ACK, 5),
        TemplateItem("Quarter's scorecard", KPI_REVIEW, 15),
        TemplateItem("Corrective actions", ACTIONS, 5),
        TemplateItem("Commercials: cost, savings and ROI", "commercial", 10),
        TemplateItem("Improvements and roadmap", "roadmap", 15),
        TemplateItem("Feedback both ways", FEEDBACK, 10),
        TemplateItem("Any other business", AOB, 5),
        TemplateItem("Next meeting date", NEXT_MEETING, 5),
    ),
    "adhoc": (
        TemplateItem("Purpose of the meeting", "purpose", 5),
        TemplateItem("Discussion", "discussion", 15),
        TemplateItem("Agreed actions", ACTIONS, 5),
        TemplateItem("Any other business", AOB, 5),
    ),
}

#: Minutes given to each pulled-in KPI and action item, per meeting type.
PULLED_MINUTES = {"monthly": (3, 2), "qbr": (5, 3), "adhoc": (3, 2)}
#: The usual length of each meeting type in minutes (ARCHITECTURE.md).
TYPICAL_MINUTES = {"monthly": (20, 30), "qbr": (60, 90), "adhoc": (15, 60)}


def template(meeting_type: str) -> tuple[TemplateItem, ...]:
    """The template of a meeting type (monthly, qbr or adhoc)."""
    try:
        return TEMPLATES[meeting_type]
    except KeyError:
        raise ValueError(
            f"meeting type {meeting_type!r}: use one of {', '.join(TEMPLATES)}"
        ) from None


def _fmt(value: float | None, unit: str) -> str:
    return "no data" if value is None else figure(value, unit)


def kpi_title(k: DueKpi) -> str:
    """``KPI OTIF: red, 92.5% vs 97% (escalate)``."""
    text = f"KPI {k.name}: {k.status}, {_fmt(k.actual, k.unit)} vs {_fmt(k.target, k.unit)}"
    if k.escalate:
        text += " (escalate)"
    return text


def action_title(a: DueAction) -> str:
    """``Action: Add a second shift (Yuki Tanaka, due 2026-11-10, OVERDUE)``."""
    who = a.owner or "no owner"
    late = ", OVERDUE" if a.overdue else ""
    return f"Action: {a.title} ({who}, due {a.due_date.isoformat()}{late})"[:300]


def minutes_title(day: date) -> str:
    """``Acknowledge minutes of 2026-11-15``."""
    return f"Acknowledge minutes of {day.isoformat()}"


# What the two generated titles look like whatever their dates and names: a title that no longer
# looks like this was renamed by a person, and a refresh of the agenda leaves it as they wrote it.
_GENERATED_ACTION = re.compile(r"Action: .* \(.+, due \d{4}-\d{2}-\d{2}(, OVERDUE)?\)")
_GENERATED_MINUTES = re.compile(r"Acknowledge minutes of \d{4}-\d{2}-\d{2}")


def is_generated_title(kind: str, title: str) -> bool:
    """Whether an action or minutes item still carries the title the agenda gave it (or one the
    agenda gave it before its due date, owner or minutes moved), judged by its shape.

    A rename is marked on the item since migration 0005 (``title_edited``), so a typed title in
    this same shape is kept too; the shape test is what protects renames made before it."""
    if kind == ACTION:
        cut = len(title) == 300 and title.startswith("Action: ")  # action_title's cut
        return cut or _GENERATED_ACTION.fullmatch(title) is not None
    if kind == MINUTES_ACK:
        return _GENERATED_MINUTES.fullmatch(title) is not None
    return False


def default_agenda(
    meeting_type: str,
    *,
    previous_meeting: date | None,
    kpis: Sequence[DueKpi] = (),
    actions: Sequence[DueAction] = (),
) -> list[PlannedItem]:
    """The default agenda of a meeting: the template plus what is due, in running order."""
    kpi_min, action_min = PULLED_MINUTES.get(meeting_type, (3, 2))
    out: list[PlannedItem] = []
    for t in template(meeting_type):
        if t.kind == MINUTES_ACK:
            if previous_meeting is None:
                continue
            out.append(
                PlannedItem(
                    minutes_title(previous_meeting),
                    t.kind,
                    t.timebox_minutes,
                )
            )
        elif t.kind == ACTIONS and actions:
            # Overdue first, then by due date: the ones that hurt most are discussed first.
            for a in sorted(actions, key=lambda a: (not a.overdue, a.due_date, a.action_id)):
                out.append(PlannedItem(action_title(a), ACTION, action_min, action_id=a.action_id))
        else:
            out.append(PlannedItem(t.title, t.kind, t.timebox_minutes))
            if t.kind == KPI_REVIEW:
                order = {"red": 0, "amber": 1}
                for k in sorted(kpis, key=lambda k: (order.get(k.status, 2), k.name)):
                    out.append(PlannedItem(kpi_title(k), KPI, kpi_min, kpi_id=k.kpi_id))
    return out


def kpi_is_due(status: str, escalate: bool) -> bool:
    """Whether a KPI belongs on the agenda: red, amber or flagged for escalation."""
    return status in ("red", "amber") or escalate
