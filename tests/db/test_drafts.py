"""Flushing typed drafts on exit: our own saves rebase, someone else's is merged in."""

from __future__ import annotations

from datetime import datetime

import pytest

from reviewtui import drafts as note_drafts
from reviewtui import uistate
from reviewtui.db import meetings as mq
from reviewtui.db import models as m


@pytest.fixture
def item(db):
    with db.session() as s:
        v = m.Vendor(name="Acme")
        s.add(v)
        s.flush()
        mid = mq.create_meeting(
            v.id, datetime.fromisoformat("2026-12-01T10:00:00+00:00"), session=s
        )
        return mid, mq.get_meeting(mid, session=s).items[0].id


def _notes(db, mid, item_id) -> tuple[str, int, str]:
    with db.read() as s:
        row = mq.get_meeting(mid, session=s).item(item_id)
    return row.notes, row.notes_version, row.notes_updated_by


def test_flush_writes_every_draft_and_remembers_the_cursor(db, item) -> None:
    mid, item_id = item
    drafts = note_drafts.Drafts(db.url, "alice")
    drafts.edit(mid, item_id, "typed before the drop", 0, (0, 7), base_text="")
    assert note_drafts.flush(drafts) == 1
    assert _notes(db, mid, item_id) == ("typed before the drop", 1, "alice")
    assert len(drafts) == 0
    assert uistate.recall(db.url, mid) == (item_id, (0, 7))


def test_a_save_in_flight_is_ours_and_rebases(db, item) -> None:
    mid, item_id = item
    drafts = note_drafts.Drafts(db.url, "alice")
    drafts.edit(mid, item_id, "first words", 0, base_text="")
    sent = drafts.sending(item_id)
    with db.session() as s:  # the worker's save lands...
        mq.save_notes(item_id, sent.text, sent.base_version, session=s)
    drafts.edit(mid, item_id, "first words and more", 0, base_text="")  # ...while typing goes on
    assert note_drafts.flush(drafts) == 1
    assert _notes(db, mid, item_id)[:2] == ("first words and more", 2)


def test_someone_elses_newer_notes_are_merged_with_ours(db, item) -> None:
    mid, item_id = item
    with db.session() as s:
        mq.save_notes(item_id, "Spares: short.\n", 0, session=s)  # what both sessions loaded
    with db.session() as s:
        s.info["user"] = "bob"
        mq.save_notes(item_id, "Spares: short.\nBob: the plant agreed.\n", 1, session=s)
    drafts = note_drafts.Drafts(db.url, "alice")
    drafts.edit(mid, item_id, "Spares: short again.\n", 1, base_text="Spares: short.\n")
    assert note_drafts.flush(drafts) == 1
    text, version, _ = _notes(db, mid, item_id)
    assert (text, version) == ("Spares: short again.\nBob: the plant agreed.\n", 3)
    assert drafts.last_stored(item_id) == (3, text)


def test_words_both_changed_are_kept_twice_to_merge(db, item) -> None:
    mid, item_id = item
    with db.session() as s:
        mq.save_notes(item_id, "Next review due Friday", 0, session=s)
    with db.session() as s:
        s.info["user"] = "bob"
        mq.save_notes(item_id, "Next review due Monday", 1, session=s)
    drafts = note_drafts.Drafts(db.url, "alice")
    drafts.edit(mid, item_id, "Next review due Tuesday", 1, base_text="Next review due Friday")
    note_drafts.flush(drafts)
    assert _notes(db, mid, item_id)[:2] == (
        "Next review due Monday\n\n--- notes by alice, kept after a conflicting edit ---\nTuesday",
        3,
    )


def test_what_cannot_be_stored_goes_to_the_recovery_file(db, item) -> None:
    mid, item_id = item
    with db.session() as s:
        s.get(m.Meeting, mid).status = "signed_off"
    drafts = note_drafts.Drafts(db.url, "alice")
    drafts.edit(mid, item_id, "words after sign-off", 0, base_text="")
    assert note_drafts.flush(drafts) == 0
    saved = note_drafts.recovery_file().read_text(encoding="utf-8")
    assert "words after sign-off" in saved and f"meeting {mid} item {item_id}" in saved


def test_a_key_pressed_before_the_screen_hears_of_a_save_starts_on_that_save(db, item) -> None:
    """The false conflict: the save lands and drops the draft; the screen still shows v0."""
    mid, item_id = item
    drafts = note_drafts.Drafts(db.url, "alice")
    drafts.edit(mid, item_id, "Plan 2 raised", 0, base_text="")
    sent = drafts.sending(item_id)
    with db.session() as s:
        version = mq.save_notes(item_id, sent.text, sent.base_version, session=s)
    assert drafts.stored(item_id, sent.text, version) is None  # the worker's step...
    # ...and a key pressed before the UI thread learns of version 1 still says 0.
    d = drafts.edit(mid, item_id, "Plan 2 raised,", 0, base_text="")
    assert d.base_version == version
    assert note_drafts.flush(drafts) == 1  # e.g. SIGHUP right now: stored once, not twice
    assert _notes(db, mid, item_id)[:2] == ("Plan 2 raised,", 2)


def test_a_newer_version_from_someone_else_wins_over_what_we_stored(db, item) -> None:
    mid, item_id = item
    drafts = note_drafts.Drafts(db.url, "alice")
    drafts.stored(item_id, "ours", 1)
    assert drafts.edit(mid, item_id, "theirs, then ours", 3, base_text="theirs").base_version == 3
