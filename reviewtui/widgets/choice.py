"""What a Select of ids or numbers holds, typed: Textual types ``Select.value`` as the option's
value or ``Select.NULL``, so every reader would otherwise check for the blank itself."""

from __future__ import annotations

from textual.widgets import Select
from textual.widgets.select import NoSelection


def chosen_int(select: Select[int]) -> int:
    """The value of a Select of ints made with ``allow_blank=False`` (it always holds one)."""
    value = select.value
    if isinstance(value, NoSelection):
        raise ValueError(f"the choice #{select.id} is blank, though it allows no blank")
    return int(value)
