"""The minutes of a review meeting as plain data, and their canonical JSON and SHA-256.

Pure: the database layer (:mod:`reviewtui.db.minutes`) gathers the facts into the small frozen
dataclasses below, :func:`build` turns them into the minutes document (a JSON-shaped ``dict``),
and :func:`canonical_json` gives the exact bytes that are hashed, frozen at sign-off, embedded in
the PDF and checked by ``reviewtui verify``. Renderers (Markdown, HTML, PDF) work from the
document alone, so a revision signed off years ago renders from its stored JSON.

Canonical JSON: keys sorted, UTF-8 (``ensure_ascii=False``), no insignificant whitespace
(separators ``","`` and ``":"``), floats rounded to 6 decimal places and written in Python's
shortest round-trip form, ``-0.0`` written as ``0.0``, NaN and infinities written as ``null``,
datetimes as UTC ``YYYY-MM-DDTHH:MM:SSZ``, dates as ``YYYY-MM-DD``. Loading the bytes and writing
them again gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from reviewtui.domain.scorecard import KpiResult

SCHEMA = "reviewtui-minutes/1"
CLOSED_STATUSES = ("done", "cancelled")
#: Corrective action status categories in the minutes, in the order they are listed.
ACTION_CATEGORIES = ("new", "progressed", "closed", "carried", "overdue")
#: How many periods of history a trend chart shows.
CHART_PERIODS = 12


# --- facts the database layer hands over ---------------------------------------------------


@dataclass(frozen=True)
class MeetingFacts:
    """The meeting itself."""

    id: int
    revision: int
    type: str
    title: str
    scheduled_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    location: str
    facilitator: str
    period: str | None
    vendor_id: int
    vendor: str
    vendor_service: str = ""


@dataclass(frozen=True)
class Attendee:
    side: str
    name: str
    organisation: str = ""
    role: str = ""
    status: str = "present"


@dataclass(frozen=True)
class OutcomeFacts:
    kind: str
    text: str
    action_id: int | None = None


@dataclass(frozen=True)
class AgendaFacts:
    position: int
    title: str
    kind: str
    notes: str
    timebox_minutes: int = 0
    outcomes: tuple[OutcomeFacts, ...] = ()


@dataclass(frozen=True)
class NoteFacts:
    """A progress note or status change on an action."""

    at: datetime
    text: str = ""
    meeting_id: int | None = None
    status_from: str | None = None
    status_to: str | None = None


@dataclass(frozen=True)
class ActionFacts:
    id: int
    title: str
    owner: str
    due_date: date
    priority: str
    status: str
    created_at: datetime
    closed_at: datetime | None = None
    meeting_id: int | None = None
    plan: str = ""
    notes: tuple[NoteFacts, ...] = ()


@dataclass(frozen=True)
class FeedbackFacts:
    direction: str
    category: str
    text: str
    rating: int | None = None
    author: str = ""
    given_by: str = ""


@dataclass(frozen=True)
class EscalationFacts:
    level: int
    reason: str
    status: str
    raised_at: datetime
    raised_by: str = ""
    kpi: str = ""


@dataclass(frozen=True)
class Signatory:
    name: str
    organisation: str
    role: str
    side: str
    method: str
    signed_at: datetime
    recorded_by: str = ""


@dataclass(frozen=True)
class ScorecardFacts:
    period: str | None
    score: float | None
    status: str
    kpis: tuple[KpiResult, ...] = ()


@dataclass(frozen=True)
class MinutesFacts:
    """Everything the minutes are made of."""

    meeting: MeetingFacts
    attendance: tuple[Attendee, ...] = ()
    agenda: tuple[AgendaFacts, ...] = ()
    scorecard: ScorecardFacts | None = None
    actions: tuple[ActionFacts, ...] = ()
    feedback: tuple[FeedbackFacts, ...] = ()
    escalations: tuple[EscalationFacts, ...] = ()
    next_meeting_at: datetime | None = None
    next_meeting_location: str = ""
    previous_meeting_end: datetime | None = None
    signatories: tuple[Signatory, ...] = ()
    signed_off_at: datetime | None = None


# --- corrective action status relative to a meeting ----------------------------------------


def status_at(action: ActionFacts, when: datetime) -> str:
    """The action's status at instant ``when``, from its status changes (or its current state)."""
    changes = sorted((n for n in action.notes if n.status_to), key=lambda n: n.at)
    before = [n for n in changes if n.at <= when]
    if before:
        return before[-1].status_to or "open"
    if changes:
        return changes[0].status_from or "open"
    if action.closed_at is not None and action.closed_at > when:
        return "open"
    return action.status


def _closed_at(action: ActionFacts) -> datetime | None:
    for n in sorted(action.notes, key=lambda n: n.at):
        if n.status_to in CLOSED_STATUSES:
            return n.at
    return action.closed_at


