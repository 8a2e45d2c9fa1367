"""The only URL fetcher the PDF renderer gets: ``data:`` and files inside the template folder.

Nothing else is fetched: no ``http(s)``, no ``ftp``, no file outside the bundled templates (the
path is resolved first, so ``..`` segments and symbolic links cannot lead out of it), no
redirects. A refused URL raises, which WeasyPrint reports as a warning and renders without the
resource; :attr:`TemplateOnlyFetcher.refused` keeps the list for tests and logs.

Imports WeasyPrint: import this module only where a PDF is being made.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefused(ValueError):
    """A URL the minutes renderer will not read."""


class TemplateOnlyFetcher(URLFetcher):
    """Serve ``data:`` URLs and regular files under ``root``; refuse everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            timeout=1,
            allowed_protocols=("data", "file"),
            allow_redirects=False,
            fail_on_errors=False,
        )
        self.root = Path(root).resolve(strict=True)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):  # noqa: D102 - WeasyPrint's signature
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            self.served.append("data:")
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._inside_root(url)
            if path is not None:
                self.served.append(str(path))
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind}
                )
        self.refused.append(url)
        raise FetchRefused(f"reviewtui does not fetch {url[:200]!r} into minutes")

    def _inside_root(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path
