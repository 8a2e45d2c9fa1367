"""The user's keymap: ``keymap.toml`` beside the user's config file, binding id -> keys.

Every key worth remapping has a binding id (``meeting.start``, ``dashboard.meetings``, ``quit``
...; ``?`` shows each key's id). The file maps ids to keys, as Textual's ``App.set_keymap``
takes them::

    # ~/.config/reviewtui/keymap.toml
    "meeting.start" = "S"          # a quoted id ...
    dashboard.meetings = "ctrl+m"  # ... or a bare dotted one (a TOML table: the same thing)
    quit = ["ctrl+q", "f10"]       # several keys: a list, or "ctrl+q,f10"

A key is a character or a key name (``enter``, ``f5``, ``question_mark``), after any of
``ctrl+``, ``shift+``, ``alt+``, ``meta+``. A file that cannot be used is reported in one line
(file, what is wrong) and the app opens with its default keys; ids no binding has are reported
too (see :func:`unknown_ids`).

Light on purpose: imported before the first frame (tomllib only; Textual's key names are read
from ``textual.keys``, which the app has imported anyway).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from reviewtui import config

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


class KeymapError(ValueError):
    """A keymap file that cannot be used, in one line naming the file."""


def keymap_file() -> Path:
    """``keymap.toml`` in the folder of the user's config file (see reviewtui.config)."""
    return config.config_file().parent / "keymap.toml"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def is_key(key: str) -> bool:
    """Whether Textual can bind ``key`` (``ctrl+s``, ``S``, ``f5``, ``question_mark``, ``?``)."""
    from textual.keys import Keys, key_to_character

    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    if any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    return base in {k.value for k in Keys} or key_to_character(base) is not None


def parse(text: str, path: Path) -> dict[str, str]:
    """The keymap a file's text says (binding id -> comma-separated keys), or KeymapError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KeymapError(f"{path}: not valid TOML: {exc}") from None
    keymap: dict[str, str] = {}
    for binding_id, value in _flatten(data).items():
        if isinstance(value, str):
            keys = [k.strip() for k in value.split(",")]
        elif isinstance(value, list) and all(isinstance(k, str) for k in value):
            keys = [k.strip() for k in value]
        else:
            raise KeymapError(
                f'{path}: {binding_id}: keys must be a string ("ctrl+s") or a list of strings, '
                f"not {value!r}"
            )
        if not keys or any(not k for k in keys):
            raise KeymapError(f"{path}: {binding_id}: an empty key in {value!r}")
        bad = [k for k in keys if not is_key(k)]
        if bad:
            raise KeymapError(
                f"{path}: {binding_id}: {bad[0]!r} is not a key (a character or a key name such "
                f"as enter, f5, question_mark, after ctrl+, shift+, alt+ or meta+)"
            )
        keymap[binding_id] = ",".join(keys)
    return keymap


def load(path: Path | None = None) -> dict[str, str]:
    """The user's keymap ({} without a file); KeymapError for a file that cannot be used."""
    path = path or keymap_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise KeymapError(f"{path}: cannot be read: {exc}") from None
    return parse(text, path)


def _binding_classes() -> list[tuple[str, list[Any]]]:
    """(class name, bindings) of the app, every screen and widget (imports them all)."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import reviewtui
    from reviewtui import app as app_module

    modules = [app_module]
    for package in ("screens", "widgets"):
        folder = Path(reviewtui.__file__).parent / package
        for info in pkgutil.iter_modules([str(folder)], f"reviewtui.{package}."):
            modules.append(importlib.import_module(info.name))
    out = []
    for module in modules:
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                bindings = list(Binding.make_bindings(vars(cls).get("BINDINGS", [])))
                if bindings:
                    out.append((cls.__name__, bindings))
    return out


def binding_ids() -> set[str]:
    """The id of every key binding of the app, its screens and widgets (imports them all)."""
    return {b.id for _, bindings in _binding_classes() for b in bindings if b.id}


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    """The ids of ``keymap`` that no binding has (sorted)."""
    known = binding_ids()
    return sorted(i for i in keymap if i not in known)


def _keys(keys: str) -> set[str]:
    """The keys of a key string, one spelling each (``question_mark`` and ``?`` alike)."""
    from textual.keys import key_to_character

    return {(key_to_character(k) or k) if len(k) > 1 else k for k in keys.split(",")}


def taken_keys(keymap: dict[str, str]) -> list[str]:
    """Keys the keymap gives a binding that another binding of the same screen (or the app)
    has by default: the remapped one wins and the other is left without that key. Textual
    reports no such clash for bindings with ids (all of ours), so it is found here."""
    classes = _binding_classes()
    app_bindings = next((b for name, b in classes if name == "ReviewApp"), [])
    out = []
    for name, bindings in classes:
        pool = bindings if name == "ReviewApp" else bindings + app_bindings
        for moved in bindings:
            if not moved.id or moved.id not in keymap:
                continue
            for key in sorted(_keys(keymap[moved.id])):
                for other in pool:
                    if other.id != moved.id and other.id not in keymap and key in _keys(other.key):
                        out.append(f"{key} of {moved.id} was {other.id}'s")
    return sorted(set(out))
