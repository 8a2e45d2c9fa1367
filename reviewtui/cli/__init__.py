"""The ``reviewtui`` command line: the click group ``main`` is in :mod:`reviewtui.cli.group`.

This package's own import is light: opening the TUI (:mod:`reviewtui.launch`) imports
:mod:`reviewtui.cli.context` without loading click and every command module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewtui.cli.group import main


def __getattr__(name: str) -> Any:
    if name == "main":
        from reviewtui.cli.group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["main"]
