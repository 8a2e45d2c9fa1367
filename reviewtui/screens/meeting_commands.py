"""Command palette entries of the live meeting: record an outcome, raise an action plan, open
the minutes, schedule the next meeting, and the meeting's keys by name.

Offered while the meeting screen is open (it lists this provider in its ``COMMANDS``); each
entry runs what its key runs, with the same checks (a read-only session is told so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class MeetingCommands(Provider):
    """'Record an outcome on: KPI OTIF…', 'Open the minutes of this meeting', ..."""

    def _entries(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        screen = self.screen
        app = self.app
        view = getattr(screen, "view", None)
        if view is None:
            return
        item = view.item(screen.agenda.highlighted_id)  # type: ignore[attr-defined]
        if item is not None:
            on = f": {item.title}"
            yield "Record an outcome" + on, screen.action_outcome, "^o: choose the kind"  # type: ignore[attr-defined]
            for kind, text, key in (
                ("decision", "Record a decision", "d"),
                ("information", "Record information", "i"),
                ("action", "Raise an action", "a: owner and due date"),
                ("parked", "Park to the next meeting", "p"),
            ):
                yield text + on, partial(screen.action_quick, kind), key  # type: ignore[attr-defined]
            yield (
                "Raise an action plan" + on,
                partial(
                    app.new_plan,  # type: ignore[attr-defined]
                    agenda_item_id=item.id,
                    meeting_id=view.id,
                ),
                "Problem, five whys, owner and checks",
            )
        yield (
            "Open the minutes of this meeting",
            partial(app.open_minutes, view.id),  # type: ignore[attr-defined]
            "Preview, sign-off and export",
        )
        yield (
            f"Schedule a meeting with {view.vendor}",
            partial(app.schedule_meeting, view.vendor_id),  # type: ignore[attr-defined]
            "When, type and title; with the default agenda",
        )
        for text, action, key in (
            ("Next agenda item", "next_item", "^n"),
            ("Previous agenda item", "previous_item", "^b"),
            ("Start the meeting", "start", "s"),
            ("End the meeting", "end", "e"),
            ("Attendance", "attendance", "w"),
            ("Feedback", "feedback", "f"),
        ):
            yield text, getattr(screen, f"action_{action}"), key

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)

    async def discover(self) -> Hits:
        for text, callback, help_text in self._entries():
            yield DiscoveryHit(text, callback, help=help_text)
