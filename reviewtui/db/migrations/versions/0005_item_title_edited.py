"""agenda: whether a person renamed an item

Revision ID: 0005_title_edited
Revises: 0004_mail
Create Date: 2026-12-02 07:45:00

Before a meeting starts, its agenda is brought up to date: an action item's title follows the
action's due date and overdue mark, the minutes item names the minutes to acknowledge. A title a
person typed must stay; until now that was guessed from the title's shape, so a rename that
kept the shape (a new due date typed in) was put back. ``title_edited`` says it. Items renamed
before this revision keep the guess (a title not in the agenda's own shape is a person's).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_title_edited"
down_revision: str | None = "0004_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title_edited", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        batch_op.drop_column("title_edited")
