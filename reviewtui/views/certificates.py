"""Signing certificates registered in the database, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RegisteredCertificate:
    """A certificate minutes may be signed with (current when ``retired_at`` is None)."""

    id: int
    fingerprint: str
    subject: str
    organisation: str
    certificate_pem: str
    not_before: datetime
    not_after: datetime
    registered_at: datetime
    registered_by: str
    retired_at: datetime | None


@dataclass(frozen=True)
class KeyLocation:
    """Where the current key's files are (for a facilitator session only)."""

    fingerprint: str
    certificate_pem: str
    key_path: str
    password_path: str
