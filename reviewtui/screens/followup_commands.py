"""Command palette entries for the work between meetings: actions, plans, escalations, audits,
for every vendor together or for one."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reviewtui.appref import review_app
from reviewtui.screens.palette import palette_vendors

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


class FollowUpCommands(Provider):
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
