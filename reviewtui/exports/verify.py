"""Verification of a minutes PDF: the digital signature, the embedded JSON, the printed hash.

``read_pdf`` takes the PDF apart with pyHanko's reader (no WeasyPrint, no text extraction): the
``minutes.json`` attachment, the named destinations the template puts on the printed SHA-256
(``sha256-<hex>``) and on the signature line (``cert-<fingerprint>``), and the signature itself,
validated cryptographically (intact, valid, covering the entire file). ``check_signature``
decides whether the signer is one of ours (a fingerprint or CA from :class:`TrustAnchors`);
``check_file`` compares the attachment with the printed hash; ``check_against_database``
compares it with the revision stored at sign-off.

The printed hash is read from the destination the template anchors on it, which the signature
covers like every other byte, rather than from the page text: text extraction depends on each
font's encoding and failed on genuine minutes in other scripts.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reviewtui.domain import minutes as dm
from reviewtui.exports.pdf import ATTACHMENT_NAME

_HASH_DEST = "sha256-"
_CERT_DEST = "cert-"


@dataclass(frozen=True)
class SignatureEvidence:
    """The digital signature of a PDF, as pyHanko found it (trust is decided separately)."""

    count: int  # signatures in the file
    intact: bool = False  # the signed bytes hash to the signed digest
    valid: bool = False  # the signer's certificate made the signature
    entire_file: bool = False  # no byte outside the signed range, no later revision
    fingerprint: str = ""  # SHA-256 of the signer's certificate
    subject: str = ""
    issuer_der: bytes = b""
    certificate_der: bytes = b""
    signed_at: datetime | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None
    problem: str = ""


@dataclass(frozen=True)
class TrustAnchors:
    """The certificates whose signatures count: registered in the database or in the config."""

    fingerprints: frozenset[str] = frozenset()
    ca_pems: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # for the note that says what was checked against


@dataclass(frozen=True)
class PdfEvidence:
    """What a minutes PDF holds."""

    path: Path
    attachment_names: tuple[str, ...]
    attachment: bytes | None
    printed_hashes: tuple[str, ...]
    document: dict[str, Any] | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)
    signature: SignatureEvidence = field(default_factory=lambda: SignatureEvidence(0))
    printed_fingerprints: tuple[str, ...] = ()

    @property
    def sha256(self) -> str | None:
        return dm.sha256_hex(self.attachment) if self.attachment is not None else None


def _name_tree(node: Any, depth: int = 0) -> list[tuple[str, Any]]:
    """The (name, value) pairs of a PDF name tree (leaves and kids)."""
    if node is None or depth > 32:
        return []
    out: list[tuple[str, Any]] = []
    if "/Names" in node:
        arr = node["/Names"]
        for i in range(0, len(arr) - 1, 2):
            out.append((str(arr[i]), arr.raw_get(i + 1)))
    if "/Kids" in node:
        for kid in node["/Kids"]:
            out.extend(_name_tree(kid.get_object(), depth + 1))
    return out


def read_pdf(path: Path) -> PdfEvidence:
    """The attachments, printed hash, minutes document and signature of the PDF at ``path``."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    problems: list[str] = []
    try:
        data = path.read_bytes()
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        names = reader.root.get("/Names")
        names = names.get_object() if names is not None else None
        files = _name_tree(names["/EmbeddedFiles"]) if names and "/EmbeddedFiles" in names else []
        dests = _name_tree(names["/Dests"]) if names and "/Dests" in names else []
        attachments: dict[str, list[bytes]] = {}
        for name, spec in files:
            spec = spec.get_object()
            stream = spec["/EF"]["/F"]
            attachments.setdefault(name, []).append(stream.data)
        signature = _signature(reader)
    except OSError as exc:
        return PdfEvidence(path, (), None, (), None, (f"cannot read {path}: {exc.strerror}",))
    except Exception as exc:  # PdfError, zlib.error, KeyError...: a damaged or foreign file
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return PdfEvidence(path, (), None, (), None, (f"{path} is not a readable PDF: {detail}",))
    dest_names = [n for n, _ in dests]
    printed = tuple(n[len(_HASH_DEST) :].lower() for n in dest_names if n.startswith(_HASH_DEST))
    fps = tuple(n[len(_CERT_DEST) :].lower() for n in dest_names if n.startswith(_CERT_DEST))
    names_found = tuple(sorted(attachments))
    blobs = attachments.get(ATTACHMENT_NAME) or []
    attachment = blobs[0] if len(blobs) == 1 else None
    if not blobs:
        problems.append(f"{path} has no {ATTACHMENT_NAME} attachment")
    elif len(blobs) > 1:
        problems.append(f"{path} has {len(blobs)} attachments named {ATTACHMENT_NAME}")
    doc = None
    if attachment is not None:
        try:
            doc = dm.load(attachment)
        except ValueError as exc:
            problems.append(f"the attached {ATTACHMENT_NAME} is not reviewtui minutes: {exc}")
    return PdfEvidence(path, names_found, attachment, printed, doc, tuple(problems), signature, fps)


