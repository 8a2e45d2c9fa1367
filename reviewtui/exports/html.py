"""The minutes as HTML, from a Jinja2 template with autoescaping (``--format html`` and the PDF).

The template, its CSS and the bundled fonts live in ``exports/templates/``; for the PDF the
HTML links them relative to that folder, which is the only place the PDF renderer may read
from (see :mod:`reviewtui.exports.fetcher`). The stand-alone HTML export inlines the CSS and
falls back to the reader's sans-serif font.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from reviewtui.domain.text import printable
from reviewtui.exports import present

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
TEMPLATE = "minutes.html.j2"


def page_size_css(page_size: str) -> str:
    """The CSS page size for a setting value (A4 or Letter, any case)."""
    try:
        return PAGE_SIZES[page_size.strip().lower()]
    except KeyError:
        from reviewtui.db.errors import UserError

        raise UserError(f"page_size must be A4 or Letter, not {page_size!r}") from None


def _finalize(value: Any) -> Any:
    return printable(value) if isinstance(value, str) else value


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        # Every value printed goes through printable(): no control character reaches the page
        # (or the PDF), an ESC stored in a name shows as ␛.
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template():
    """The compiled minutes template (loaded once per process)."""
    return _environment().get_template(TEMPLATE)


def render(
    doc: Mapping[str, Any],
    *,
    sha256: str,
    page_size: str = "A4",
    for_pdf: bool = False,
    generated_at: datetime | None = None,
    author: str = "",
    signature: Mapping[str, str] | None = None,
) -> str:
    """The minutes document as an HTML page (for the PDF when ``for_pdf``).

    ``signature`` (a digitally signed PDF): who signs, when, and the certificate's fingerprint,
    printed in the sign-off block (see :class:`reviewtui.exports.signing.SignatureLine`).
    """
    ctx = present.context(doc, sha256=sha256, generated_at=generated_at)
    css = "" if for_pdf else (TEMPLATES / "minutes.css").read_text(encoding="utf-8")
    keywords = ["minutes", "vendor review", doc["vendor"]["name"], ctx["title"]]
    if ctx["scorecard"].get("period"):
        keywords.append(ctx["scorecard"]["period"])
    return template().render(
        **ctx,
        for_pdf=for_pdf,
        inline_css=css,
        page_size=page_size_css(page_size),
        author=author or doc["meeting"].get("facilitator") or "reviewtui",
        subject=f"{ctx['title']} with {doc['vendor']['name']} on {ctx['date']}: "
        "attendance, agenda and outcomes, scorecard, corrective actions, feedback, sign-off",
        keywords=", ".join(k.replace(",", " ") for k in keywords),
        created=(generated_at.isoformat() if generated_at else ""),
        signature=dict(signature) if signature else None,
        amendment=doc.get("amendment"),
    )
