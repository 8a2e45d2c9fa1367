"""The app-wide command palette providers: jump to any vendor by name, and open the work between
meetings (actions, plans, escalations, audits, a new meeting) for every vendor or for one.

A screen's own palette commands live beside it (``screens/meeting_commands.py``)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reviewtui.appref import review_app

if TYPE_CHECKING:
    from reviewtui.app import ReviewApp


async def palette_vendors(app: ReviewApp) -> list[tuple[int, str]]:
    """(id, name) of the vendors a palette lists, by name.

    Textual (8.2) keeps the palette hidden until every provider's ``startup`` has returned.
    Just after start-up the database is not open yet (the data layer's import takes 0.5 s on an
    idle 2-core machine, seconds on a loaded one): a palette waiting for it stayed invisible
    that long after Ctrl+P, and the user took the key for lost. Until the database is open, the
    vendors the dashboard shows (the same query's rows, computed at start-up) are the list.
    """
    shown = getattr(app, "shown_vendors", None)
    if shown is not None and not getattr(app, "db_open", True):
        return list(shown)
    worker = app.run_worker(partial(load_vendor_names, app), thread=True, group="palette")
    return await worker.wait()


def load_vendor_names(app: ReviewApp) -> list[tuple[int, str]]:
    """(id, name) of every vendor the session may see, from the database (a worker thread)."""
    from reviewtui.db import vendors as vendor_q

    with app.db.read() as s:
        return vendor_q.names(session=s, only_vendor=app.vendor_scope)


class VendorCommands(Provider):
    """Vendors by name: 'Open vendor Keystone ...'."""

    async def startup(self) -> None:
        self._vendors: list[tuple[int, str]] = await palette_vendors(review_app(self))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for vid, name in self._vendors:
            text = f"Open vendor {name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(review_app(self).open_vendor, vid),
                    help="Scorecard, contacts and contract",
                )

    async def discover(self) -> Hits:
        for vid, name in self._vendors:
            yield DiscoveryHit(
                f"Open vendor {name}",
                partial(review_app(self).open_vendor, vid),
                help="Scorecard, contacts and contract",
            )


# --- the work between meetings --------------------------------------------------------------------

GENERAL = [
    ("Actions: all vendors", "open_actions", {}, "Open corrective actions, earliest due first"),
    ("Actions: overdue", "open_actions", {"overdue_only": True}, "Only the late ones"),
    ("Corrective action plans", "open_plans", {}, "Plans, their whys and checks"),
    ("Escalations", "open_escalations", {}, "What the rules suggest, and what was raised"),
    ("Audits and site visits", "open_audits", {}, "Audits with their findings"),
    ("Schedule a meeting", "schedule_meeting", {}, "Vendor, when, type; the default agenda"),
]
PER_VENDOR = [
    ("Actions of {}", "open_actions"),
    ("Plans of {}", "open_plans"),
    ("Escalations of {}", "open_escalations"),
    ("Audits of {}", "open_audits"),
    ("Schedule a meeting with {}", "schedule_meeting"),
]


class BetweenMeetingsCommands(Provider):
    """'Actions: all vendors', 'Escalations', 'Audits of Keystone ...'."""

    async def startup(self) -> None:
        self._vendors: list[tuple[int, str]] = await palette_vendors(review_app(self))

    def _entries(self):
        for text, method, kwargs, help_text in GENERAL:
            yield text, partial(getattr(self.app, method), **kwargs), help_text
        for vid, name in self._vendors:
            for pattern, method in PER_VENDOR:
                yield pattern.format(name), partial(getattr(self.app, method), vid), name

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for i, (text, callback, help_text) in enumerate(self._entries()):
            score = matcher.match(text)
            if score > 0:
                # A vendor's name alone should still find "Open vendor ..." first.
                weight = 1.0 if i < len(GENERAL) else 0.5
                yield Hit(score * weight, matcher.highlight(text), callback, help=help_text)

    async def discover(self) -> Hits:
        for text, method, kwargs, help_text in GENERAL:
            yield DiscoveryHit(text, partial(getattr(self.app, method), **kwargs), help=help_text)