def _signature(reader: Any) -> SignatureEvidence:
    """The one signature of the file, validated for integrity and coverage (not trust)."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    sigs = reader.embedded_signatures
    if not sigs:
        return SignatureEvidence(0)
    sig = sigs[0]
    cert = sig.signer_cert
    base = {
        "count": len(sigs),
        "fingerprint": cert.sha256.hex(),
        "subject": cert.subject.human_friendly,
        "issuer_der": cert.issuer.dump(),
        "certificate_der": cert.dump(),
        "signed_at": sig.self_reported_timestamp,
        "not_before": cert.not_valid_before,
        "not_after": cert.not_valid_after,
    }
    # pyHanko logs a self-signed certificate as a failed path build: trust is decided by the
    # caller against the registered fingerprints, so the certificate is its own anchor here.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        ctx = ValidationContext(trust_roots=[cert], allow_fetching=False)
        status = validate_pdf_signature(sig, ctx, skip_diff=True)
    except Exception as exc:  # a malformed signature: say what pyHanko said
        return SignatureEvidence(**base, problem=f"the signature cannot be validated: {exc}")
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    return SignatureEvidence(
        **base,
        intact=bool(status.intact),
        valid=bool(status.valid),
        entire_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
    )


def _issued_by(cert_der: bytes, ca_pem: str) -> bool:
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(cert_der)
        ca = x509.load_pem_x509_certificate(ca_pem.encode("ascii"))
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, Exception):
        return False
    return True


def check_signature(ev: PdfEvidence, trust: TrustAnchors) -> tuple[list[str], list[str]]:
    """(problems, notes) about the digital signature of ``ev`` against ``trust``."""
    from reviewtui.exports.keys import pretty_fingerprint

    sig = ev.signature
    if sig.count == 0:
        return ["the PDF is not digitally signed (export it again: signed-off minutes are)"], []
    problems: list[str] = []
    notes: list[str] = []
    if sig.problem:
        return [sig.problem], []
    if sig.count > 1:
        problems.append(f"the PDF holds {sig.count} signatures; reviewtui signs minutes once")
    if not sig.intact:
        problems.append(
            "the digital signature does not match the signed bytes: the PDF was changed after "
            "it was signed"
        )
    elif not sig.valid:
        problems.append("the digital signature was not made by the certificate it names")
    if not sig.entire_file:
        problems.append(
            "the digital signature does not cover the entire file: something was added or "
            "changed after signing (an incremental update)"
        )
    fp = sig.fingerprint
    registered = fp in trust.fingerprints
    by_ca = not registered and any(_issued_by(sig.certificate_der, ca) for ca in trust.ca_pems)
    if not (registered or by_ca):
        problems.append(
            f"the PDF is signed by an unknown certificate ({sig.subject}), SHA-256 fingerprint "
            f"{pretty_fingerprint(fp)}: not one registered here; compare it with the fingerprint "
            "your organisation publishes"
        )
    if ev.printed_fingerprints and set(ev.printed_fingerprints) != {fp}:
        problems.append(
            "the certificate fingerprint printed on the page differs from the certificate that "
            "signed the PDF"
        )
    now = datetime.now(UTC)
    if sig.not_after is not None and sig.signed_at is not None and sig.signed_at > sig.not_after:
        problems.append(
            f"the certificate had expired ({sig.not_after:%Y-%m-%d}) when the PDF was signed"
        )
    elif sig.not_after is not None and now > sig.not_after:
        notes.append(
            f"the signing certificate expired on {sig.not_after:%Y-%m-%d}; the PDF was signed "
            f"before that, on {sig.signed_at:%Y-%m-%d}"
            if sig.signed_at
            else ""
        )
    if not problems:
        how = "a registered certificate" if registered else "a certificate issued by a trusted CA"
        when = f" on {sig.signed_at:%Y-%m-%d %H:%M} UTC" if sig.signed_at else ""
        notes.append(
            f"digital signature valid over the entire file, by {how} ({sig.subject}, "
            f"SHA-256 {pretty_fingerprint(fp)}){when}"
        )
    return problems, [n for n in notes if n]


def check_file(ev: PdfEvidence) -> list[str]:
    """What is wrong with the PDF's contents on their own (empty: consistent and signed off)."""
    problems = list(ev.problems)
    if ev.attachment is None:
        return problems
    actual = ev.sha256
    if not ev.printed_hashes:
        problems.append("no SHA-256 is printed in the PDF's sign-off block")
    for printed in sorted(set(ev.printed_hashes)):
        if printed != actual:
            problems.append(
                f"the printed SHA-256 {printed} differs from the hash of the attached "
                f"minutes, {actual}"
            )
    if ev.document is not None:
        if dm.canonical_json(ev.document) != ev.attachment:
            problems.append(f"the attached {ATTACHMENT_NAME} is not in canonical form")
        if not dm.is_signed_off(ev.document):
            problems.append("these minutes are a draft: they were never signed off")
    extra = [n for n in ev.attachment_names if n != ATTACHMENT_NAME]
    if extra:
        problems.append(f"unexpected attachments in the PDF: {', '.join(extra)}")
    return problems


