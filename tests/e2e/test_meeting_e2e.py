"""The live meeting in a real terminal: nothing typed is lost, and two sessions see each other."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from benchmarks.tmuxterm import Tmux, gone

pytestmark = pytest.mark.e2e

EXE = shutil.which("reviewtui")


@pytest.fixture
def meeting(tmp_path: Path) -> tuple[Path, int, dict[str, str]]:
    db = tmp_path / "demo.db"
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    run_env = {**os.environ, **env}
    subprocess.run(
        [EXE, "--db", str(db), "demo", "--seed-only"], check=True, capture_output=True, env=run_env
    )
    out = subprocess.run(
        [EXE, "--db", str(db), "meetings", "new", "Keystone", "--at", "+1d 10:00"],
        check=True,
        capture_output=True,
        text=True,
        env=run_env,
    )
    return db, int(out.stdout.strip()), env


def _open(db: Path, mid: int, env: dict[str, str], as_user: str | None = None, **size) -> Tmux:
    who = ["--as", as_user] if as_user else []
    return Tmux([EXE, "--db", str(db), *who, "meetings", "open", str(mid)], env=env, **size)


def _notes(db: Path, mid: int) -> str:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT notes FROM agendaitem WHERE meeting_id = ? ORDER BY position", (mid,)
        ).fetchall()
    finally:
        con.close()
    return "\n".join(r[0] for r in rows)


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM", "terminal killed"])
def test_notes_typed_just_before_the_end_survive(meeting, how: str) -> None:
    db, mid, env = meeting
    words = f"Words typed right before {how.lower()} 123"
    term = _open(db, mid, env, width=100, height=30)
    try:
        term.wait_for("Scorecard overview")
        term.send("Enter")
        sent = time.monotonic()
        term.send(words, literal=True)
        term.wait_for(words, timeout=5)  # the app has the keystrokes...
        pid = term.app_pid(["reviewtui", "meetings"])
        if how == "terminal killed":
            term.close()  # ...and the terminal disappears under it (tmux sends SIGHUP)
        else:
            os.kill(pid, getattr(signal, how))
        killed_after = time.monotonic() - sent
        assert killed_after < 1.0, f"the kill came {killed_after:.2f}s after the last keystroke"
        assert gone(pid, timeout=10.0), "reviewtui did not exit"
    finally:
        term.close()
    assert words in _notes(db, mid)
    # Reopening the meeting shows the words, on the item where they were typed.
    with _open(db, mid, env, width=100, height=30) as again:
        again.wait_for(words, timeout=20)


def test_two_sessions_on_one_meeting_see_each_others_edits(meeting, tmp_path: Path) -> None:
    db, mid, env = meeting
    # Two people: the server's policy file lets this test act as alice and bob.
    policy = tmp_path / "server.toml"
    policy.write_text("allow_as = true\n")
    policy.chmod(0o644)
    env = {**env, "REVIEWTUI_SYSTEM_CONFIG": str(policy)}
    with (
        _open(db, mid, env, "alice", width=100, height=30) as alice,
        _open(db, mid, env, "bob", width=100, height=30) as bob,
    ):
        alice.wait_for("Scorecard overview")
        bob.wait_for("Scorecard overview")
        alice.send("Enter")
        alice.send("Decision needed on spares", literal=True)
        typed = time.monotonic()
        alice.wait_for("Decision needed on spares", timeout=5)
        bob.wait_for("Decision needed on spares", timeout=5)
        seen_after = time.monotonic() - typed
        print(f"alice's words on bob's screen after {seen_after:.2f}s")
        assert seen_after < 2.0, f"bob saw alice's words after {seen_after:.2f}s"
        # And back the other way, on the next item: bob moves the meeting on and types.
        bob.send("C-n")
        bob.send("Enter")
        bob.send("Bob adds a note", literal=True)
        typed = time.monotonic()
        alice.wait_for("Bob adds a note", timeout=5)
        assert time.monotonic() - typed < 2.0


def test_two_people_typing_in_one_item_keep_each_others_words_once(meeting, tmp_path: Path) -> None:
    """Alice and Bob type into the same notes at once, at a person's speed, so their saves
    cross every second. Each crossing used to join both whole notes around a separator line:
    the next save joined the joins, and in under ten seconds the note held 26,770 characters
    with 376 separator lines. Now each crossing is merged, and each sentence is there once."""
    db, mid, env = meeting
    policy = tmp_path / "server.toml"
    policy.write_text("allow_as = true\n")
    policy.chmod(0o644)
    env = {**env, "REVIEWTUI_SYSTEM_CONFIG": str(policy)}
    words = {
        "alice": "Alice: the spares stock is short again, delivery slips a week.",
        "bob": "Bob: the vendor agreed to a second inspector from January.",
    }

    def type_into(term: Tmux, text: str, gap: float) -> None:
        for ch in text:
            term.send(ch, literal=True)
            time.sleep(gap)

    with (
        _open(db, mid, env, "alice", width=100, height=30) as alice,
        _open(db, mid, env, "bob", width=100, height=30) as bob,
    ):
        for term in (alice, bob):
            term.wait_for("Scorecard overview")
            term.wait_for("saved as you type")  # the first item's notes have the focus
        typists = [
            threading.Thread(target=type_into, args=(alice, words["alice"], 0.075)),
            threading.Thread(target=type_into, args=(bob, words["bob"], 0.07)),
        ]
        for t in typists:
            t.start()
            time.sleep(0.3)
        for t in typists:
            t.join()
        # Both screens come to the same note: the last words of each on each.
        for term in (alice, bob):
            term.wait_for("week.", timeout=10)
            term.wait_for("January.", timeout=10)
        time.sleep(1.5)
        screens = alice.screen() + bob.screen()
    with sqlite3.connect(db) as con:
        (notes,) = con.execute(
            "SELECT notes FROM agendaitem WHERE meeting_id = ? AND position = 1", (mid,)
        ).fetchone()
    for sentence in words.values():
        assert notes.count(sentence) == 1, notes[:2000]
    assert "kept after a conflicting edit" not in notes + screens
    assert len(notes) == sum(len(s) for s in words.values()) + 1, notes  # and one line break


def test_notes_reach_the_database_within_a_second_even_before_a_kill_9(meeting) -> None:
    """SIGKILL cannot be caught: the debounced save itself must be done within a second."""
    db, mid, env = meeting
    words = "Saved by the debounce alone"
    term = _open(db, mid, env, width=100, height=30)
    try:
        term.wait_for("Scorecard overview")
        term.send("Enter")
        term.send(words, literal=True)
        last_key = time.monotonic()
        while words not in _notes(db, mid):
            assert time.monotonic() - last_key < 1.0, "not in the database a second later"
            time.sleep(0.02)
        latency = time.monotonic() - last_key
        pid = term.app_pid(["reviewtui", "meetings"])
        os.kill(pid, signal.SIGKILL)
        assert gone(pid, timeout=10.0)
    finally:
        term.close()
    print(f"keystroke to committed notes: {latency:.2f}s")
    assert words in _notes(db, mid)


def test_words_after_a_long_pause_still_reach_the_database_within_a_second(meeting) -> None:
    """An idle editor stops checking for unsaved words (the cursor stops blinking after 10 s):
    the first key after the pause must wake the check. Typed at a person's speed, then kill -9."""
    db, mid, env = meeting
    first, second = "Before the pause.", " After the pause, kept too"
    term = _open(db, mid, env, width=100, height=30)
    try:
        term.wait_for("Scorecard overview")
        term.send("Enter")
        for ch in first:
            term.send(ch, literal=True)
            time.sleep(0.08)  # ~12 keys a second
        deadline = time.monotonic() + 5
        while first not in _notes(db, mid):
            assert time.monotonic() < deadline, "the first words were never saved"
            time.sleep(0.05)
        time.sleep(12)  # past BLINK_FOR_S: nothing blinks, nothing is unsaved, the check sleeps
        for ch in second:
            term.send(ch, literal=True)
            time.sleep(0.08)
        last_key = time.monotonic()
        while first + second not in _notes(db, mid):
            assert time.monotonic() - last_key < 1.0, (
                f"not in the database a second after the last key: {_notes(db, mid)!r}"
            )
            time.sleep(0.02)
        pid = term.app_pid(["reviewtui", "meetings"])
        os.kill(pid, signal.SIGKILL)
        assert gone(pid, timeout=10.0)
    finally:
        term.close()
    assert first + second in _notes(db, mid)
