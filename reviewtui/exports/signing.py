"""The digital signature of a minutes PDF: PAdES baseline B-B over the whole file, with pyHanko.

Why pyHanko: it is maintained, pure Python over ``cryptography``, writes the signature as an
incremental update (so the PDF/A-3 file WeasyPrint made, its ``minutes.json`` attachment and its
embedded fonts stay byte for byte as they were) and validates what it writes; poppler's
``pdfsig`` and Acrobat read the result.

The signature field is invisible: the visible line (signer, time, certificate fingerprint) is
drawn by the template, which knows them before the PDF is rendered (:class:`SignatureLine`).

pyHanko is imported inside the functions (~0.6 s): never on the start-up path. A PDF export
imports it in the parent process while the forked renderer is still busy
(:mod:`reviewtui.exports.prefork`), so the two overlap.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reviewtui.exports import keys

FIELD_NAME = "MinutesSignature"
RESERVED = 16384  # bytes for the CMS container: a P-256 signature and a chain of a few certs


@dataclass(frozen=True)
class SigningKey:
    """Where the organisation's key is, and the certificate it belongs to."""

    key_path: Path
    password_path: Path
    certificate: keys.CertificateInfo
    source: str  # "keys init" (registered in the database) or the server's config file

    @property
    def signer(self) -> str:
        return self.certificate.organisation or self.certificate.subject


@dataclass(frozen=True)
class SignatureLine:
    """What the template prints in the sign-off block about the digital signature."""

    signer: str
    subject: str
    at: str  # "YYYY-MM-DD HH:MM UTC"
    fingerprint: str

    def as_context(self) -> dict[str, str]:
        return {
            "signer": self.signer,
            "subject": self.subject,
            "at": self.at,
            "fingerprint": self.fingerprint,
            "fingerprint_pretty": keys.pretty_fingerprint(self.fingerprint),
        }


def line_for(key: SigningKey, at: datetime) -> SignatureLine:
    return SignatureLine(
        signer=key.signer,
        subject=key.certificate.subject,
        at=at.strftime("%Y-%m-%d %H:%M UTC"),
        fingerprint=key.certificate.fingerprint,
    )


class Signer:
    """The loaded key, ready to sign (load it before the PDF arrives: it takes the time)."""

    def __init__(self, key: SigningKey) -> None:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: F401
        from pyhanko.sign import signers

        private, cert, cas = keys.load(key.key_path, key.password_path)
        found = keys.describe(cert)
        if found.fingerprint != key.certificate.fingerprint:
            from reviewtui.db.errors import UserError

            raise UserError(
                f"the key file {key.key_path} holds certificate "
                f"{keys.pretty_fingerprint(found.fingerprint)}, not the registered "
                f"{keys.pretty_fingerprint(key.certificate.fingerprint)}"
            )
        self.key = key
        self._signer = _simple_signer(signers, private, cert, cas)
        self._meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=_pades(),
            reason="Signed-off minutes of a vendor review meeting",
            name=key.signer,
        )

    def sign(self, pdf: bytes) -> bytes:
        """``pdf`` with the signature appended as an incremental update."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = signers.sign_pdf(
            writer,
            self._meta,
            signer=self._signer,
            new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, box=None),
            # A fixed reservation spares pyHanko a trial signature to measure the size.
            bytes_reserved=RESERVED,
        )
        return out.getvalue()


def _pades() -> Any:
    from pyhanko.sign.fields import SigSeedSubFilter

    return SigSeedSubFilter.PADES


def _simple_signer(signers: Any, private: Any, cert: Any, cas: list[Any]) -> Any:
    """pyHanko's signer from the ``cryptography`` objects (converted to asn1crypto)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = serialization.Encoding.DER
    key_der = private.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in cas]
        ),
    )


def resolve_key(
    signing_config: Mapping[str, Any], registered: Any | None, *, config_file: str = ""
) -> SigningKey | None:
    """The key to sign with: ``[signing]`` in the server's config when it names one, else the
    current key registered by ``keys init`` (``registered``: a
    :class:`reviewtui.db.certificates.KeyLocation`), else None.
    """
    if signing_config.get("pkcs12"):
        key_path = Path(str(signing_config["pkcs12"])).expanduser()
        pw_path = Path(str(signing_config["password_file"])).expanduser()
        _key, cert, _cas = keys.load(key_path, pw_path)
        return SigningKey(key_path, pw_path, keys.describe(cert), config_file or "config")
    if registered is None:
        return None
    return SigningKey(
        Path(registered.key_path),
        Path(registered.password_path),
        keys.info_from_pem(registered.certificate_pem),
        "keys init",
    )
