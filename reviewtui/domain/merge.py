"""Three-way merge of an agenda item's notes, when two sessions saved over the same version.

Both typists' words are kept once each, in place. The notes used to be joined whole, theirs
first: two people typing in one item met a conflict at every save, each join held the other's
earlier join, and the note doubled at each save (two sentences of about 60 characters, typed at
once in two sessions, became 26,770 characters with 376 separator lines in under ten seconds). Now the change each side made since the common version (``base``) is applied to
the other's text:

- changes in different places both apply (one adds a line at the end, the other fixes a word);
- both sides inserting at the same point keep both insertions: one going on with the line
  before one starting a new line, else the typist's own first, since their cursor is there
  and their next keys follow their own words; a line break parts them unless one brings it;
- the same change on both sides is made once;
- only where both changed the same words differently is the passage kept twice, theirs, then a
  separator line naming the typist, then the typist's own, for them to edit into one.

Text is compared word by word (runs of letters and digits, runs of spaces, line breaks, single
marks), so a word being typed is never split by someone else's words. :meth:`Merged.place`
says where a position in the typist's text went, so their cursor stays in their words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

# A line break is a token of its own: a space run that gains one ("deliv " -> "deliv \n...")
# must still match the base's space, or the whole end of the note looks changed.
_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")

MINE, THEIRS = "mine", "theirs"
#: Tokens in a changed middle beyond which the diff uses difflib's autojunk (see _opcodes).
LONG_MIDDLE = 2000


def tokens(text: str) -> list[str]:
    """``text`` as words, space runs and marks; joined they are ``text`` again."""
    return _TOKEN.findall(text)


def _lines(toks: list[str]) -> tuple[list[str], list[int]]:
    """The lines of a token list (each with its line break) and where each starts in it; the
    last entry of the starts is the number of tokens."""
    lines, starts, start = [], [0], 0
    for n, tok in enumerate(toks):
        if tok == "\n":
            lines.append("".join(toks[start : n + 1]))
            start = n + 1
            starts.append(start)
    if start < len(toks):
        lines.append("".join(toks[start:]))
        starts.append(len(toks))
    return lines, starts


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes for ``a`` -> ``b``, with the common head and tail cut off first.

    SequenceMatcher is quadratic in the worst case, and a frequent element (a space run, a
    blank line) is that case: on the whole notes it took 1.7 s for 17 KB and 44 s for 86 KB,
    on the UI thread. An edit touches a small part, so what is left between head and tail is
    small; a long middle is left to difflib's autojunk."""
    head, end = 0, min(len(a), len(b))
    while head < end and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < end - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    out: list[tuple[str, int, int, int, int]] = []
    if head:
        out.append(("equal", 0, head, 0, head))
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    # A long changed middle (one long line changed at both ends): difflib's own heuristic, which
    # skips the most frequent elements as anchors; the opcodes stay exact, only less fine.
    middle = SequenceMatcher(None, a_mid, b_mid, autojunk=len(b_mid) > LONG_MIDDLE)
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        out.append((tag, head + i1, head + i2, head + j1, head + j2))
    if tail:
        out.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return out


@dataclass(frozen=True)
class _Hunk:
    """One side replaces base tokens ``i1:i2`` by ``new`` (its tokens from ``j1``)."""

    i1: int
    i2: int
    new: tuple[str, ...]
    j1: int
    side: str


def _diff(base: list[str], other: list[str], side: str) -> tuple[list[_Hunk], dict[int, int]]:
    """The hunks turning ``base`` into ``other``, and where each unchanged base token is.

    Line by line first, then word by word within the lines that changed (as ``git diff
    --word-diff`` does): the cost follows the size of the change, not of the notes."""
    hunks, same = [], {}
    base_lines, base_at = _lines(base)
    other_lines, other_at = _lines(other)
    for tag, l1, l2, k1, k2 in _opcodes(base_lines, other_lines):
        i0, j0 = base_at[l1], other_at[k1]
        if tag == "equal":
            same.update({i0 + n: j0 + n for n in range(base_at[l2] - i0)})
            continue
        a, b = base[i0 : base_at[l2]], other[j0 : other_at[k2]]
        for tag2, i1, i2, j1, j2 in _opcodes(a, b):
            if tag2 == "equal":
                same.update({i0 + i1 + n: j0 + j1 + n for n in range(i2 - i1)})
            else:
                hunks.append(_Hunk(i0 + i1, i0 + i2, tuple(b[j1:j2]), j0 + j1, side))
    return hunks, same


