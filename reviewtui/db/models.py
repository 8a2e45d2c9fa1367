"""The whole data model of reviewtui.

Tables are defined once here; every schema change after the first is an Alembic migration in
``db/migrations/versions``. Enumerated values are stored as short strings (portable across SQLite
and PostgreSQL, readable in a shell); the allowed values live in :mod:`reviewtui.domain.enums`.
JSON-shaped columns (five whys, before/after values) are stored as text holding JSON.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, MetaData, Table, Text, UniqueConstraint, false, inspect
from sqlmodel import Field, SQLModel

from reviewtui.domain import clock

# A naming convention makes constraint names stable, which Alembic's batch mode on SQLite needs.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for Core statements (bulk inserts, aliases).

    SQLModel does not declare ``__table__`` to type checkers; the mapper holds the same table.
    """
    table = inspect(model).local_table
    assert isinstance(table, Table), model
    return table


# Primary keys are typed ``int`` (not ``int | None``, which is what they hold only between
# ``Model(...)`` and the first flush): every row a query reads or a function hands on has one, and
# the column is NOT NULL either way. The default None lets the database assign it.


class Vendor(SQLModel, table=True):
    """A supplier whose performance is reviewed."""

    id: int = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    service: str = Field(default="", max_length=200)
    category: str = Field(default="other", max_length=40)
    criticality: str = Field(default="standard", max_length=20)
    review_cadence_months: int | None = Field(default=None)
    contract_start: date | None = None
    contract_end: date | None = None
    annual_contract_cost: float | None = None
    baseline_inhouse_cost: float | None = None
    currency: str = Field(default="EUR", max_length=3)
    notes: str = Field(default="", sa_type=Text)
    contract_review: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.now)
    version: int = Field(default=1)


class Contact(SQLModel, table=True):
    """A person on either side of the relationship."""

    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    side: str = Field(max_length=10)  # client | vendor
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320)
    escalation_level: int | None = None
    login: str | None = Field(default=None, max_length=100)


class EscalationStep(SQLModel, table=True):
    """One rung of a vendor's escalation ladder (levels 1-3)."""

    __table_args__ = (UniqueConstraint("vendor_id", "level"),)
    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    level: int
    client_contact_id: int | None = Field(
        default=None, foreign_key="contact.id", ondelete="SET NULL"
    )
    vendor_contact_id: int | None = Field(
        default=None, foreign_key="contact.id", ondelete="SET NULL"
    )
    response_hours: int = Field(default=48)


class Kpi(SQLModel, table=True):
    """An agreed key performance indicator with its target."""

    __table_args__ = (UniqueConstraint("vendor_id", "name"),)
    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=40)
    direction: str = Field(default="higher", max_length=10)  # higher | lower
    target: float
    threshold: float | None = None
    weight: float = Field(default=1.0)
    frequency: str = Field(default="monthly", max_length=10)  # monthly | quarterly | weekly
    category: str = Field(default="service", max_length=20)  # quality | cost | delivery | service
    description: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class Measurement(SQLModel, table=True):
    """A KPI value for one period, from one source."""

    __table_args__ = (
        UniqueConstraint("kpi_id", "period", "source"),
        Index("ix_measurement_kpi_period", "kpi_id", "period"),
    )
    id: int = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", ondelete="CASCADE")
    period: str = Field(max_length=10)  # YYYY-MM | YYYY-Qn | YYYY-Www
    value: float
    source: str = Field(default="vendor", max_length=12)  # vendor | independent
    note: str = Field(default="", sa_type=Text)
    recorded_at: datetime = Field(default_factory=clock.now)
    recorded_by: str = Field(default="", max_length=100)


class Meeting(SQLModel, table=True):
    """A review meeting with a vendor."""

    __table_args__ = (Index("ix_meeting_vendor_sched", "vendor_id", "scheduled_at"),)
    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", ondelete="CASCADE")
    type: str = Field(default="monthly", max_length=10)  # monthly | qbr | adhoc
    title: str = Field(default="", max_length=300)
    scheduled_at: datetime
    location: str = Field(default="", max_length=200)
    period: str | None = Field(default=None, max_length=10)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    status: str = Field(default="planned", max_length=12)  # planned|in_progress|ended|signed_off
    facilitator: str = Field(default="", max_length=100)
    current_item_id: int | None = None
    next_meeting_at: datetime | None = None
    revision: int = Field(default=1)
    version: int = Field(default=1)
    # The calendar invitation (migration 0004_mail): one UID for the meeting's whole life, and the
    # SEQUENCE of the last REQUEST/CANCEL sent, which each update must exceed.
    ical_uid: str = Field(default="", max_length=200)
    ical_sequence: int = Field(default=0)
    cancel_reason: str = Field(default="", sa_type=Text)


class Attendance(SQLModel, table=True):
    """Who was (or was not) at a meeting."""

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=200)
    side: str = Field(max_length=10)  # client | vendor
    status: str = Field(default="present", max_length=10)  # present | absent | apologies


