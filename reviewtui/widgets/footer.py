"""The footer of every screen: the keys a screen cannot do without first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reviewtui.textual_internals import QuietFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult


class Footer(QuietFooter):
    """Textual's Footer, recomposed only when what it shows changes (see
    reviewtui.textual_internals.QuietFooter), with chosen keys first."""

    def __init__(self, *args: Any, first: tuple[str, ...] = (), **kwargs: Any) -> None:
        """``first``: actions whose keys come first, in this order, whatever the order of the
        bindings: at 80 columns the keys past the edge are cut off, so the ones a screen cannot
        do without go first."""
        super().__init__(*args, **kwargs)
        self.first_actions = first

    def compose(self) -> ComposeResult:
        rank: dict[str | None, int] = {a: n for n, a in enumerate(self.first_actions)}
        widgets = list(super().compose())
        yield from sorted(widgets, key=lambda w: rank.get(getattr(w, "action", None), len(rank)))
