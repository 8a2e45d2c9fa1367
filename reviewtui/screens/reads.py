"""A screen's reads, shown in the order they started: a read that a newer one overtook is dropped.

A screen reads in a worker thread and hands the rows to the UI thread. Starting a newer read
(after a write, on coming back from a dialog, on the next page) cancels the older worker, but a
thread cannot be stopped: under load the older read can finish last, and its rows would be
shown over the newer ones (a meeting cancelled a moment ago shown as planned again). The live
meeting met this with a decision that was saved and then vanished from the screen; it orders
its views by the meeting's version instead, as its writes reload the meeting too.

:func:`read_worker` makes a screen method an exclusive thread worker (group ``db``) and numbers
each call as it starts, on the UI thread; from the worker, :func:`show_newest` calls the method
that shows the result, on the UI thread, only if no read of that screen started since.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.worker import NoActiveWorker, Worker, get_current_worker

F = TypeVar("F", bound=Callable[..., Any])

#: The number of the read each worker does (by worker; gone with the worker).
_NUMBERS: weakref.WeakKeyDictionary[Worker[Any], int] = weakref.WeakKeyDictionary()
#: The number of the newest read started, by screen (or widget).
_NEWEST: weakref.WeakKeyDictionary[DOMNode, int] = weakref.WeakKeyDictionary()


def read_worker(method: F) -> F:
    """``@work(thread=True, exclusive=True, group="db")``, with each call numbered."""
    worker = work(thread=True, exclusive=True, group="db", exit_on_error=False)(method)

    @wraps(method)
    def start(node: DOMNode, *args: Any, **kwargs: Any) -> Worker[Any]:
        # On the UI thread: the worker's thread starts only after this returns to the loop,
        # so its number is known before it can show anything.
        number = _NEWEST.get(node, 0) + 1
        _NEWEST[node] = number
        started: Worker[Any] = worker(node, *args, **kwargs)
        _NUMBERS[started] = number
        return started

    return start  # type: ignore[return-value]  # same call signature, a Worker returned


def show_newest(node: DOMNode, show: Callable[..., Any], *args: Any) -> None:
    """From a read's worker: ``show(*args)`` on the UI thread, unless a newer read of ``node``
    started after this one (then its result is on its way, and this one is out of date)."""
    try:
        number = _NUMBERS.get(get_current_worker())
    except NoActiveWorker:
        number = None

    def apply() -> None:
        if number is None or _NEWEST.get(node) == number:
            show(*args)

    node.app.call_from_thread(apply)
