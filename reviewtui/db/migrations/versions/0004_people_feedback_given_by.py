"""people: who gave a piece of feedback

Revision ID: 0004_people
Revises: 0004_i16_meeting_notify
Create Date: 2026-12-01 22:40:00

Feedback said only which login typed it (``author``); ``given_by`` names the person who gave it
(an attendee, a contact or anyone named), so that the minutes say who said what.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_people"
down_revision: str | None = "0004_i16_meeting_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("given_by", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("given_by")
