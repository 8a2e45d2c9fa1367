"""signing: the organisation's certificates, and why an amendment was opened

Revision ID: 0004_i13_signing
Revises: 0003_i8_action_counts
Create Date: 2026-12-01 22:45:00

``signingcertificate`` registers every certificate minutes PDFs were signed with (the key stays
in its PKCS#12 file, outside the database); ``minutesrevision`` gains the reason an amendment
was opened and the SHA-256 of the revision it supersedes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004_i13_signing"
down_revision: str | None = "0003_i8_action_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signingcertificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("not_before", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("not_after", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("key_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("password_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("registered_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("retired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signingcertificate")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_signingcertificate_fingerprint")),
    )
    with op.batch_alter_table("minutesrevision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "supersedes_sha256",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("minutesrevision", schema=None) as batch_op:
        batch_op.drop_column("supersedes_sha256")
        batch_op.drop_column("reason")
    op.drop_table("signingcertificate")
