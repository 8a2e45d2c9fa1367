"""Read a terminal capture (``tmux capture-pane -e``) as cells with colours, and find the cells
that cannot be read on a dark or on a light terminal.

Colours are kept as the terminal receives them: ``None`` is the terminal's own default, an int
0-15 one of the 16 ANSI colours (90-97 / 100-107 are 8-15), ``("256", n)`` a 256-colour index
above 15 and ``("rgb", r, g, b)`` a true colour. The terminal's default background may be dark
or light, so a colour is unreadable on it when it vanishes on either: black (dark terminals),
white and bright white (light ones), bright yellow (light ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Colour = int | tuple | None

BLACK, WHITE, BRIGHT_YELLOW, BRIGHT_WHITE = 0, 7, 11, 15
NAMES = {
    0: "black",
    1: "red",
    2: "green",
    3: "yellow",
    4: "blue",
    5: "magenta",
    6: "cyan",
    7: "white",
    **{
        8 + n: f"bright {name}"
        for n, name in enumerate(
            ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        )
    },
}
UNREADABLE_ON_DEFAULT = {BLACK, WHITE, BRIGHT_YELLOW, BRIGHT_WHITE}
"""Foregrounds that vanish on a dark or on a light default background (and backgrounds that
the default foreground, light or dark, vanishes on)."""

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_OTHER_ESCAPE = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-ln-z]|\][^\x07\x1b]*(?:\x07|\x1b\\))")


@dataclass(frozen=True)
class Cell:
    """One character on the screen, with the colours and attributes it was written in."""

    char: str
    row: int
    col: int
    fg: Colour
    bg: Colour
    reverse: bool = False
    hidden: bool = False
    bold: bool = False
    dim: bool = False
    underline: bool = False

    @property
    def shown(self) -> tuple[Colour | str, Colour | str]:
        """(foreground, background) as seen, reverse video applied; "FG"/"BG" for defaults."""
        fg = "FG" if self.fg is None else self.fg
        bg = "BG" if self.bg is None else self.bg
        return (bg, fg) if self.reverse else (fg, bg)


def _colour(params: list[int], i: int) -> tuple[Colour, int]:
    """The extended colour (38/48 ;5;n or ;2;r;g;b) starting at params[i]; and the next index."""
    if i + 1 < len(params) and params[i + 1] == 5 and i + 2 < len(params):
        n = params[i + 2]
        return (n if n < 16 else ("256", n)), i + 3
    if i + 1 < len(params) and params[i + 1] == 2 and i + 4 < len(params):
        return ("rgb", *params[i + 2 : i + 5]), i + 5
    return None, len(params)


def cells(capture: str) -> list[Cell]:
    """Every character of a ``capture-pane -e`` capture with its colours (the SGR state carries
    from line to line, as in tmux's output)."""
    state = {
        "fg": None,
        "bg": None,
        "reverse": False,
        "hidden": False,
        "bold": False,
        "dim": False,
        "underline": False,
    }
    out: list[Cell] = []
    for row, line in enumerate(capture.split("\n")):
        col = 0
        pos = 0
        while pos < len(line):
            m = _SGR.match(line, pos)
            if m is not None:
                _apply(state, m.group(1))
                pos = m.end()
                continue
            other = _OTHER_ESCAPE.match(line, pos)
            if other is not None:
                pos = other.end()
                continue
            out.append(Cell(line[pos], row, col, **state))
            col += 1
            pos += 1
    return out


def _apply(state: dict, text: str) -> None:
    params = [int(p) if p else 0 for p in re.split(r"[;:]", text)] if text else [0]
    i = 0
    while i < len(params):
        p = params[i]
        i += 1
        if p == 0:
            state.update(
                fg=None,
                bg=None,
                reverse=False,
                hidden=False,
                bold=False,
                dim=False,
                underline=False,
            )
        elif p == 1:
            state["bold"] = True
        elif p == 2:
            state["dim"] = True
        elif p == 22:
            state["bold"] = state["dim"] = False
        elif p == 4:
            state["underline"] = True
        elif p == 24:
            state["underline"] = False
        elif p == 7:
            state["reverse"] = True
        elif p == 27:
            state["reverse"] = False
        elif p == 8:
            state["hidden"] = True
        elif p == 28:
            state["hidden"] = False
        elif 30 <= p <= 37:
            state["fg"] = p - 30
        elif 90 <= p <= 97:
            state["fg"] = p - 90 + 8
        elif p == 39:
            state["fg"] = None
        elif 40 <= p <= 47:
            state["bg"] = p - 40
        elif 100 <= p <= 107:
            state["bg"] = p - 100 + 8
        elif p == 49:
            state["bg"] = None
        elif p in (38, 48):
            colour, i = _colour(params, i - 1)
            state["fg" if p == 38 else "bg"] = colour


def _name(c: Colour | str) -> str:
    if c == "FG":
        return "default foreground colour"
    if c == "BG":
        return "default background"
    return NAMES.get(c, str(c)) if isinstance(c, int) else str(c)


def unreadable(cs: list[Cell]) -> list[str]:
    """Where a character cannot be read: one line per run of such cells, e.g.
    ``row 4 col 0-3 '99.9': black on default background``."""
    problems: list[tuple[int, int, str, str]] = []
    for c in cs:
        if c.char.isspace():
            continue
        fg, bg = c.shown
        why = None
        if c.hidden:
            why = "hidden"
        elif fg == bg or bg in ("FG", "BG") and fg in UNREADABLE_ON_DEFAULT:
            why = f"{_name(fg)} on {_name(bg)}"
        elif fg in ("FG", "BG") and bg in UNREADABLE_ON_DEFAULT:
            why = f"{_name(fg)} foreground on {_name(bg)}"
        if why is not None:
            last = problems[-1] if problems else None
            if last and last[0] == c.row and last[3] == why and last[1] + len(last[2]) == c.col:
                problems[-1] = (last[0], last[1], last[2] + c.char, why)
            else:
                problems.append((c.row, c.col, c.char, why))
    return [
        f"row {r} col {col}-{col + len(text) - 1} {text!r}: {why}" for r, col, text, why in problems
    ]


def colours(cs: list[Cell]) -> set[Colour]:
    """Every foreground and background colour used (defaults left out)."""
    return {c.fg for c in cs if c.fg is not None} | {c.bg for c in cs if c.bg is not None}


def text(cs: list[Cell]) -> list[str]:
    """The capture as plain lines."""
    lines: dict[int, list[str]] = {}
    for c in cs:
        lines.setdefault(c.row, []).append(c.char)
    return ["".join(lines.get(r, [])) for r in range(max(lines, default=-1) + 1)]
