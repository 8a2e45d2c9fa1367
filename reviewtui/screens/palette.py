"""Command palette providers: jump to any vendor by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class VendorCommands(Provider):
    """Vendors by name: 'Open vendor Keystone ...'."""

    async def startup(self) -> None:
        app = self.app
        worker = app.run_worker(self._load, thread=True, group="palette")
        self._vendors: list[tuple[int, str]] = await worker.wait()

    def _load(self) -> list[tuple[int, str]]:
        from reviewtui.db import vendors as vendor_q

        app = self.app
        with app.db.read() as s:  # type: ignore[attr-defined]
            return vendor_q.names(session=s, only_vendor=app.vendor_scope)  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for vid, name in self._vendors:
            text = f"Open vendor {name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self.app.open_vendor, vid),  # type: ignore[attr-defined]
                    help="Scorecard, contacts and contract",
                )

    async def discover(self) -> Hits:
        for vid, name in self._vendors:
            yield DiscoveryHit(
                f"Open vendor {name}",
                partial(self.app.open_vendor, vid),  # type: ignore[attr-defined]
                help="Scorecard, contacts and contract",
            )
