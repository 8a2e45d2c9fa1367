"""Vendor queries: the portfolio list, look-up by name, create."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import models as m
from reviewtui.db.errors import NotFound, UserError
from reviewtui.domain import clock, enums
from reviewtui.domain import portfolio as portfolio_rows
from reviewtui.domain.portfolio import VendorRow
from reviewtui.domain.text import fold, line_problem
from reviewtui.views.vendors import ContactRow, VendorDetail


def list_vendors(
    *,
    session: Session,
    only_vendor: str | None = None,
    cadence_defaults: dict[str, int] | None = None,
    today: date | None = None,
) -> list[VendorRow]:
    """The vendors this session may see, by name, with action counts.

    ``only_vendor`` narrows further to one name (the session's scope applies regardless).
    """
    today = today or clock.today()
    q = vendors_query(today=today)
    q = access.scoped(q, col(m.Vendor.id), session=session)
    if only_vendor is not None:
        q = q.where(col(m.Vendor.id).in_(ids_named(only_vendor, session=session)))
    return portfolio_rows.vendor_rows(
        session.execute(q), cadence_defaults=cadence_defaults, today=today
    )


def vendors_query(*, today: date, only_vendor: str | None = None) -> Select[*tuple[Any, ...]]:
    """The vendor list with action counts and last review (not yet scoped to the session).

    Its rows are what :func:`reviewtui.domain.portfolio.vendor_rows` reads, in that order.
    """
    open_statuses = enums.OPEN_ACTION_STATUSES
    actions = (
        select(
            col(m.Action.vendor_id).label("vid"),
            func.count().label("open_n"),
            func.sum(case((col(m.Action.due_date) < today, 1), else_=0)).label("overdue_n"),
        )
        .where(col(m.Action.status).in_(open_statuses))
        .group_by(col(m.Action.vendor_id))
        .subquery()
    )
    # One pass over the meetings: the last review held, and the earliest one already planned
    # (that one is the next review, whatever the cadence says).
    held = col(m.Meeting.status).in_(("ended", "signed_off"))
    ahead = col(m.Meeting.status).in_(("planned", "in_progress"))
    reviews = (
        select(
            col(m.Meeting.vendor_id).label("vid"),
            func.max(case((held, col(m.Meeting.scheduled_at)))).label("last_at"),
            func.min(case((ahead, col(m.Meeting.scheduled_at)))).label("next_at"),
        )
        .group_by(col(m.Meeting.vendor_id))
        .subquery()
    )
    q = (
        select(
            col(m.Vendor.id),
            col(m.Vendor.name),
            col(m.Vendor.service),
            col(m.Vendor.category),
            col(m.Vendor.criticality),
            col(m.Vendor.review_cadence_months),
            col(m.Vendor.contract_review),
            func.coalesce(actions.c.open_n, 0),
            func.coalesce(actions.c.overdue_n, 0),
            reviews.c.last_at,
            reviews.c.next_at,
        )
        .outerjoin(actions, actions.c.vid == col(m.Vendor.id))
        .outerjoin(reviews, reviews.c.vid == col(m.Vendor.id))
        .order_by(col(m.Vendor.name))
    )
    if only_vendor is not None:
        # Exact (case-folded) names only: the caller passes a stored name, or the session's.
        q = q.where(col(m.Vendor.name) == only_vendor)
    return q


def ids_named(name: str, *, session: Session) -> list[int]:
    """The ids of the vendors this session may see whose name is ``name``, case-folded in
    Python (``Österreich``, ``Straße``, ``İstanbul``): SQLite's ``lower()`` folds ASCII only."""
    key = fold(name)
    return [vid for vid, n in names(session=session) if fold(n) == key]


def match_id(name: str, *, session: Session) -> int:
    """The one vendor ``name`` means: the exact name in any case, else the one name containing
    it (``keystone``). The same rule for every command; only vendors this session may see are
    found, and named in the message when none or several match."""
    known = names(session=session)
    key = fold(name)
    exact = [vid for vid, n in known if fold(n) == key]
    if exact:
        return exact[0]
    partial = [(vid, n) for vid, n in known if key and key in fold(n)]
    if len(partial) == 1:
        return partial[0][0]
    if len(partial) > 1:
        shown = ", ".join(n for _, n in partial[:10])
        raise UserError(f"vendor {name!r} matches {shown}: give more of the name")
    hint = (
        f" (known: {', '.join(n for _, n in known[:10])})"
        if known
        else " (the database has no vendors)"
    )
    raise NotFound(f"no vendor named {name!r}{hint}")


def get_by_name(name: str, *, session: Session) -> m.Vendor:
    """The vendor ``name`` means (see :func:`match_id`), or NotFound naming the known ones."""
    v = session.get(m.Vendor, match_id(name, session=session))
    assert v is not None
    return v


def create(
    name: str,
    *,
    session: Session,
    service: str = "",
    category: str = "other",
    criticality: str = "standard",
    **extra: Any,
) -> m.Vendor:
    """Add a vendor; the name must be new."""
    access.require_facilitator(session, doing="add a vendor")
    name = name.strip()
    if not name:
        raise UserError("a vendor needs a name")
    if category not in enums.VENDOR_CATEGORIES:
        raise UserError(f"category {category!r}: use one of {', '.join(enums.VENDOR_CATEGORIES)}")
    if criticality not in enums.CRITICALITY:
        raise UserError(f"criticality {criticality!r}: use one of {', '.join(enums.CRITICALITY)}")
    if (problem := line_problem(name)) is not None:
        raise UserError(f"vendor name {problem}")
    same = [n for (n,) in session.execute(select(col(m.Vendor.name))) if fold(n) == fold(name)]
    if same:
        raise UserError(f"a vendor named {name!r} exists already")
    v = m.Vendor(name=name, service=service, category=category, criticality=criticality, **extra)
    session.add(v)
    session.flush()
    return v


def count(*, session: Session) -> int:
    """How many vendors this session may see."""
    q = select(func.count()).select_from(m.Vendor)
    return session.scalar(access.scoped(q, col(m.Vendor.id), session=session)) or 0


def get_detail(vendor_id: int, *, session: Session) -> VendorDetail:
    access.require_visible(vendor_id, session=session)
    v = session.get(m.Vendor, vendor_id)
    if v is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    contacts = tuple(
        ContactRow(c.id, c.side, c.name, c.organisation, c.role, c.email, c.escalation_level)
        for c in session.scalars(
            select(m.Contact)
            .where(col(m.Contact.vendor_id) == vendor_id)
            .order_by(col(m.Contact.side), col(m.Contact.escalation_level), col(m.Contact.name))
        )
    )
    return VendorDetail(
        id=v.id,
        name=v.name,
        service=v.service,
        category=v.category,
        criticality=v.criticality,
        review_cadence_months=v.review_cadence_months,
        contract_start=v.contract_start,
        contract_end=v.contract_end,
        annual_contract_cost=v.annual_contract_cost,
        baseline_inhouse_cost=v.baseline_inhouse_cost,
        currency=v.currency,
        contract_review=v.contract_review,
        contacts=contacts,
    )


def names(*, session: Session, only_vendor: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of every vendor this session may see, for pickers and the command palette."""
    q = access.scoped(
        select(col(m.Vendor.id), col(m.Vendor.name)).order_by(col(m.Vendor.name)),
        col(m.Vendor.id),
        session=session,
    )
    rows = [(i, n) for i, n in session.execute(q)]
    if only_vendor is not None:
        key = fold(only_vendor)
        rows = [(i, n) for i, n in rows if fold(n) == key]
    return rows
