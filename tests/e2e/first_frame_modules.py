"""Run the real ``reviewtui`` entry point and write down the modules the PARENT process holds
when it sends the terminal the first frame showing ``MARKER``.

Usage: python first_frame_modules.py OUT MARKER -- [reviewtui arguments]

The frame is caught where Textual hands it to the terminal (``LinuxDriver.write``, the
driver's public method, called on the UI thread): the snapshot is taken before anything the
app schedules after that refresh (the dashboard's warm-up of the data layer) can run. Nothing
else is changed: the entry point, the start-up child and the app are the installed ones.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import os
import sys


def main() -> None:
    out, marker = sys.argv[1], sys.argv[2]
    args = sys.argv[sys.argv.index("--") + 1 :]
    parent = os.getpid()
    state = {"done": False}

    def snapshot(data: str) -> None:
        # Only the parent writes frames; a forked child never reaches here, but be sure.
        if state["done"] or os.getpid() != parent or marker not in data:
            return
        state["done"] = True
        with open(out, "w", encoding="utf-8") as f:
            json.dump(sorted(sys.modules), f)

    class WrapDriver(importlib.abc.MetaPathFinder):
        """Wraps ``LinuxDriver.write`` when Textual's Linux driver is first imported."""

        def find_spec(self, name, path, target=None):
            if name != "textual.drivers.linux_driver":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            loader_exec = spec.loader.exec_module

            def exec_module(module) -> None:
                loader_exec(module)
                write = module.LinuxDriver.write

                def watched(self, data: str) -> None:
                    snapshot(data)
                    write(self, data)

                module.LinuxDriver.write = watched

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, WrapDriver())
    sys.argv = ["reviewtui", *args]
    from reviewtui.launch import main as reviewtui_main

    reviewtui_main()


if __name__ == "__main__":
    main()
