"""A Footer that rebuilds its keys only when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class Footer(TextualFooter):
    """Textual's Footer, shown the same, at a fraction of the cost when a screen opens.

    Textual's Footer recomposes (unmounts and mounts every key, each styled three times) on
    every bindings signal, and a screen sends several while it opens: the focus moves, the
    stack changes, and each focus change signals twice. On the vendor page that was six
    recomposes, about 150 ms. This one recomposes at most once per refresh, and only when
    what it would show (keys, descriptions, enabled, tooltips) differs from what it shows.
    """

    def __init__(self, *args, first: tuple[str, ...] = (), **kwargs) -> None:
        """``first``: actions whose keys come first, in this order, whatever the order of the
        bindings: at 80 columns the keys past the edge are cut off, so the ones a screen cannot
        do without go first."""
        super().__init__(*args, **kwargs)
        self._pending = False
        self._shown: tuple | None = None
        self.first_actions = first

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    def _showing(self) -> tuple:
        """What compose would show now: enough to tell whether to compose again."""
        app = self.app
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding.key, app.get_key_display(binding), binding.description)
                + (binding.action, binding.group, enabled, tooltip)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
            ),
        )

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        showing = self._showing()
        if showing != self._shown:
            self._shown = showing
            await self.recompose()

    def compose(self) -> ComposeResult:
        # A key starts compact and is then data-bound to the footer's ``compact``: two style
        # updates per key for nothing. Set it before it mounts instead. (The command palette's
        # key is not bound: it stays compact.)
        widgets = list(super().compose())
        for widget in widgets:
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
        rank: dict[str | None, int] = {a: n for n, a in enumerate(self.first_actions)}
        yield from sorted(widgets, key=lambda w: rank.get(getattr(w, "action", None), len(rank)))