class AgendaItem(SQLModel, table=True):
    """One item on a meeting's agenda, with its notes."""

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    position: int
    title: str = Field(max_length=300)
    # A person renamed it (migration 0005): the agenda's refresh leaves the title as typed.
    title_edited: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    kind: str = Field(default="custom", max_length=20)
    timebox_minutes: int = Field(default=5)
    notes: str = Field(default="", sa_type=Text)
    notes_version: int = Field(default=0)
    notes_updated_by: str = Field(default="", max_length=100)
    notes_updated_at: datetime | None = None
    started_at: datetime | None = None
    elapsed_seconds: int = Field(default=0)
    kpi_id: int | None = Field(default=None, foreign_key="kpi.id", ondelete="SET NULL")
    # No foreign key: actions point back at plans that may point at agenda items (a cycle).
    action_id: int | None = None
    carried_from_id: int | None = Field(
        default=None, foreign_key="agendaitem.id", ondelete="SET NULL"
    )


class Outcome(SQLModel, table=True):
    """A typed outcome of an agenda item: information, decision, action or parked."""

    id: int = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=12)
    text: str = Field(sa_type=Text)
    action_id: int | None = Field(default=None, foreign_key="action.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=clock.now)
    created_by: str = Field(default="", max_length=100)


class ActionPlan(SQLModel, table=True):
    """A corrective action plan: problem, root cause, containment and actions."""

    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=300)
    problem: str = Field(default="", sa_type=Text)
    source: str = Field(default="manual", max_length=12)  # kpi|audit|feedback|agenda|manual
    kpi_id: int | None = Field(default=None, foreign_key="kpi.id", ondelete="SET NULL")
    finding_id: int | None = Field(default=None, foreign_key="finding.id", ondelete="SET NULL")
    feedback_id: int | None = Field(default=None, foreign_key="feedback.id", ondelete="SET NULL")
    agenda_item_id: int | None = Field(
        default=None, foreign_key="agendaitem.id", ondelete="SET NULL"
    )
    whys: str = Field(default="[]", sa_type=Text)  # JSON list of strings, in order
    root_cause: str = Field(default="", sa_type=Text)
    root_cause_category: str = Field(default="", max_length=30)
    containment: str = Field(default="", sa_type=Text)
    status: str = Field(default="open", max_length=12)  # open|verifying|closed|reopened
    raised_on: date = Field(default_factory=clock.today)
    verification_due: date | None = None
    created_by: str = Field(default="", max_length=100)
    version: int = Field(default=1)


class Action(SQLModel, table=True):
    """One corrective action with an owner and a due date."""

    __table_args__ = (
        Index("ix_action_status_due", "status", "due_date"),
        # The dashboard's open/overdue counts from the index alone (migration 0003_i8).
        Index("ix_action_vendor_status_due", "vendor_id", "status", "due_date"),
        # The Actions screen's pages in due-date order without a sort (migration 0002_i5).
        Index("ix_action_due", "due_date"),
    )
    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", ondelete="CASCADE")
    plan_id: int | None = Field(
        default=None, foreign_key="actionplan.id", index=True, ondelete="CASCADE"
    )
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    title: str = Field(max_length=300)
    owner_contact_id: int | None = Field(
        default=None, foreign_key="contact.id", ondelete="SET NULL"
    )
    owner: str = Field(default="", max_length=200)
    due_date: date
    priority: str = Field(default="medium", max_length=10)  # low|medium|high|critical
    status: str = Field(default="open", max_length=12)  # open|in_progress|done|cancelled
    created_at: datetime = Field(default_factory=clock.now)
    closed_at: datetime | None = None
    version: int = Field(default=1)


class ActionNote(SQLModel, table=True):
    """A dated progress note or status change on an action, optionally made in a meeting."""

    id: int = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=clock.now)
    author: str = Field(default="", max_length=100)
    text: str = Field(default="", sa_type=Text)
    status_from: str | None = Field(default=None, max_length=12)
    status_to: str | None = Field(default=None, max_length=12)


class Verification(SQLModel, table=True):
    """An effectiveness check of a corrective action plan."""

    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="actionplan.id", index=True, ondelete="CASCADE")
    check_date: date
    outcome: str = Field(max_length=14)  # confirmed | not_confirmed | inconclusive
    note: str = Field(default="", sa_type=Text)
    verified_by: str = Field(default="", max_length=100)
    at: datetime = Field(default_factory=clock.now)


class Feedback(SQLModel, table=True):
    """Feedback given in either direction."""

    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="SET NULL"
    )
    direction: str = Field(max_length=20)  # client_to_vendor | vendor_to_client
    category: str = Field(max_length=12)  # achievement|improvement|concern|recognition
    rating: int | None = None
    text: str = Field(sa_type=Text)
    author: str = Field(default="", max_length=100)
    # Who gave it (an attendee, a contact, anyone named); ``author`` is who typed it in.
    given_by: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=clock.now)


