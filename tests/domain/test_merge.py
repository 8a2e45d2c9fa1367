"""The three-way merge of an item's notes: each side's words once, in place."""

from __future__ import annotations

import random

import pytest

from reviewtui.domain.merge import location_of, merge3, offset_of

SEP = "\n--- notes by alice, kept after a conflicting edit ---\n"


def merged(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    m = merge3(base, mine, theirs, separator=SEP)
    return m.text, m.clean


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected"),
    [
        # Both started typing in an empty item: the typist's own words first.
        ("", "alice wr", "bob says t", "alice wr\nbob says t"),
        # Each goes on in their own words.
        (
            "bob says t",
            "bob says the vendor",
            "alice wr\nbob says t",
            "alice wr\nbob says the vendor",
        ),
        # A word being typed is not split by a line added after it.
        (
            "so deliv",
            "so delivery slips",
            "so deliv\nBob: agreed",
            "so delivery slips\nBob: agreed",
        ),
        # A space that gains a line break after it still matches.
        ("so deliv ", "so deliv next", "so deliv \nBob: agreed", "so deliv next\nBob: agreed"),
        # Changes in different places both apply.
        ("due Friday", "due Friday 10:00", "due Monday", "due Monday 10:00"),
        ("a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\nd\n", "a\nB\nc\nd\n"),
        # The same change on both sides, once; the same words inserted at one place, once.
        ("same", "same fix", "same fix", "same fix"),
        ("x y", "x Y", "x Y", "x Y"),
        # Lines added at the same place on both sides: both, the typist's first.
        ("one\n", "one\nmine\n", "one\ntheirs\n", "one\nmine\ntheirs\n"),
        # Nothing typed here: theirs as it is.
        ("old", "old", "new words", "new words"),
        ("", "", "", ""),
    ],
)
def test_clean_merges(base: str, mine: str, theirs: str, expected: str) -> None:
    assert merged(base, mine, theirs) == (expected, True)


def test_words_both_changed_are_kept_twice_theirs_first() -> None:
    assert merged("due Friday", "due Tuesday", "due Monday") == (
        "due Monday" + SEP + "Tuesday",
        False,
    )
    # A sentence deleted on one side and extended on the other: nothing of either is lost.
    text, clean = merged("Send the plan.", "Send the plan by Friday.", "")
    assert not clean and text.endswith("Send the plan by Friday.")


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "cursor", "after"),
    [
        # Their line added after the typist's words: the cursor stays before it.
        (
            "bob says t",
            "bob says the vendor",
            "alice wr\nbob says t",
            19,
            "alice wr\nbob says the vendor",
        ),
        # Their words inserted exactly at the cursor go after it.
        ("abc def", "abc def", "abc XYZ def", 4, "abc "),
        # Lines added above move the cursor down with the words it is in.
        ("x", "x", "new line\nx", 1, "new line\nx"),
        ("one two", "one two", "zero one two", 5, "zero one t"),
    ],
)
def test_the_cursor_stays_in_the_typists_words(base, mine, theirs, cursor, after) -> None:
    m = merge3(base, mine, theirs, separator=SEP)
    assert m.text[: m.place(cursor)] == after


def test_offsets_and_locations_round_trip() -> None:
    text = "first\nsecond line\n\nlast"
    for offset in range(len(text) + 1):
        assert offset_of(text, location_of(text, offset)) == offset
    assert location_of(text, 9) == (1, 3) and offset_of(text, (9, 99)) == len(text)


SENTENCES = {
    "latin": (
        "Alice: spares stock short again, delivery slips into next week.",
        "Bob: the plant manager agreed to a second inspector from January.",
    ),
    # No spaces to part the words (a whole line is one token), right to left, and marks
    # outside every word: emoji, a flag, a combining accent.
    "other scripts": (
        "田中: 部品の在庫が不足、納期は来週にずれ込む。",
        "יוסי: מנהל המפעל הסכים לבודק שני 👍🇮🇱 Zoe\u0308, cafe\u0301",
    ),
}


@pytest.mark.parametrize("script", list(SENTENCES))
@pytest.mark.parametrize("seed", range(30))
def test_two_people_typing_in_one_item_each_keep_their_words_once(seed: int, script: str) -> None:
    """The store and two editors as the meeting screen runs them: keys at the cursor, saves
    on a stored version, a crossing save merged from the draft's base, a quiet editor taking
    the newer text in; one starting in a note that has words begins a line at its end, as a
    person does. Before the merge, each save joined both whole texts and the note grew by
    copies at every save."""
    rng = random.Random(seed)
    store = (0, "")
    words = dict(zip(("alice", "bob"), SENTENCES[script], strict=True))
    ed = {who: {"base": store, "text": "", "at": 0, "typed": 0} for who in words}
    while any(e["typed"] < len(words[w]) or e["text"] != store[1] for w, e in ed.items()):
        who = rng.choice(list(words))
        e = ed[who]
        dirty = e["text"] != e["base"][1]
        roll = rng.random()
        if roll < 0.6 and e["typed"] < len(words[who]):
            ch = words[who][e["typed"]]
            if e["typed"] == 0 and e["text"]:  # as a person would: a line of one's own
                ch, e["at"] = "\n" + ch, len(e["text"])
            e["text"] = e["text"][: e["at"]] + ch + e["text"][e["at"] :]
            e["at"] += len(ch)
            e["typed"] += 1
        elif dirty and store[0] == e["base"][0]:
            store = (store[0] + 1, e["text"])
            e["base"] = store
        elif dirty:
            m = merge3(e["base"][1], e["text"], store[1], separator=SEP)
            assert m.clean, m.text
            e["at"] = m.place(e["at"])
            e["text"], e["base"] = m.text, store
        elif store[0] > e["base"][0]:
            m = merge3(e["text"], e["text"], store[1], separator=SEP)
            e["at"] = m.place(e["at"])
            e["text"], e["base"] = store[1], store
    final = store[1]
    for who, sentence in words.items():
        assert final.count(sentence) == 1, (who, final)
    assert len(final) == sum(len(s) for s in words.values()) + 1  # and one line break
