"""Text hygiene: what user text may hold coming in, and how it is made inert going out.

Coming in, one-line fields (names, titles, owners) refuse every control character (C0, DEL, C1),
multi-line fields (notes) keep only newline and tab; text typed or pasted into the TUI is
stripped (:func:`strip_controls`) so that a paste never loses a note. Going out, anything
printed on a terminal or written to an export goes through :func:`printable`, which replaces
control characters with visible stand-ins, so that an ESC, CSI or OSC sequence stored before
these rules existed still never reaches a terminal as an escape sequence.

The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) count as
control characters: one U+202E makes a renderer show the rest of a line backwards, so a title
could read one way in the signed minutes and another in the database (the "Trojan Source"
trick). Hebrew and Arabic need none of them: the bidi algorithm orders their letters, and the
marks LRM/RLM (U+200E/U+200F) stay allowed.
"""

from __future__ import annotations

import re
from datetime import date

#: The bidirectional embeddings, overrides and isolates, as a regular-expression class range.
BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
# C0 controls, DEL, the C1 range (0x80-0x9f: 0x9b is a one-byte CSI on some terminals) and the
# bidi controls.
_CONTROLS = re.compile(rf"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_CONTROLS_BUT_LAYOUT = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_CR = re.compile(r"\r\n?")
# Whole terminal sequences, so that a paste loses "\x1b[31m" and not just its ESC: CSI
# (ESC [ ... final byte), OSC/DCS/APC/PM/SOS strings (ESC ] ... BEL or ESC \\), and ESC + one.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x1b][\]P_^X][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|[\x90\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)

# Dates a person can mean: a due date of 9999-12-31 is a typo, and breaks calendar feeds.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Longer search text is cut: nobody types it, and SQL LIKE over it only costs time.
MAX_SEARCH = 200


def has_controls(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (newline, CR and tab allowed if multiline)."""
    pattern = _CONTROLS_BUT_LAYOUT if multiline else _CONTROLS
    return pattern.search(text) is not None


def describe_control(text: str, *, multiline: bool = False) -> str:
    """The first control character of ``text``, named for a message (e.g. ``U+001B``)."""
    pattern = _CONTROLS_BUT_LAYOUT if multiline else _CONTROLS
    m = pattern.search(text)
    return f"U+{ord(m.group()):04X}" if m else ""


def line_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a one-line field, or None."""
    if has_controls(text):
        return (
            f"holds a control character ({describe_control(text)}); "
            "names and titles are one line of plain text"
        )
    return None


def block_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a multi-line field (notes), or None."""
    if has_controls(text.replace("\r", ""), multiline=True):
        return f"holds a control character ({describe_control(text, multiline=True)})"
    return None


def strip_controls(text: str, *, multiline: bool = True) -> str:
    """``text`` without terminal escape sequences and control characters; multi-line text keeps
    newlines (CR LF -> LF) and tabs, one-line text gets a space for a newline or tab."""
    text = _SEQUENCES.sub("", text)
    if multiline:
        return _CONTROLS_BUT_LAYOUT.sub("", _CR.sub("\n", text))
    return _CONTROLS.sub("", re.sub(r"[\r\n\t]+", " ", text))


def drop_controls(text: str) -> str:
    """``text`` without its control characters (newline and tab too). Each of them is zero cells
    wide on a terminal, so what is left takes the room the whole took in a measured layout."""
    return _CONTROLS.sub("", text)


def _picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 and the bidi controls: the replacement character �


def printable(text: object, *, multiline: bool = True) -> str:
    """``text`` safe to print or export: every control character shown as a visible stand-in
    (ESC as ␛, NUL as ␀); newlines and tabs kept when ``multiline``."""
    s = "" if text is None else str(text)
    pattern = _CONTROLS_BUT_LAYOUT if multiline else _CONTROLS
    if pattern.search(s) is None:
        return s
    if multiline:
        s = _CR.sub("\n", s)
    return pattern.sub(_picture, s)


def date_problem(value: date) -> str | None:
    """What is wrong with a date a person entered, or None (the documented range)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return f"{value.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR}"
    return None


def fold(name: str) -> str:
    """The key names are compared by: case-folded in Python (Ö, ß, İ alike on every database),
    composed (NFC), with runs of spaces as one."""
    import unicodedata

    key = unicodedata.normalize("NFC", " ".join(name.split())).casefold()
    # İ folds to i + COMBINING DOT ABOVE; people type "istanbul" for "İstanbul".
    return key.replace("i\u0307", "i")
