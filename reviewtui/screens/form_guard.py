"""Forms that ask before Escape throws away what was typed in them.

A form screen mixes in :class:`GuardedForm`, calls :meth:`GuardedForm.remember_form` once its
fields hold their starting values (end of ``on_mount``), and routes its cancel key through
:meth:`GuardedForm.leave_form`. Unchanged, the form closes at once; changed, a question asks
whether to discard the changes (n, Escape or Ctrl+G keeps the form open, with everything in it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from textual.screen import Screen
from textual.widgets import Checkbox, Input, Select, TextArea

DISCARD_QUESTION = "Discard what you typed in this form? y discards · n goes back to the form"


def form_values(screen: Screen) -> dict[str, object]:
    """The value of every field of ``screen`` that has an id (inputs, text areas, selects)."""
    values: dict[str, object] = {}
    for w in screen.query("Input, TextArea, Select, Checkbox"):
        if not w.id:
            continue
        if isinstance(w, Input):
            values[w.id] = w.value
        elif isinstance(w, TextArea):
            values[w.id] = w.text
        elif isinstance(w, Select | Checkbox):
            values[w.id] = w.value
    return values


class GuardedForm:
    """Mixin for a form screen: Escape asks before it discards changes (see the module)."""

    _form_start: dict[str, object] | None = None

    @property
    def form_screen(self) -> Screen:
        """This form as the screen it is mixed into (for the type checker: a mixin has no base)."""
        return cast(Screen, self)

    def remember_form(self, *ids: str) -> None:
        """Take the fields' present values as the form's unchanged state (only the fields
        ``ids`` when given: those filled in after the form opened)."""
        now = form_values(self.form_screen)
        if ids and self._form_start is not None:
            self._form_start.update({i: now[i] for i in ids if i in now})
        else:
            self._form_start = now

    def form_changed(self) -> bool:
        """True when any field differs from its starting value (a field added since counts
        when it is not empty)."""
        start = self._form_start
        if start is None:
            return False
        for wid, value in form_values(self.form_screen).items():
            if wid in start:
                if start[wid] != value:
                    return True
            elif value not in ("", None, Select.NULL, False):
                return True
        return False

    def leave_form(self, leave: Callable[[], object]) -> None:
        """Run ``leave`` now when nothing changed, else only once the user says to discard."""
        if not self.form_changed():
            leave()
            return
        from reviewtui.screens.meeting_modals import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                leave()

        self.form_screen.app.push_screen(ConfirmModal(DISCARD_QUESTION), answered)
