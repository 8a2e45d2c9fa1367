"""Action queries: the filtered, paged list behind the Actions screen and ``reviewtui actions``,
carry-over to the next meeting, and every change to an action (each one leaves a dated note).

Filtering, sorting (by due date) and paging happen in SQL, on the indexes
``action(status, due_date)`` and ``action(vendor_id, status)``, so the list stays fast with tens of
thousands of actions. Status changes write an :class:`~reviewtui.db.models.ActionNote` with
``status_from``/``status_to``, the acting user and, when made in a meeting, the meeting, so the
minutes can say what moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import models as m
from reviewtui.db.engine import person_name
from reviewtui.db.errors import Conflict, NotFound, ReadOnly, UserError
from reviewtui.domain import actions as rules
from reviewtui.domain import clock, enums
from reviewtui.domain import plans as plan_rules
from reviewtui.views.actions import ActionDetail, ActionPage, ActionRow, NoteRow, StatusChange

PAGE_SIZE = 200


@dataclass(frozen=True)
class ActionFilter:
    """What the list shows. Empty fields do not filter."""

    vendor_id: int | None = None
    owner: str = ""  # part of the owner's name, any case
    statuses: tuple[str, ...] = enums.OPEN_ACTION_STATUSES
    overdue: bool = False  # only open actions past their due date
    due_within_days: int | None = None  # only actions due by today + N days (overdue included)
    search: str = ""  # part of the title, owner or vendor name, any case
    plan_id: int | None = None


_COLUMNS = (
    col(m.Action.id),
    col(m.Action.vendor_id),
    col(m.Vendor.name),
    col(m.Action.plan_id),
    col(m.Action.meeting_id),
    col(m.Action.title),
    col(m.Action.owner),
    col(m.Action.owner_contact_id),
    col(m.Action.due_date),
    col(m.Action.priority),
    col(m.Action.status),
    col(m.Action.version),
)


def _row(r: Sequence[Any], today: date) -> ActionRow:
    return ActionRow(
        id=r[0],
        vendor_id=r[1],
        vendor=r[2],
        plan_id=r[3],
        meeting_id=r[4],
        title=r[5],
        owner=r[6],
        owner_contact_id=r[7],
        due_date=r[8],
        priority=r[9],
        status=r[10],
        days_overdue=rules.days_overdue(r[8], r[10], today),
        version=r[11],
    )


class _Unindexed(ColumnElement[Any]):
    """A column that the SQLite planner may not use an index for (the documented ``+column``
    idiom); the plain column on other databases."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _plain(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _unary_plus(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def _has(column: Mapped[str], word: str, ascii_fold: bool) -> ColumnElement[bool]:
    """``column`` contains ``word`` in any case. SQLite's LIKE already ignores ASCII case (and its
    lower() folds nothing more), so it is used bare there: half the time of lower() LIKE."""
    if ascii_fold:
        return column.contains(word, autoescape=True)
    return column.icontains(word, autoescape=True)


def _filtered(
    q: Select[*tuple[Any, ...]],
    flt: ActionFilter,
    today: date,
    *,
    status_unindexed: bool = False,
    sqlite: bool = False,
) -> Select[*tuple[Any, ...]]:
    statuses = tuple(flt.statuses)
    if flt.overdue:
        statuses = tuple(s for s in statuses if s in enums.OPEN_ACTION_STATUSES)
        q = q.where(col(m.Action.due_date) < today)
    if statuses and set(statuses) != set(enums.ACTION_STATUSES):
        status = _Unindexed(col(m.Action.status)) if status_unindexed else col(m.Action.status)
        q = q.where(status.in_(statuses))
    elif not statuses:
        q = q.where(false())
    if flt.vendor_id is not None:
        q = q.where(col(m.Action.vendor_id) == flt.vendor_id)
    if flt.plan_id is not None:
        q = q.where(col(m.Action.plan_id) == flt.plan_id)
    if flt.due_within_days is not None:
        q = q.where(
            col(m.Action.due_date) <= date.fromordinal(today.toordinal() + flt.due_within_days)
        )
    if flt.owner.strip():
        q = q.where(_has(col(m.Action.owner), flt.owner.strip().lower(), sqlite))
    if flt.search.strip():
        words = flt.search.strip().lower().split()
        q = q.where(
            and_(
                *(
                    or_(
                        _has(col(m.Action.title), w, sqlite),
                        _has(col(m.Action.owner), w, sqlite),
                        _has(col(m.Vendor.name), w, sqlite),
                    )
                    for w in words
                )
            )
        )
    return q


