"""Command palette entries of the live meeting: record an outcome, raise an action plan, open
the minutes, schedule the next meeting, and the meeting's keys by name.

Offered while the meeting screen is open (it lists this provider in its ``COMMANDS``); each
entry runs what its key runs, with the same checks (a read-only session is told so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reviewtui.appref import review_app


class MeetingCommands(Provider):
    """'Record an outcome', 'Raise an action plan', 'Open the minutes of this meeting', ..."""

    def _entries(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        from reviewtui.screens.meeting import MeetingScreen

        screen = self.screen
        app = review_app(self)
        # Offered by the meeting screen's COMMANDS only: the screen is always a MeetingScreen.
        if not isinstance(screen, MeetingScreen) or screen.view is None:
            return
        view = screen.view
        item = view.item(screen.agenda.highlighted_id)
        # The item's title goes in the help line: it may be long, and the command stays short
        # enough that several fit on the palette at 80x24.
        on = "" if item is None else f" · on {item.position}. {item.title}"
        if item is not None:
            yield "Record an outcome", screen.action_outcome, "^o" + on
            yield (
                "Raise an action plan",
                partial(
                    app.new_plan,
                    agenda_item_id=item.id,
                    meeting_id=view.id,
                ),
                "Problem, five whys, owner and checks" + on,
            )
        yield (
            "Scorecard and actions as at this meeting",
            screen.action_facts,
            "^r: the vendor's KPIs at the meeting's period, the agenda's actions",
        )
        yield (
            "Open the minutes of this meeting",
            partial(app.open_minutes, view.id),
            "Preview, sign-off and export",
        )
        yield (
            f"Schedule a meeting with {view.vendor}",
            partial(app.schedule_meeting, view.vendor_id),
            "When, type and title; with the default agenda",
        )
        if item is not None:
            for kind, text, key in (
                ("decision", "Record a decision", "d"),
                ("information", "Record information", "i"),
                ("action", "Raise an action", "a: owner and due date"),
                ("parked", "Park to the next meeting", "p"),
            ):
                yield text, partial(screen.action_quick, kind), key + on
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
