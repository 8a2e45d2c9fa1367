"""The organisation's signing certificates in the database: registered, listed, the current key.

Only certificates (public) and the path of the key file are stored; the private key stays in its
PKCS#12 file. Registering a new certificate retires the current one, which stays registered so
that minutes signed with it still verify. Any session may read the certificates (verification
needs them); only a facilitator session gets the key's location (:func:`current_key`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import models as m
from reviewtui.db.errors import Conflict
from reviewtui.domain import clock
from reviewtui.views.certificates import KeyLocation, RegisteredCertificate


def _frozen(row: m.SigningCertificate) -> RegisteredCertificate:
    return RegisteredCertificate(
        id=row.id or 0,
        fingerprint=row.fingerprint,
        subject=row.subject,
        organisation=row.organisation,
        certificate_pem=row.certificate_pem,
        not_before=clock.aware(row.not_before),
        not_after=clock.aware(row.not_after),
        registered_at=clock.aware(row.registered_at),
        registered_by=row.registered_by,
        retired_at=clock.aware(row.retired_at) if row.retired_at else None,
    )


def register(
    *,
    session: Session,
    fingerprint: str,
    subject: str,
    organisation: str,
    certificate_pem: str,
    not_before: datetime,
    not_after: datetime,
    key_path: str,
    password_path: str,
    current: bool = True,
) -> RegisteredCertificate:
    """Register a certificate; with ``current`` it replaces the current one (which is retired)."""
    access.require_facilitator(session, doing="register a signing certificate")
    existing = session.scalar(
        select(m.SigningCertificate).where(col(m.SigningCertificate.fingerprint) == fingerprint)
    )
    now = clock.now()
    if existing is not None:
        if not current:
            return _frozen(existing)
        if existing.retired_at is None and existing.key_path == key_path:
            return _frozen(existing)
        raise Conflict(f"the certificate {fingerprint} is already registered")
    if current:
        for row in session.scalars(
            select(m.SigningCertificate).where(col(m.SigningCertificate.retired_at).is_(None))
        ):
            row.retired_at = now
    row = m.SigningCertificate(
        fingerprint=fingerprint,
        subject=subject,
        organisation=organisation,
        certificate_pem=certificate_pem,
        not_before=not_before,
        not_after=not_after,
        key_path=key_path,
        password_path=password_path,
        registered_at=now,
        registered_by=session.info.get("user", ""),
        retired_at=None if current else now,
    )
    session.add(row)
    session.flush()
    return _frozen(row)


def registered(*, session: Session) -> list[RegisteredCertificate]:
    """Every registered certificate, newest first (the current one, if any, first)."""
    rows = session.scalars(
        select(m.SigningCertificate).order_by(
            col(m.SigningCertificate.registered_at).desc(),
            col(m.SigningCertificate.id).desc(),
        )
    )
    return [_frozen(r) for r in rows]


def current_key(*, session: Session) -> KeyLocation | None:
    """The current certificate's key files, or None when no key was made (``keys init``)."""
    access.require_facilitator(session, doing="use the organisation's signing key")
    row = session.scalar(
        select(m.SigningCertificate)
        .where(col(m.SigningCertificate.retired_at).is_(None))
        .order_by(col(m.SigningCertificate.id).desc())
        .limit(1)
    )
    if row is None or not row.key_path:
        return None
    return KeyLocation(row.fingerprint, row.certificate_pem, row.key_path, row.password_path)
