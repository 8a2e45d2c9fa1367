"""Writing minutes to files: the format's bytes and the default file name."""

from __future__ import annotations

import contextlib
import os
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


FILE_MODE = 0o640  # owner reads and writes, the group (the facilitators) reads
FOLDER_MODE = 0o750  # a folder made for exports: owner and group


def write(data: bytes, path: Path) -> Path:
    """Write ``data`` to ``path`` without ever leaving half a file or touching the wrong one.

    A regular file (or a new path) is replaced atomically: the bytes go to a temporary file
    created exclusively (``mkstemp``: a random name, ``O_EXCL``, so a symbolic link planted at
    any name is never followed) in the same folder, then renamed over it. A character device or
    FIFO (``-o /dev/null``, a pipe) is written directly and stays what it is. A symbolic link at
    ``path`` is refused rather than followed or replaced. Raises UserError with the reason.
    """
    import stat
    import tempfile

    from reviewtui.db.errors import UserError

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise UserError(
                f"cannot write {path}: it is a symbolic link (give the file it points to)"
            )
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            return _write_in_place(data, path)
        if not stat.S_ISREG(st.st_mode):
            raise UserError(f"cannot write {path}: it is not a regular file")
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _write_in_place(data: bytes, path: Path) -> Path:
    from reviewtui.db.errors import UserError

    try:
        # O_NOFOLLOW: the device checked above is the one opened, not a link swapped in since.
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
