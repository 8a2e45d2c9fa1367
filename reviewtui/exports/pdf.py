"""The minutes as PDF/A-3b: WeasyPrint rendering the HTML template, minutes JSON attached.

The PDF carries: a header with vendor and meeting, page X of Y, a table of contents when the
minutes are long, RAG as colour and text, SVG trend charts, the sign-off block with the SHA-256,
a diagonal DRAFT watermark until both sides signed, document metadata (title, author, subject,
keywords, creation date), and the canonical minutes JSON embedded as ``minutes.json`` so that
``reviewtui verify`` can prove the document unchanged.

WeasyPrint is imported here, inside the function, never at start-up.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reviewtui.domain import clock
from reviewtui.domain import minutes as dm
from reviewtui.exports import html as html_export

ATTACHMENT_NAME = "minutes.json"
PDF_VARIANT = "pdf/a-3b"


def render(
    doc: Mapping[str, Any],
    *,
    page_size: str = "A4",
    generated_at: datetime | None = None,
    author: str = "",
    signature: Mapping[str, str] | None = None,
) -> bytes:
    """The PDF bytes of the minutes document ``doc`` (with the signature line of ``signature``;
    the digital signature itself is applied afterwards, :mod:`reviewtui.exports.signing`)."""
    pdf, _ = render_with_report(
        doc, page_size=page_size, generated_at=generated_at, author=author, signature=signature
    )
    return pdf


def render_with_report(
    doc: Mapping[str, Any],
    *,
    page_size: str = "A4",
    generated_at: datetime | None = None,
    author: str = "",
    signature: Mapping[str, str] | None = None,
) -> tuple[bytes, dict[str, list[str]]]:
    """The PDF bytes, and what the URL fetcher served and refused (for tests and logs)."""
    from weasyprint import HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    from reviewtui.exports.fetcher import TemplateOnlyFetcher

    generated_at = generated_at or clock.now()
    content = dm.canonical_json(doc)
    sha = dm.sha256_hex(content)
    page = html_export.render(
        doc,
        sha256=sha,
        page_size=page_size,
        for_pdf=True,
        generated_at=generated_at,
        author=author,
        signature=signature,
    )
    fetcher = TemplateOnlyFetcher(html_export.TEMPLATES)
    stamp = dm.parse_iso(dm.iso(generated_at)) or generated_at
    signed = dm.parse_iso((doc.get("signoff") or {}).get("signed_off_at")) or stamp
    attachment = Attachment(
        file_obj=io.BytesIO(content),
        name=ATTACHMENT_NAME,
        description="Canonical JSON of the minutes; its SHA-256 is printed in the sign-off block",
        created=signed,
        modified=signed,
        relationship="Data",
        url_fetcher=fetcher,
    )
    out = HTML(
        string=page,
        base_url=html_export.TEMPLATES.as_uri() + "/",
        url_fetcher=fetcher,
    ).write_pdf(
        font_config=FontConfiguration(),
        attachments=[attachment],
        pdf_variant=PDF_VARIANT,
    )
    return out, {"served": list(fetcher.served), "refused": list(fetcher.refused)}