class Escalation(SQLModel, table=True):
    """An escalation raised along a vendor's ladder."""

    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    level: int
    reason: str = Field(sa_type=Text)
    status: str = Field(default="open", max_length=12)  # open|acknowledged|resolved|closed
    kpi_id: int | None = Field(default=None, foreign_key="kpi.id", ondelete="SET NULL")
    action_id: int | None = Field(default=None, foreign_key="action.id", ondelete="SET NULL")
    plan_id: int | None = Field(default=None, foreign_key="actionplan.id", ondelete="SET NULL")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    raised_at: datetime = Field(default_factory=clock.now)
    raised_by: str = Field(default="", max_length=100)


class EscalationLog(SQLModel, table=True):
    """The log of an escalation: status changes and notes."""

    id: int = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=clock.now)
    author: str = Field(default="", max_length=100)
    status: str | None = Field(default=None, max_length=12)
    text: str = Field(default="", sa_type=Text)


class Audit(SQLModel, table=True):
    """An audit or site visit of a vendor."""

    id: int = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    date: date
    type: str = Field(max_length=20)  # site_visit | remote_audit | security_assessment
    auditor: str = Field(default="", max_length=200)
    scope: str = Field(default="", sa_type=Text)
    result: str = Field(default="", max_length=20)  # pass | conditional | fail
    notes: str = Field(default="", sa_type=Text)


class Finding(SQLModel, table=True):
    """A finding of an audit."""

    id: int = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True, ondelete="CASCADE")
    severity: str = Field(max_length=12)  # critical | major | minor | observation
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)


class MinutesRevision(SQLModel, table=True):
    """A frozen revision of a meeting's minutes (canonical JSON and its SHA-256)."""

    __table_args__ = (UniqueConstraint("meeting_id", "revision"),)
    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    revision: int
    status: str = Field(default="draft", max_length=12)  # draft | signed_off
    content_json: str = Field(default="", sa_type=Text)
    sha256: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=clock.now)
    signed_off_at: datetime | None = None
    # An amendment (revision > 1): why it was opened, and the revision it supersedes.
    reason: str = Field(default="", sa_type=Text)
    supersedes_sha256: str = Field(default="", max_length=64)


class SigningCertificate(SQLModel, table=True):
    """A certificate the organisation signs minutes PDFs with (current or retired).

    Only the certificate and the path of its key file are stored, never the private key. Older
    certificates stay registered so that minutes signed before a key rotation still verify.
    """

    __tablename__ = "signingcertificate"
    id: int = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=64, unique=True)  # SHA-256 of the DER, lowercase hex
    subject: str = Field(default="", max_length=400)
    organisation: str = Field(default="", max_length=200)
    certificate_pem: str = Field(default="", sa_type=Text)
    not_before: datetime
    not_after: datetime
    key_path: str = Field(default="", max_length=1000)  # the PKCS#12 file, outside the database
    password_path: str = Field(default="", max_length=1000)
    registered_at: datetime = Field(default_factory=clock.now)
    registered_by: str = Field(default="", max_length=100)
    retired_at: datetime | None = None  # set when a newer key replaced it


class SignOff(SQLModel, table=True):
    """One signatory's approval of a revision of the minutes."""

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    revision: int = Field(default=1)
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=200)
    side: str = Field(max_length=10)  # client | vendor
    method: str = Field(default="in_meeting", max_length=20)  # in_meeting | typed | written
    signed_at: datetime = Field(default_factory=clock.now)
    recorded_by: str = Field(default="", max_length=100)


class ChangeLog(SQLModel, table=True):
    """The audit trail: who changed what, when, with before and after values (JSON)."""

    __tablename__ = "changelog"
    __table_args__ = (Index("ix_changelog_vendor_at", "vendor_id", "at"),)
    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=clock.now, index=True)
    user: str = Field(default="", max_length=100)
    op: str = Field(max_length=8)  # insert | update | delete
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    vendor_id: int | None = None
    before: str | None = Field(default=None, sa_type=Text)
    after: str | None = Field(default=None, sa_type=Text)


class MailSent(SQLModel, table=True):
    """One message delivered to one recipient: minutes, an invitation, a reminder (0004_mail).

    Only recipients the server accepted are recorded; the record is what keeps the same revision
    from going to the same person twice and a reminder from going out twice a day.
    """

    __tablename__ = "mailsent"
    __table_args__ = (
        Index("ix_mailsent_meeting", "meeting_id", "kind"),
        Index("ix_mailsent_recipient_day", "recipient", "kind", "day"),
    )
    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=clock.now)
    sent_by: str = Field(default="", max_length=100)
    kind: str = Field(max_length=12)  # minutes | invite | update | cancel | reminder | test
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id", ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="CASCADE")
    revision: int | None = None
    draft: bool = Field(default=False)
    recipient: str = Field(max_length=320)  # the address, lower case
    recipient_name: str = Field(default="", max_length=200)
    field: str = Field(default="to", max_length=3)  # to | cc
    message_id: str = Field(default="", max_length=300)
    sha256: str = Field(default="", max_length=64)  # the minutes' canonical JSON, as sent
    attachment_sha256: str = Field(default="", max_length=64)  # the PDF file attached
    sequence: int | None = None  # an invitation's SEQUENCE
    day: date | None = None  # a reminder's day (local), for the once-a-day rule