def classify_action(
    action: ActionFacts,
    *,
    meeting_id: int,
    end: datetime,
    meeting_day: date,
    previous_end: datetime | None,
) -> str | None:
    """Where an action stands in the minutes of a meeting that ended at ``end``.

    ``new`` raised in this meeting or since the previous one; ``closed`` done or cancelled since
    the previous meeting; ``overdue`` open and past its due date on the meeting day;
    ``progressed`` open with a note or status change since the previous meeting (or in this
    one); ``carried`` open with nothing done since. ``None``: not part of these minutes (raised
    after the meeting, or closed before the previous one).
    """
    if action.meeting_id == meeting_id:
        return "new"
    if action.created_at > end:
        return None
    state = status_at(action, end)
    if state in CLOSED_STATUSES:
        closed = _closed_at(action)
        if previous_end is None or closed is None or closed > previous_end:
            return "closed"
        return None
    if action.due_date < meeting_day:
        return "overdue"
    if previous_end is not None and action.created_at > previous_end:
        return "new"
    since = previous_end
    for n in action.notes:
        if n.meeting_id == meeting_id:
            return "progressed"
        is_creation = n.status_from is None and n.status_to == "open"
        if not is_creation and n.at <= end and (since is None or n.at > since):
            return "progressed"
    return "carried"


def last_note(
    action: ActionFacts,
    category: str,
    status: str,
    *,
    meeting_id: int,
    end: datetime,
    until: datetime | None = None,
) -> str:
    """The note the minutes print beside an action.

    An action shown closed (``status``, as at sign-off) gets its closing note, and nothing when
    it was closed without one: never an older note that would read as the reason it closed.
    Otherwise its latest note with text up to the meeting's end (for one carried over
    untouched, only a note made in this meeting). ``until``: the sign-off, when signed.
    """
    if status in CLOSED_STATUSES:
        closing = sorted(
            (
                n
                for n in action.notes
                if n.status_to in CLOSED_STATUSES and (until is None or n.at <= until)
            ),
            key=lambda n: n.at,
        )
        return closing[-1].text if closing else ""
    notes = sorted((n for n in action.notes if n.at <= end), key=lambda n: n.at)
    texts = [n for n in notes if n.text and (n.meeting_id == meeting_id or category != "carried")]
    return texts[-1].text if texts else ""


# --- the document ------------------------------------------------------------------------------


def iso(dt: datetime | date | None) -> str | None:
    """UTC ``YYYY-MM-DDTHH:MM:SSZ`` for datetimes (naive ones are taken as UTC), ISO for dates."""
    if dt is None:
        return None
    if isinstance(dt, datetime):
        aware = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.isoformat()


