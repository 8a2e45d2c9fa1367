"""A screen's reads are shown in the order they started (reviewtui.screens.reads).

The reads here wait on gates the test opens, so the order they finish in is the test's choice:
the case that under load happens by chance (an older read finishing last) happens every time.
"""

from __future__ import annotations

import asyncio
import threading

from textual.app import App
from textual.screen import Screen

from reviewtui.screens.reads import read_worker, show_newest


class Gated(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.gates: dict[int, threading.Event] = {}
        self.reading: set[int] = set()
        self.shown: list[int] = []

    @read_worker
    def load(self, n: int) -> None:
        self.reading.add(n)
        self.gates[n].wait(10)
        show_newest(self, self.shown.append, n)


async def _until(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


async def test_a_read_overtaken_by_a_newer_one_is_not_shown() -> None:
    app: App = App()
    async with app.run_test() as pilot:
        screen = Gated()
        await app.push_screen(screen)
        screen.gates = {n: threading.Event() for n in (1, 2, 3, 4)}

        # The older read finishes last: it is dropped, the newer one stays shown. (Its thread
        # is running when the newer read starts: one cancelled before it ran never runs.)
        screen.load(1)
        await _until(lambda: 1 in screen.reading)
        screen.load(2)
        screen.gates[2].set()
        await _until(lambda: screen.shown == [2])
        screen.gates[1].set()
        await _until(lambda: not [w for w in app.workers if w.is_running])
        await pilot.pause()
        assert screen.shown == [2]

        # One after the other: each is shown.
        screen.load(3)
        screen.gates[3].set()
        await _until(lambda: screen.shown == [2, 3])
        screen.load(4)
        screen.gates[4].set()
        await _until(lambda: screen.shown == [2, 3, 4])
