"""People named in a review: whom a typed name means."""

from __future__ import annotations


def resolve_owner(typed: str, known: list[str]) -> tuple[str, bool]:
    """The owner meant by what was typed: a known name typed in full (any case), or the one
    known name that it starts, or one of whose words it starts ("mark" is Mark Thompson).
    Returns (name, True), or (the text as typed, False) for a free-text owner."""
    text = " ".join(typed.split())
    key = text.casefold()
    if not key:
        return "", True
    exact = [n for n in known if n.casefold() == key]
    if exact:
        return exact[0], True
    starts = [
        n
        for n in known
        if n.casefold().startswith(key) or any(w.startswith(key) for w in n.casefold().split())
    ]
    if len(starts) == 1:
        return starts[0], True
    return text, False
