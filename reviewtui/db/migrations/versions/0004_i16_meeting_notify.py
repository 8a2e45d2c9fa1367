"""meeting notify: PostgreSQL tells listening sessions when a meeting's version moves

Revision ID: 0004_i16_meeting_notify
Revises: 0004_i13_signing
Create Date: 2026-12-01 22:45:00

Sessions following a meeting LISTEN on ``reviewtui_meeting`` (:mod:`reviewtui.db.watch`)
instead of polling. Every change to a meeting or its rows bumps ``meeting.version``; this
trigger turns that bump into ``NOTIFY reviewtui_meeting, '<id> <version>'``, which the server
delivers when the transaction commits (and folds duplicates within one transaction). Being a
trigger, it covers every writer: the TUI, the CLI, importers, a flush on hang-up.

SQLite has no notifications (its sessions read ``PRAGMA data_version``): nothing to do there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_i16_meeting_notify"
down_revision: str | None = "0004_i13_signing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION reviewtui_meeting_notify() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('reviewtui_meeting', NEW.id::text || ' ' || NEW.version::text);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER meeting_version_notify
        AFTER UPDATE OF version ON meeting
        FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
        EXECUTE FUNCTION reviewtui_meeting_notify()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS meeting_version_notify ON meeting")
    op.execute("DROP FUNCTION IF EXISTS reviewtui_meeting_notify()")
