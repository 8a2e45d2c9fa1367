"""A PDF renderer forked before the database work, so that the two start-ups overlap.

``reviewtui export minutes`` spends about as long importing the database stack (SQLAlchemy,
SQLModel, the models) as WeasyPrint spends importing itself (its cffi bindings to Pango are
parsed at import). Done one after the other they make the command ~1.7x slower than the
``weasyprint`` command alone. So the CLI forks first: the child imports WeasyPrint and waits;
the parent opens the database and assembles the minutes, sends the canonical minutes JSON down
a pipe, and reads the PDF back. On a machine with a second core the imports run side by side.

Only for the command line: a process with threads (the TUI) must not fork, and platforms
without ``os.fork`` render in-process; both fall back to :func:`reviewtui.exports.pdf.render`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _child(requests: int, replies: int) -> None:
    # Pay for the imports now, while the parent reads the database.
    import weasyprint  # noqa: F401
    import weasyprint.text.fonts  # noqa: F401

    from reviewtui.domain import minutes as dm
    from reviewtui.exports import html, pdf

    html.template()  # compile the template too (~50 ms) before the minutes arrive
    raw = _read_all(requests)
    if not raw:  # the parent gave up (meeting not found, bad option): nothing to render
        return
    try:
        req = json.loads(raw)
        out = pdf.render(
            dm.load(req["minutes"]),
            page_size=req["page_size"],
            generated_at=datetime.fromisoformat(req["generated_at"]),
            author=req["author"],
            signature=req.get("signature"),
        )
        _write_all(replies, b"OK" + out)
    except Exception as exc:  # reported to the parent, which raises it
        _write_all(replies, b"ER" + f"{type(exc).__name__}: {exc}".encode())


class PdfRenderer:
    """Use as a context manager; :meth:`render` once. Forks on creation when it safely can."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._request: dict[str, Any] | None = None
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, measured by the CLI tests
            code = 0
            try:
                os.close(req_w)
                os.close(rep_r)
                _child(req_r, rep_w)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(req_r)
        os.close(rep_w)
        self._pid, self._requests, self._replies = pid, req_w, rep_r

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def render(
        self,
        doc: Mapping[str, Any],
        *,
        page_size: str,
        generated_at: datetime,
        author: str = "",
        signature: Mapping[str, str] | None = None,
    ) -> bytes:
        """The PDF of ``doc`` (from the child when there is one)."""
        self.submit(
            doc,
            page_size=page_size,
            generated_at=generated_at,
            author=author,
            signature=signature,
        )
        return self.result()

    def submit(
        self,
        doc: Mapping[str, Any],
        *,
        page_size: str,
        generated_at: datetime,
        author: str = "",
        signature: Mapping[str, str] | None = None,
    ) -> None:
        """Hand the minutes to the child, which starts rendering; :meth:`result` collects the
        PDF. In between the caller may do other work (load the signing key) side by side."""
        self._request = {
            "doc": doc,
            "page_size": page_size,
            "generated_at": generated_at,
            "author": author,
            "signature": dict(signature) if signature else None,
        }
        if self._pid is None:
            return
        from reviewtui.domain import minutes as dm

        request = {
            "minutes": dm.canonical_json(doc).decode("utf-8"),
            "page_size": page_size,
            "generated_at": generated_at.isoformat(),
            "author": author,
            "signature": self._request["signature"],
        }
        try:
            _write_all(self._requests, json.dumps(request).encode("utf-8"))
        finally:
            os.close(self._requests)
            self._requests = -1

    def result(self) -> bytes:
        """The PDF of the submitted minutes (rendered here when there is no child)."""
        req, self._request = self._request, None
        if req is None:
            raise RuntimeError("nothing was submitted to the PDF renderer")
        if self._pid is None:
            from reviewtui.exports import pdf

            return pdf.render(
                req["doc"],
                page_size=req["page_size"],
                generated_at=req["generated_at"],
                author=req["author"],
                signature=req["signature"],
            )
        reply = _read_all(self._replies)
        self._reap()
        if reply[:2] == b"OK":
            return reply[2:]
        detail = reply[2:].decode("utf-8", "replace") if reply else "the renderer process died"
        raise RuntimeError(f"PDF rendering failed: {detail}")

    def _reap(self) -> None:
        if self._pid is None:
            return
        for fd in (self._requests, self._replies):
            if fd >= 0:
                os.close(fd)
        self._requests = self._replies = -1
        os.waitpid(self._pid, 0)
        self._pid = None

    def close(self) -> None:
        """Let an unused child go (it sees the closed pipe and exits) and reap it."""
        self._reap()

    def discard(self) -> None:
        """Stop the child at once (it may still be importing WeasyPrint) and reap it."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._reap()

    def __enter__(self) -> PdfRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_early: PdfRenderer | None = None


def start_early() -> None:
    """Fork the renderer now: from the entry point (:mod:`reviewtui.launch`), for a command line
    that exports minutes, before click and the command modules load (~50 ms sooner)."""
    global _early
    if _early is None:
        _early = PdfRenderer()


def take_renderer() -> PdfRenderer:
    """The renderer forked early (taken once), else a new one."""
    global _early
    renderer, _early = _early, None
    return renderer if renderer is not None else PdfRenderer()


def discard_early() -> None:
    """The export is not a PDF after all: stop the early renderer, if any."""
    global _early
    renderer, _early = _early, None
    if renderer is not None:
        renderer.discard()
