"""What the TUI sends the terminal: no control character from stored text, whichever widget
draws it.

Input refuses control characters and a paste loses them, but text stored before those rules (or
by another program) still holds them, and Textual writes a widget's text to the terminal as it
is: an ESC in a vendor's name went out as an escape sequence (a colour, an OSC 52 clipboard
write, a link), a U+202E turned the rest of the line around on a terminal that does bidi. The
command line and the exports show such characters as visible stand-ins
(:func:`reviewtui.domain.text.printable`); here the layout has been measured already, so they
are dropped: each is zero cells wide, so every line keeps its width, and what follows an ESC
("[31m") shows as the text it is.

:class:`InertText` is a Textual line filter (``textual.filter.LineFilter``, the mechanism behind
NO_COLOR), added in :meth:`reviewtui.app.ReviewApp.get_line_filters`; every line of every widget
passes through it once and is cached with the filter applied.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from reviewtui.domain.text import drop_controls, has_controls


class InertText(LineFilter):
    """Drops control characters (C0, DEL, C1, the bidi controls) from the text of each segment."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(s.control is None and has_controls(s.text) for s in segments):
            return segments
        return [
            Segment(drop_controls(s.text), s.style)
            if s.control is None and has_controls(s.text)
            else s
            for s in segments
        ]


#: The one instance (a strip caches its filtered copy by filter).
INERT_TEXT = InertText()
