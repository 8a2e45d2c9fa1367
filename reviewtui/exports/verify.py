"""Verification of a minutes PDF: the embedded JSON, its hash, the printed hash, the database.

``read_pdf`` takes the PDF apart with pypdf (no WeasyPrint needed); ``check_file`` compares the
attachment's SHA-256 with the one printed in the sign-off block; ``check_against_database``
compares the attachment with the revision stored at sign-off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewtui.domain import minutes as dm
from reviewtui.exports.pdf import ATTACHMENT_NAME

_PRINTED = re.compile(r"SHA-256 of the minutes:\s*((?:[0-9a-fA-F]\s*){64})")


@dataclass(frozen=True)
class PdfEvidence:
    """What a minutes PDF holds."""

    path: Path
    attachment_names: tuple[str, ...]
    attachment: bytes | None
    printed_hashes: tuple[str, ...]
    document: dict[str, Any] | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sha256(self) -> str | None:
        return dm.sha256_hex(self.attachment) if self.attachment is not None else None


def read_pdf(path: Path) -> PdfEvidence:
    """The attachments, printed hash and minutes document of the PDF at ``path``."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    problems: list[str] = []
    try:
        reader = PdfReader(str(path))
        attachments = {name: list(data) for name, data in reader.attachments.items()}
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, PdfReadError, ValueError) as exc:
        return PdfEvidence(path, (), None, (), None, (f"{path} is not a readable PDF: {exc}",))
    names = tuple(sorted(attachments))
    blobs = attachments.get(ATTACHMENT_NAME) or []
    attachment = blobs[0] if len(blobs) == 1 else None
    if not blobs:
        problems.append(f"{path} has no {ATTACHMENT_NAME} attachment")
    elif len(blobs) > 1:
        problems.append(f"{path} has {len(blobs)} attachments named {ATTACHMENT_NAME}")
    printed = tuple(re.sub(r"\s+", "", m).lower() for m in _PRINTED.findall(text))
    doc = None
    if attachment is not None:
        try:
            doc = dm.load(attachment)
        except ValueError as exc:
            problems.append(f"the attached {ATTACHMENT_NAME} is not reviewtui minutes: {exc}")
    return PdfEvidence(path, names, attachment, printed, doc, tuple(problems))


def check_file(ev: PdfEvidence) -> list[str]:
    """What is wrong with the PDF on its own (empty: the file is consistent and signed off)."""
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
