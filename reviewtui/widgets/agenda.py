"""The agenda of a meeting as a list: position, title, timebox and what came out of each item."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reviewtui.domain import timer

OUTCOME_LETTERS = {"information": "i", "decision": "d", "action": "a", "parked": "p"}
FLAG_STYLE = {timer.OK: "", timer.WARNING: "yellow", timer.OVERRUN: "bold red"}


FLAGS = {timer.OK: " ", timer.WARNING: "~", timer.OVERRUN: "!"}


def item_prompt(item, *, current: bool, now, expanded: bool = False) -> Text | Table:
    """``▶ 3  4:10~ [da] KPI OTIF: red…``: time spent (or the timebox, ``5m``) and outcomes.

    The flag after the time is the timer state as text: ``~`` near the timebox, ``!`` over it.
    ``expanded``: the whole title, wrapped beside the time (the highlighted item: at 80 columns
    one line shows some 16 characters, and titles often differ only further on).
    """
    t = Text()
    t.append(f"{'▶' if current else ' '}{item.position:>2} ", style="bold" if current else "")
    spent = timer.elapsed(item.elapsed_seconds, item.started_at, now)
    if spent:
        st = timer.state(spent, item.timebox_minutes * 60)
        t.append(f"{timer.clock_text(spent):>5}{FLAGS[st]}", style=FLAG_STYLE[st])
    else:
        t.append(f"{item.timebox_minutes:>4}m ", style="dim")
    letters = "".join(OUTCOME_LETTERS.get(o.kind, "?") for o in item.outcomes)
    if letters:
        t.append(f" [{letters}]", style="bold")
    title = Text(f" {item.title}", style="bold" if current else "")
    if not expanded:
        line = Text(no_wrap=True, overflow="ellipsis")
        return line.append_text(t).append_text(title)
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(t, title)
    return grid


class AgendaList(OptionList):
    """Agenda items; the option ids are the item ids. Enter opens the item's notes."""

    DEFAULT_CSS = """
    AgendaList {
        width: 40%; min-width: 30; max-width: 60; height: 1fr;
        border: round $primary-darken-2;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    AgendaList:focus { border: round $accent; }
    """

    def on_key(self, event: events.Key) -> None:
        # Keys reach this widget through its own queue; a binding would only act once Enter
        # has bubbled up to the app, after the keys typed straight behind it had already
        # fired the agenda's one-letter keys. So Enter moves the focus here and now, and keys
        # still queued here follow it into the notes.
        target = self.screen.focused
        if target is not None and target is not self:
            event.prevent_default()
            event.stop()
            target.post_message(events.Key(event.key, event.character))
        elif event.key == "enter":
            edit = getattr(self.screen, "edit_notes", None)
            if edit is not None:
                event.prevent_default()
                event.stop()
                edit()
        elif event.is_printable:
            # A letter that is no command of the screen is text: it goes into the notes (or
            # nowhere), never to a binding further up.
            take = getattr(self.screen, "agenda_key", None)
            if take is not None and take(event.key, event.character):
                event.prevent_default()
                event.stop()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._items: dict[str, tuple[object, bool, object]] = {}
        """Option id -> (item, is current, as at): to draw it again, expanded or not."""
        self._expanded: str | None = None

    def _prompt(self, option_id: str) -> Text | Table:
        item, current, now = self._items[option_id]
        return item_prompt(item, current=current, now=now, expanded=option_id == self._expanded)

    def show(self, items, current_id: int | None, keep_id: int | None, now) -> None:
        """Replace the options, keeping the highlight on ``keep_id`` when it is still there."""
        self._items = {str(i.id): (i, i.id == current_id, now) for i in items}
        index = next((n for n, i in enumerate(items) if i.id == keep_id), None)
        if index is None and items:
            index = 0
        self._expanded = None  # all drawn on one line, then the highlighted one expanded
        self.set_options(Option(self._prompt(key), id=key) for key in self._items)
        self.highlighted = index
        self._expand(index)

    def update_item(self, item, *, current: bool, now) -> None:
        """Draw one item again (its timer runs)."""
        key = str(item.id)
        if key in self._items:
            before = self._prompt(key)
            self._items[key] = (item, current, now)
            prompt = self._prompt(key)
            if prompt != before:  # the clock moved on screen: draw it, else no repaint
                self.replace_option_prompt(key, prompt)

    def watch_highlighted(self, highlighted: int | None) -> None:
        self._expand(highlighted)
        super().watch_highlighted(highlighted)

    def _expand(self, index: int | None) -> None:
        """The item at ``index`` shows its whole title; the one before folds back to one line.

        Also called while the options are being replaced, when the highlight may point at
        none of them yet: only options present are drawn again.
        """
        key = None
        if index is not None and 0 <= index < self.option_count:
            key = self.get_option_at_index(index).id
        if key == self._expanded:
            return
        before, self._expanded = self._expanded, key
        present = {self.get_option_at_index(n).id for n in range(self.option_count)}
        for k in (before, key):
            if k is not None and k in self._items and k in present:
                self.replace_option_prompt(k, self._prompt(k))

    @property
    def highlighted_id(self) -> int | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        option_id = self.get_option_at_index(self.highlighted).id
        return int(option_id) if option_id is not None else None