def check_against_database(
    ev: PdfEvidence, stored_content: bytes | None, stored_sha256: str | None
) -> list[str]:
    """Differences between the PDF's minutes and the revision stored at sign-off."""
    if ev.attachment is None or ev.document is None:
        return []
    mt = ev.document["meeting"]
    where = f"meeting {mt['id']} revision {mt['revision']}"
    if stored_content is None:
        return [f"the database has no signed-off minutes for {where}"]
    problems = []
    if stored_sha256 and ev.sha256 != stored_sha256:
        problems.append(
            f"the attached minutes hash to {ev.sha256}, the database's sign-off of {where} "
            f"records {stored_sha256}"
        )
    if stored_content != ev.attachment:
        diff = _first_difference(stored_content, ev.attachment)
        problems.append(f"the attached minutes differ from those stored for {where}: {diff}")
    return problems


def _first_difference(stored: bytes, attached: bytes) -> str:
    try:
        a, b = dm.load(stored), dm.load(attached)
    except ValueError:
        return "the stored minutes are unreadable"
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            return f"section {key!r} differs"
    return "byte-level differences"


def summary(doc: dict[str, Any]) -> str:
    """One line naming the minutes: meeting, vendor, date, revision, signatories."""
    mt, signoff = doc["meeting"], doc.get("signoff", {})
    people = ", ".join(f"{s['name']} ({s['side']})" for s in signoff.get("signatories", []))
    when = (signoff.get("signed_off_at") or "")[:16].replace("T", " ")
    return (
        f"meeting {mt['id']} ({doc['vendor']['name']}, {(mt['scheduled_at'] or '')[:10]}), "
        f"revision {mt['revision']}, signed off {when or '—'} UTC by {people or 'nobody'}"
    )