def list_actions(
    flt: ActionFilter | None = None,
    *,
    session: Session,
    today: date | None = None,
    limit: int | None = PAGE_SIZE,
    offset: int = 0,
) -> ActionPage:
    """One page of the actions that match ``flt``, earliest due first (``limit=None``: all)."""
    flt = flt or ActionFilter()
    today = today or clock.today()
    base = select(*_COLUMNS).join(m.Vendor, col(m.Vendor.id) == m.Action.vendor_id)
    # Across vendors, walk the due-date index in order and stop after a page. SQLite, without
    # ANALYZE statistics (which nobody runs), would rather take ix_action_status_due and sort
    # every open action first: ~70 ms instead of ~1 ms at 50,000 actions. One vendor's or one
    # plan's actions are few: there the planner's own choice is right.
    walk = flt.vendor_id is None and flt.plan_id is None
    sqlite = session.get_bind().dialect.name == "sqlite"
    q = _filtered(base, flt, today, status_unindexed=walk, sqlite=sqlite)
    q = q.order_by(col(m.Action.due_date), col(m.Action.id))
    q = access.scoped(q, col(m.Action.vendor_id), session=session)
    if limit is not None:
        q = q.limit(limit).offset(max(offset, 0))
    rows = tuple(_row(r, today) for r in session.execute(q))
    if limit is None:
        total = len(rows)
    elif offset == 0 and len(rows) < limit:
        total = len(rows)  # the whole answer fits on this page: no need to count
    else:
        count = select(func.count()).select_from(m.Action)
        if flt.search.strip():
            count = count.join(m.Vendor, col(m.Vendor.id) == m.Action.vendor_id)
        count = access.scoped(count, col(m.Action.vendor_id), session=session)
        total = session.scalar(_filtered(count, flt, today, sqlite=sqlite)) or 0
    return ActionPage(rows=rows, total=total, offset=offset, limit=limit or max(total, 1))


def carry_over_actions(
    vendor_id: int, *, session: Session, today: date | None = None
) -> list[ActionRow]:
    """A vendor's open and in-progress actions (the overdue ones among them), earliest due
    first: what the next meeting's agenda carries over."""
    flt = ActionFilter(vendor_id=vendor_id)
    return list(list_actions(flt, session=session, today=today, limit=None).rows)


def get_row(action_id: int, *, session: Session, today: date | None = None) -> ActionRow:
    today = today or clock.today()
    q = select(*_COLUMNS).join(m.Vendor, col(m.Vendor.id) == m.Action.vendor_id)
    q = access.scoped(
        q.where(col(m.Action.id) == action_id), col(m.Action.vendor_id), session=session
    )
    r = session.execute(q).first()
    if r is None:
        raise NotFound(f"no action with id {action_id}")
    return _row(r, today)