@dataclass(frozen=True)
class Merged:
    """The merged text; ``clean`` is False when a passage is kept twice around the separator."""

    text: str
    clean: bool
    _mine_starts: tuple[int, ...]  # where each of the typist's tokens starts, then the length
    _placed: dict[int, tuple[int, int]]  # typist's token -> (start, end) in the merged text
    _replaced: dict[int, int]  # typist's token they replaced -> the end of their words

    def place(self, offset: int) -> int:
        """Where the typist's text position ``offset`` is in the merged text. A position
        between two of their tokens stays after the first: with what they just typed."""
        starts = self._mine_starts
        offset = max(0, min(offset, starts[-1]))
        t = bisect_right(starts, offset) - 1
        if offset == starts[t] and t > 0:
            t, into, at_end = t - 1, 0, True
        else:
            into, at_end = offset - starts[t], False
        if t not in self._placed and t in self._replaced:
            return self._replaced[t]  # in words they changed: after their new words
        for k in range(t, -1, -1):  # a token that did not survive: after the one before it
            if k in self._placed:
                start, end = self._placed[k]
                return end if (at_end or k != t) else start + into
        return 0


def merge3(base: str, mine: str, theirs: str, *, separator: str) -> Merged:
    """Apply both sides' changes since ``base``; see the module docstring."""
    b, m, t = tokens(base), tokens(mine), tokens(theirs)
    mine_hunks, mine_same = _diff(b, m, MINE)
    theirs_hunks, _ = _diff(b, t, THEIRS)
    # By position; at one position an insertion before a replacement; of two insertions, one
    # that goes on with the line before one that starts a new line, else the typist's first.
    hunks = sorted(
        mine_hunks + theirs_hunks,
        key=lambda h: (h.i1, h.i2 != h.i1, h.new[:1] == ("\n",), h.side != MINE),
    )
    out: list[tuple[str, int | None]] = []  # (token, the typist's token index or None)
    replaced: dict[int, int] = {}  # the typist's token -> the index in ``out`` after theirs
    clean = True

    def base_run(lo: int, hi: int) -> None:
        out.extend((b[i], mine_same.get(i)) for i in range(lo, hi))

    def side_version(
        group: list[_Hunk], side: str, lo: int, hi: int
    ) -> list[tuple[str, int | None]]:
        run, pos = [], lo
        for h in group:
            if h.side != side:
                continue
            run += [(b[i], mine_same.get(i) if side == MINE else None) for i in range(pos, h.i1)]
            run += [(tok, h.j1 + n if side == MINE else None) for n, tok in enumerate(h.new)]
            pos = h.i2
        run += [(b[i], mine_same.get(i) if side == MINE else None) for i in range(pos, hi)]
        return run

    pos, k, last = 0, 0, None
    while k < len(hunks):
        group = [hunks[k]]
        lo, hi = hunks[k].i1, hunks[k].i2
        k += 1
        # Changes overlap when their base ranges do, or one inserts strictly inside the other's.
        while k < len(hunks) and hunks[k].i1 < hi and lo < hunks[k].i2:
            group.append(hunks[k])
            hi = max(hi, hunks[k].i2)
            k += 1
        base_run(pos, lo)
        sides = {h.side for h in group}
        if len(sides) == 1:
            h = group[0]
            both = (
                last is not None
                and last.side != h.side
                and last.i1 == last.i2 == h.i1 == h.i2 == pos
            )
            if both and last is not None and last.new == h.new:
                continue  # both inserted the same words here: once
            if both:
                # Both inserted here: theirs follows the typist's on a line of its own, as
                # the typist's next keys go in after their own words (after a mere space,
                # they would run into the first word of theirs).
                before = out[-1][0] if out else ""
                if h.new and before != "\n" and h.new[0] != "\n":
                    out.append(("\n", None))
            out += side_version(group, h.side, lo, hi)
            if h.side == THEIRS:
                replaced.update({mine_same[i]: len(out) for i in range(lo, hi) if i in mine_same})
            last = h
        else:
            mine_run = side_version(group, MINE, lo, hi)
            theirs_run = side_version(group, THEIRS, lo, hi)
            if [tok for tok, _ in mine_run] == [tok for tok, _ in theirs_run]:
                out += mine_run  # the same change on both sides, once
            else:
                clean = False
                out += theirs_run + [(separator, None)] + mine_run
            last = None
        pos = hi
    base_run(pos, len(b))

    starts, at = [], 0
    for tok in m:
        starts.append(at)
        at += len(tok)
    starts.append(at)
    placed, ends, at = {}, [0], 0
    for tok, src in out:
        if src is not None:
            placed[src] = (at, at + len(tok))
        at += len(tok)
        ends.append(at)
    moved = {src: ends[n] for src, n in replaced.items()}
    return Merged("".join(tok for tok, _ in out), clean, tuple(starts), placed, moved)


def offset_of(text: str, location: tuple[int, int]) -> int:
    """A (row, column) location in ``text`` as an offset."""
    lines = text.split("\n")
    row = max(0, min(location[0], len(lines) - 1))
    return sum(len(line) + 1 for line in lines[:row]) + min(location[1], len(lines[row]))


def location_of(text: str, offset: int) -> tuple[int, int]:
    """An offset in ``text`` as a (row, column) location."""
    head = text[: max(0, offset)]
    return head.count("\n"), len(head) - (head.rfind("\n") + 1)
