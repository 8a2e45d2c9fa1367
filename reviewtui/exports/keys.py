"""The organisation's signing key: a PKCS#12 file and its password file, outside the database.

``reviewtui keys init`` makes a self-signed certificate (ECDSA P-256 with SHA-256, key usage digital
signature + non-repudiation, five years) and writes the key and certificate as a PKCS#12 file
encrypted with a random password, which goes into a password file beside it; both are created
exclusively with mode 0600, so an existing file is never overwritten. A company certificate is
used instead through ``[signing]`` in the server's configuration (see :mod:`reviewtui.config`).

Imports ``cryptography`` inside the functions: none of this is on the start-up path.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reviewtui.db.errors import UserError

VALID_DAYS = 5 * 365 + 1


@dataclass(frozen=True)
class CertificateInfo:
    """What a certificate says, for registering and printing it."""

    fingerprint: str  # SHA-256 of the DER encoding, lowercase hex
    subject: str
    issuer: str
    organisation: str
    not_before: datetime
    not_after: datetime
    pem: str
    self_signed: bool

    def expired(self, at: datetime | None = None) -> bool:
        return (at or datetime.now(UTC)) > self.not_after


def pretty_fingerprint(fp: str) -> str:
    """``AB:CD:...`` as pdfsig, browsers and openssl print it."""
    return ":".join(fp[i : i + 2] for i in range(0, len(fp), 2)).upper()


def describe(cert: Any) -> CertificateInfo:
    """The facts of a ``cryptography`` certificate."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    der = cert.public_bytes(serialization.Encoding.DER)
    orgs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return CertificateInfo(
        fingerprint=hashlib.sha256(der).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        organisation=str(orgs[0].value) if orgs else "",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        self_signed=cert.issuer == cert.subject,
    )


def info_from_pem(pem: str) -> CertificateInfo:
    from cryptography import x509

    return describe(x509.load_pem_x509_certificate(pem.encode("ascii")))


def _create_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def password_path_for(key_path: Path) -> Path:
    """The password file that goes with a key file: ``KEY.password``."""
    return key_path.with_name(key_path.name + ".password")


def create(
    organisation: str,
    key_path: Path,
    *,
    days: int = VALID_DAYS,
    start: datetime | None = None,
) -> tuple[CertificateInfo, Path]:
    """Make a key and self-signed certificate for ``organisation``, valid ``days`` from
    ``start`` (default now); write the PKCS#12 file at ``key_path`` and its password file
    beside it. Returns the certificate and the password file.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    organisation = organisation.strip()
    if not organisation:
        raise UserError("--org needs the organisation's name")
    pw_path = password_path_for(key_path)
    for p in (key_path, pw_path):
        if os.path.lexists(p):
            raise UserError(
                f"{p} already exists: keys init never overwrites a key (choose another --out, "
                "or move the old one away first)"
            )
    if not key_path.parent.is_dir():
        raise UserError(f"--out {key_path}: the folder {key_path.parent} does not exist")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation[:40]} minutes signing"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        ]
    )
    now = (start or datetime.now(UTC)).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(32)
    blob = pkcs12.serialize_key_and_certificates(
        name=f"{organisation[:40]} minutes signing".encode(),
        key=key,
        cert=cert,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode("ascii")),
    )
    _create_exclusive(pw_path, (password + "\n").encode("ascii"))
    try:
        _create_exclusive(key_path, blob)
    except OSError:
        pw_path.unlink(missing_ok=True)
        raise
    return describe(cert), pw_path


def read_password(password_path: Path) -> bytes:
    """The password in a password file (its first line), refusing a file everyone may read."""
    try:
        st = password_path.stat()
        text = password_path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"cannot read the key's password file {password_path}: {exc.strerror}"
        ) from None
    if st.st_mode & 0o007:  # a facilitators-only group may read it (0640), everyone not
        raise UserError(
            f"the password file {password_path} can be read by every user (mode "
            f"{st.st_mode & 0o777:04o}): chmod 600 it (or 640 to a facilitators-only group)"
        )
    return text.splitlines()[0].strip() if text.strip() else b""


def load(key_path: Path, password_path: Path) -> tuple[Any, Any, list[Any]]:
    """The private key, certificate and CA chain of a PKCS#12 file, or a one-line UserError."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    password = read_password(password_path)
    try:
        blob = key_path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the signing key {key_path}: {exc.strerror}") from None
    try:
        key, cert, cas = pkcs12.load_key_and_certificates(blob, password or None)
    except ValueError:
        raise UserError(
            f"{key_path} is not a PKCS#12 key file that the password in {password_path} opens"
        ) from None
    if key is None or cert is None:
        raise UserError(f"{key_path} holds no private key and certificate")
    return key, cert, list(cas or [])