def get_detail(action_id: int, *, session: Session, today: date | None = None) -> ActionDetail:
    """An action with its dated notes."""
    row = get_row(action_id, session=session, today=today)
    a = session.get(m.Action, action_id)
    assert a is not None
    plan = session.get(m.ActionPlan, a.plan_id) if a.plan_id else None
    notes = tuple(
        NoteRow(n.id, n.at, n.author, n.text, n.status_from, n.status_to, n.meeting_id)
        for n in session.scalars(
            select(m.ActionNote)
            .where(col(m.ActionNote.action_id) == action_id)
            .order_by(col(m.ActionNote.at), col(m.ActionNote.id))
        )
    )
    return ActionDetail(
        action=row,
        plan_title=plan.title if plan else None,
        plan_raised_on=plan.raised_on if plan else None,
        created_at=a.created_at,
        closed_at=a.closed_at,
        notes=notes,
    )


def status_changes_in_meeting(meeting_id: int, *, session: Session) -> list[StatusChange]:
    """Every status change recorded against ``meeting_id``, in order: what moved in it."""
    q = (
        select(m.ActionNote, col(m.Action.title), col(m.Action.owner))
        .join(m.Action, col(m.Action.id) == m.ActionNote.action_id)
        .where(col(m.ActionNote.meeting_id) == meeting_id, col(m.ActionNote.status_to).is_not(None))
        .order_by(col(m.ActionNote.at), col(m.ActionNote.id))
    )
    q = access.scoped(q, col(m.Action.vendor_id), session=session)
    return [
        StatusChange(n.action_id, title, owner, n.status_from, n.status_to, n.text, n.at, n.author)
        for n, title, owner in session.execute(q)
    ]


# --- changes ------------------------------------------------------------------------------


def _lock(session: Session, action_id: int) -> m.Action:
    access.require_facilitator(session, doing="change actions")
    a = session.get(m.Action, action_id, with_for_update=True)
    if a is None:
        raise NotFound(f"no action with id {action_id}")
    return a


def _check_version(a: m.Action, expected: int | None) -> None:
    if expected is not None and a.version != expected:
        raise Conflict(
            f"action {a.id} was changed by someone else meanwhile; reload it and try again"
        )


def _check_meeting(session: Session, meeting_id: int | None, vendor_id: int) -> None:
    if meeting_id is None:
        return
    mt = session.get(m.Meeting, meeting_id)
    if mt is None:
        raise NotFound(f"no meeting with id {meeting_id}")
    if mt.vendor_id != vendor_id:
        raise UserError(f"meeting {meeting_id} is with another vendor than this action")


def _owner(
    session: Session, vendor_id: int, owner: str | None, contact_id: int | None
) -> tuple[str, int | None]:
    """The owner's name and contact: a contact of the vendor (either side) or a free-text name."""
    if contact_id is not None:
        c = session.get(m.Contact, contact_id)
        if c is None or c.vendor_id != vendor_id:
            raise UserError(f"contact {contact_id} is not a contact of this vendor")
        return c.name, c.id
    name = (owner or "").strip()
    if not name:
        return "", None
    c = session.scalar(
        select(m.Contact).where(
            col(m.Contact.vendor_id) == vendor_id, func.lower(col(m.Contact.name)) == name.lower()
        )
    )
    return (c.name, c.id) if c else (name, None)


def _due(text_or_date: str | date, today: date, not_before: date, what: str) -> date:
    if isinstance(text_or_date, date):
        due = text_or_date
        if due < not_before:
            raise UserError(
                f"due date {due.isoformat()} is before {what} ({not_before.isoformat()}); "
                "give a later date"
            )
        return due
    try:
        return rules.parse_due(text_or_date, today=today, not_before=not_before, not_before_is=what)
    except rules.DueDateError as exc:
        raise UserError(str(exc)) from exc


def _not_before(plan: m.ActionPlan | None, raised: date) -> tuple[date, str]:
    """An action is not due before its plan was raised (or, on its own, before it was raised)."""
    if plan is not None:
        return plan.raised_on, "the plan was raised"
    return raised, "the action was raised"


