"""Writing minutes to files: the format's bytes and the default file name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from reviewtui.domain import minutes as dm

FORMATS = ("pdf", "html", "md", "json")


def render(
    doc: Mapping[str, Any],
    fmt: str,
    *,
    page_size: str = "A4",
    generated_at: datetime | None = None,
) -> bytes:
    """The minutes document in ``fmt`` (pdf, html, md or json)."""
    if fmt == "json":
        return dm.canonical_json(doc)
    sha = dm.digest(doc)
    if fmt == "md":
        from reviewtui.exports import markdown

        return markdown.render(doc, sha256=sha, generated_at=generated_at).encode("utf-8")
    if fmt == "html":
        from reviewtui.exports import html

        return html.render(doc, sha256=sha, page_size=page_size, generated_at=generated_at).encode(
            "utf-8"
        )
    if fmt == "pdf":
        from reviewtui.exports import pdf

        return pdf.render(doc, page_size=page_size, generated_at=generated_at)
    raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")


def default_name(doc: Mapping[str, Any], fmt: str) -> str:
    """``minutes-<vendor>-<date>-r<revision>[-draft].<fmt>``."""
    draft = "" if dm.is_signed_off(doc) else "-draft"
    return f"{dm.file_stem(doc)}{draft}.{fmt}"


def write(data: bytes, path: Path) -> Path:
    """Write ``data`` to ``path`` (creating its folder) through a temporary file, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
