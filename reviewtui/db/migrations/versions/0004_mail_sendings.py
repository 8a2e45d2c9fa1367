"""mail: the record of messages sent, and a meeting's calendar UID and SEQUENCE

Revision ID: 0004_mail
Revises: 0004_people
Create Date: 2026-12-01 22:50:00

``mailsent`` holds one row per message per accepted recipient (minutes, invitations and their
updates and cancellations, reminders). ``meeting`` gains ``ical_uid`` and ``ical_sequence`` (an
invitation's update must carry a higher SEQUENCE under the same UID) and ``cancel_reason``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004_mail"
down_revision: str | None = "0004_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "ical_uid",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("ical_sequence", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("cancel_reason", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "mailsent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("draft", sa.Boolean(), nullable=False),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("recipient_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("attachment_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_mailsent_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
            name=op.f("fk_mailsent_vendor_id_vendor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailsent")),
    )
    op.create_index("ix_mailsent_meeting", "mailsent", ["meeting_id", "kind"], unique=False)
    op.create_index(
        "ix_mailsent_recipient_day", "mailsent", ["recipient", "kind", "day"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_mailsent_recipient_day", table_name="mailsent")
    op.drop_index("ix_mailsent_meeting", table_name="mailsent")
    op.drop_table("mailsent")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("ical_sequence")
        batch_op.drop_column("ical_uid")