def sync_plan(
    session: Session, plan_id: int | None, *, today: date, verification_days: int
) -> str | None:
    """Move a plan to ``verifying`` when its last action is done (the check due
    ``verification_days`` later) or back to ``open`` when an action is open again."""
    if plan_id is None:
        return None
    plan = session.get(m.ActionPlan, plan_id)
    if plan is None:
        return None
    statuses = list(
        session.scalars(select(col(m.Action.status)).where(col(m.Action.plan_id) == plan_id))
    )
    new = plan_rules.status_after_actions(plan.status, statuses)
    if new != plan.status:
        if new == "verifying":
            plan.verification_due = plan_rules.check_due(today, verification_days)
        plan.status = new
        plan.version += 1
    return plan.status


def create_action(
    vendor_id: int,
    title: str,
    due: str | date,
    *,
    session: Session,
    plan_id: int | None = None,
    meeting_id: int | None = None,
    owner: str = "",
    owner_contact_id: int | None = None,
    priority: str = "medium",
    note: str = "",
    today: date | None = None,
) -> ActionRow:
    """Add an action (to a plan, or on its own); its first note records who raised it where."""
    today = today or clock.today()
    access.require_facilitator(session, doing="add actions")
    title = title.strip()
    if not title:
        raise UserError("an action needs a title")
    if session.get(m.Vendor, vendor_id) is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    plan = None
    if plan_id is not None:
        plan = session.get(m.ActionPlan, plan_id)
        if plan is None or plan.vendor_id != vendor_id:
            raise NotFound(f"no plan {plan_id} for this vendor")
        if plan.status == "closed":
            raise ReadOnly(f"plan {plan_id} is closed: raise a new plan instead")
    _check_meeting(session, meeting_id, vendor_id)
    try:
        prio = rules.check_priority(priority)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    name, contact = _owner(session, vendor_id, owner, owner_contact_id)
    a = m.Action(
        vendor_id=vendor_id,
        plan_id=plan_id,
        meeting_id=meeting_id,
        title=title,
        owner=name,
        owner_contact_id=contact,
        due_date=_due(due, today, *_not_before(plan, today)),
        priority=prio,
        status="open",
    )
    session.add(a)
    session.flush()
    session.add(
        m.ActionNote(
            action_id=a.id,
            meeting_id=meeting_id,
            author=person_name(session),
            text=note.strip() or "Raised.",
            status_to="open",
        )
    )
    sync_plan(session, plan_id, today=today, verification_days=plan_rules.DEFAULT_VERIFICATION_DAYS)
    session.flush()
    return get_row(a.id, session=session, today=today)


def update_status(
    action_id: int,
    status: str,
    *,
    session: Session,
    note: str = "",
    meeting_id: int | None = None,
    expected_version: int | None = None,
    verification_days: int = plan_rules.DEFAULT_VERIFICATION_DAYS,
    today: date | None = None,
) -> ActionRow:
    """Change an action's status, leaving a note (from, to, who, the meeting if any).

    Done or cancelled sets ``closed_at``; reopening clears it. When the last action of a plan is
    done, the plan goes to verification (its check due ``verification_days`` later).
    """
    today = today or clock.today()
    try:
        new = rules.check_status(status)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    a = _lock(session, action_id)
    _check_version(a, expected_version)
    _check_meeting(session, meeting_id, a.vendor_id)
    old = a.status
    if new == old and not note.strip():
        raise UserError(f"action {action_id} is {enums.label(old)} already")
    if new != old:
        a.status = new
        a.closed_at = None if rules.is_open(new) else clock.now()
        a.version += 1
    session.add(
        m.ActionNote(
            action_id=a.id,
            meeting_id=meeting_id,
            author=person_name(session),
            text=note.strip(),
            status_from=old if new != old else None,
            status_to=new if new != old else None,
        )
    )
    session.flush()
    sync_plan(session, a.plan_id, today=today, verification_days=verification_days)
    session.flush()
    return get_row(a.id, session=session, today=today)


