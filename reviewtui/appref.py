"""The one typed way from a screen or widget to the running :class:`reviewtui.app.ReviewApp`.

Textual types ``self.app`` as a plain ``App``, so reaching ``db``, ``settings`` or the navigation
methods needs a narrower type. Every screen and widget calls :func:`review_app` instead of
casting (or silencing the type checker) itself: one ``cast``, in one place.

ReviewApp is imported for the type checker only: at run time this module costs nothing and
creates no import cycle (app.py imports screens, which import this).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from reviewtui.app import ReviewApp


class HasApp(Protocol):
    """Anything Textual gives an ``app``: screens, widgets, command palette providers."""

    @property
    def app(self) -> App[Any]: ...


def review_app(node: HasApp) -> ReviewApp:
    """``node.app`` as the ReviewApp it always is in this program (valid on any thread whose
    context holds the app, as Textual's workers do)."""
    return cast("ReviewApp", node.app)