def parse_iso(text: str | None) -> datetime | None:
    """The aware datetime of a document timestamp."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _kpi(r: KpiResult) -> dict[str, Any]:
    history = [h for h in r.history if h.actual is not None][-CHART_PERIODS:]
    return {
        "kpi": r.kpi,
        "unit": r.unit,
        "direction": r.direction,
        "category": r.category,
        "weight": r.weight,
        "period": r.period,
        "target": r.target,
        "threshold": r.threshold,
        "actual": r.actual,
        "source": r.source,
        "vendor_value": r.vendor_value,
        "independent_value": r.independent_value,
        "status": r.status,
        "attainment": r.attainment,
        "gap": r.gap,
        "gap_pct": r.gap_pct,
        "trend": r.trend,
        "discrepancy": r.discrepancy,
        "discrepancy_pct": r.discrepancy_pct,
        "consecutive_misses": r.consecutive_misses,
        "escalate": r.escalate,
        "history": [{"period": h.period, "actual": h.actual} for h in history],
    }


def _action_ref(a: ActionFacts) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "owner": a.owner,
        "due_date": iso(a.due_date),
        "priority": a.priority,
    }


def build(facts: MinutesFacts) -> dict[str, Any]:
    """The minutes document for ``facts`` (JSON-shaped; see the module docstring)."""
    mt = facts.meeting
    end = mt.ended_at or mt.started_at or mt.scheduled_at
    day = (mt.started_at or mt.scheduled_at).date()
    by_id = {a.id: a for a in facts.actions}

    agenda = []
    for item in sorted(facts.agenda, key=lambda i: i.position):
        outcomes = []
        for o in item.outcomes:
            linked = by_id.get(o.action_id) if o.action_id is not None else None
            outcomes.append(
                {"kind": o.kind, "text": o.text, "action": _action_ref(linked) if linked else None}
            )
        agenda.append(
            {
                "position": item.position,
                "title": item.title,
                "kind": item.kind,
                "timebox_minutes": item.timebox_minutes,
                "notes": item.notes,
                "outcomes": outcomes,
            }
        )

    actions = []
    for a in sorted(facts.actions, key=lambda a: (a.due_date, a.id)):
        category = classify_action(
            a, meeting_id=mt.id, end=end, meeting_day=day, previous_end=facts.previous_meeting_end
        )
        if category is None:
            continue
        # As at sign-off (a draft: as it stands now), as `reviewtui actions` says.
        status = status_at(a, facts.signed_off_at) if facts.signed_off_at else a.status
        actions.append(
            {
                **_action_ref(a),
                "status": status,
                "category": category,
                "plan": a.plan,
                "raised_here": a.meeting_id == mt.id,
                "last_note": last_note(
                    a, category, status, meeting_id=mt.id, end=end, until=facts.signed_off_at
                ),
            }
        )
    order = {c: i for i, c in enumerate(ACTION_CATEGORIES)}
    actions.sort(key=lambda x: (order[x["category"]], x["due_date"], x["id"]))

    sides = {"client": 0, "vendor": 1}
    attendance = [
        {"side": p.side, "name": p.name, "organisation": p.organisation, "role": p.role,
         "status": p.status}
        for p in sorted(facts.attendance, key=lambda p: (sides.get(p.side, 2), p.name))
    ]  # fmt: skip

    sc = facts.scorecard
    scorecard = (
        {
            "period": sc.period,
            "score": sc.score,
            "status": sc.status,
            "kpis": [_kpi(r) for r in sc.kpis],
        }
        if sc is not None
        else None
    )
    next_meeting = (
        {"scheduled_at": iso(facts.next_meeting_at), "location": facts.next_meeting_location}
        if facts.next_meeting_at
        else None
    )
    signatories = [
        {
            "name": s.name,
            "organisation": s.organisation,
            "role": s.role,
            "side": s.side,
            "method": s.method,
            "signed_at": iso(s.signed_at),
            "recorded_by": s.recorded_by,
        }
        for s in sorted(facts.signatories, key=lambda s: (s.signed_at, s.side, s.name))
    ]
    doc = {
        "schema": SCHEMA,
        "meeting": {
            "id": mt.id,
            "revision": mt.revision,
            "type": mt.type,
            "title": mt.title,
            "scheduled_at": iso(mt.scheduled_at),
            "started_at": iso(mt.started_at),
            "ended_at": iso(mt.ended_at),
            "location": mt.location,
            "facilitator": mt.facilitator,
            "period": mt.period,
        },
        "vendor": {"id": mt.vendor_id, "name": mt.vendor, "service": mt.vendor_service},
        "attendance": attendance,
        "agenda": agenda,
        "scorecard": scorecard,
        "actions": actions,
        "feedback": [
            {
                "direction": f.direction,
                "category": f.category,
                "rating": f.rating,
                "text": f.text,
                "author": f.author,
                # Only when named: minutes frozen before it was recorded stay as they were.
                **({"given_by": f.given_by} if f.given_by else {}),
            }
            for f in facts.feedback
        ],  # fmt: skip
        "escalations": [
            {
                "level": e.level,
                "reason": e.reason,
                "status": e.status,
                "raised_at": iso(e.raised_at),
                "raised_by": e.raised_by,
                "kpi": e.kpi,
            }
            for e in sorted(facts.escalations, key=lambda e: e.raised_at)
        ],  # fmt: skip
        "next_meeting": next_meeting,
        "signoff": {"signatories": signatories, "signed_off_at": iso(facts.signed_off_at)},
    }
    return canonical(doc)


# --- canonical form ----------------------------------------------------------------------------


def _canon(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        v = round(value, 6)
        return 0.0 if v == 0 else v
    if isinstance(value, datetime | date):
        return iso(value)
    if isinstance(value, Mapping):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [_canon(v) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} into the minutes")


def canonical(doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with its values in canonical form (rounded floats, ISO times, lists)."""
    out: dict[str, Any] = _canon(doc)  # a Mapping comes back as a dict
    return out


def canonical_json(doc: Mapping[str, Any]) -> bytes:
    """The exact bytes that are hashed and frozen."""
    return json.dumps(
        _canon(doc), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(doc: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of the canonical JSON of ``doc``."""
    return sha256_hex(canonical_json(doc))


def load(data: bytes | str) -> dict[str, Any]:
    """A document from its JSON; refuses what is not reviewtui minutes."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"not reviewtui minutes (expected schema {SCHEMA!r})")
    return doc


# --- reading the document ----------------------------------------------------------------------


def is_signed_off(doc: Mapping[str, Any]) -> bool:
    return bool((doc.get("signoff") or {}).get("signed_off_at"))


def sides_signed(signatories: Sequence[Mapping[str, Any]]) -> set[str]:
    return {s["side"] for s in signatories}


def missed_kpis(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The KPIs of the scorecard that missed their target (amber or red): they get a chart."""
    sc = doc.get("scorecard") or {}
    return [k for k in sc.get("kpis", []) if k.get("status") in ("amber", "red")]


def actions_by_category(doc: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in ACTION_CATEGORIES}
    for a in doc.get("actions", []):
        out.setdefault(a["category"], []).append(a)
    return out


def file_stem(doc: Mapping[str, Any]) -> str:
    """``minutes-<vendor>-<YYYY-MM-DD>-r<revision>``, safe as a file name."""
    vendor = re.sub(r"[^A-Za-z0-9]+", "-", doc["vendor"]["name"]).strip("-").lower() or "vendor"
    day = (doc["meeting"]["scheduled_at"] or "")[:10]
    return f"minutes-{vendor[:60]}-{day}-r{doc['meeting']['revision']}"
