"""Where each user was in each meeting (item and cursor), kept in a small file per user.

This is one person's screen state, not shared data, so it lives beside the user's settings
rather than in the database: reopening a meeting puts the cursor back where it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

MAX_ENTRIES = 200


def state_file() -> Path:
    from reviewtui import config

    return config.default_db_path().parent / "ui-state.json"


def _key(db_url: str, meeting_id: int) -> str:
    return f"{db_url}#meeting={meeting_id}"


def _load_all() -> dict:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recall(db_url: str, meeting_id: int) -> tuple[int, tuple[int, int]] | None:
    """(item id, (row, column)) last seen in this meeting, or None."""
    entry = _load_all().get(_key(db_url, meeting_id))
    if not isinstance(entry, dict):
        return None
    try:
        return int(entry["item"]), (int(entry["row"]), int(entry["col"]))
    except (TypeError, KeyError, ValueError):
        return None


def remember(db_url: str, meeting_id: int, item_id: int, cursor: tuple[int, int]) -> None:
    """Record the item and cursor (atomic replace of the file)."""
    data = _load_all()
    key = _key(db_url, meeting_id)
    data.pop(key, None)
    data[key] = {"item": item_id, "row": cursor[0], "col": cursor[1]}
    while len(data) > MAX_ENTRIES:
        data.pop(next(iter(data)))
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ui-state-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