def update_action(
    action_id: int,
    *,
    session: Session,
    title: str | None = None,
    due: str | date | None = None,
    owner: str | None = None,
    owner_contact_id: int | None = None,
    priority: str | None = None,
    note: str = "",
    meeting_id: int | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ActionRow:
    """Edit an action's title, due date, owner or priority; a note says what changed."""
    today = today or clock.today()
    a = _lock(session, action_id)
    _check_version(a, expected_version)
    _check_meeting(session, meeting_id, a.vendor_id)
    changes: list[str] = []
    if title is not None and title.strip() != a.title:
        if not title.strip():
            raise UserError("an action needs a title")
        changes.append(f"title changed from '{a.title}'")
        a.title = title.strip()
    unchanged = isinstance(due, str) and due.strip() == a.due_date.isoformat()
    if due is not None and not unchanged and (not isinstance(due, str) or due.strip()):
        plan = session.get(m.ActionPlan, a.plan_id) if a.plan_id else None
        raised = clock.aware(a.created_at).astimezone().date()
        new_due = _due(due, today, *_not_before(plan, raised))
        if new_due != a.due_date:
            changes.append(f"due date moved from {a.due_date.isoformat()} to {new_due.isoformat()}")
            a.due_date = new_due
    if owner is not None or owner_contact_id is not None:
        name, contact = _owner(session, a.vendor_id, owner, owner_contact_id)
        if name != a.owner:
            changes.append(f"owner changed from {a.owner or 'nobody'} to {name or 'nobody'}")
        a.owner, a.owner_contact_id = name, contact
    if priority is not None:
        try:
            prio = rules.check_priority(priority)
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        if prio != a.priority:
            changes.append(f"priority changed from {a.priority} to {prio}")
            a.priority = prio
    if not changes and not note.strip():
        session.flush()
        return get_row(a.id, session=session, today=today)
    if changes:
        a.version += 1
    text = "; ".join(changes)
    text = text[:1].upper() + text[1:]
    if note.strip():
        text = f"{text}. {note.strip()}" if text else note.strip()
    session.add(
        m.ActionNote(action_id=a.id, meeting_id=meeting_id, author=person_name(session), text=text)
    )
    session.flush()
    return get_row(a.id, session=session, today=today)


def add_note(
    action_id: int, text: str, *, session: Session, meeting_id: int | None = None
) -> NoteRow:
    """A dated progress note on an action."""
    access.require_facilitator(session, doing="add notes to actions")
    if not text.strip():
        raise UserError("a note needs some text")
    a = session.get(m.Action, action_id)
    if a is None:
        raise NotFound(f"no action with id {action_id}")
    _check_meeting(session, meeting_id, a.vendor_id)
    n = m.ActionNote(
        action_id=action_id, meeting_id=meeting_id, author=person_name(session), text=text.strip()
    )
    session.add(n)
    session.flush()
    return NoteRow(n.id, n.at, n.author, n.text, None, None, n.meeting_id)


def owners(*, session: Session, vendor_id: int | None = None) -> list[str]:
    """The distinct owner names of open actions, for pickers."""
    q = (
        select(col(m.Action.owner))
        .where(col(m.Action.status).in_(enums.OPEN_ACTION_STATUSES), col(m.Action.owner) != "")
        .distinct()
        .order_by(col(m.Action.owner))
    )
    if vendor_id is not None:
        q = q.where(col(m.Action.vendor_id) == vendor_id)
    return list(session.scalars(access.scoped(q, col(m.Action.vendor_id), session=session)))


def count_open(*, session: Session, vendor_ids: Sequence[int] | None = None) -> int:
    q = (
        select(func.count())
        .select_from(m.Action)
        .where(col(m.Action.status).in_(enums.OPEN_ACTION_STATUSES))
    )
    if vendor_ids is not None:
        q = q.where(col(m.Action.vendor_id).in_(vendor_ids))
    return session.scalar(access.scoped(q, col(m.Action.vendor_id), session=session)) or 0
