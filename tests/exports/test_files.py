"""Exports are written safely: devices stay devices, planted symbolic links are never followed,
files and folders get the documented modes, and a failed write leaves nothing behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reviewtui.db.errors import UserError
from reviewtui.exports import files
from tests.test_cli import rt


def _mknod_null(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    except PermissionError:
        pytest.skip("mknod needs root (CAP_MKNOD)")


def test_export_onto_a_character_device_leaves_the_device(tmp_path: Path) -> None:
    dev = tmp_path / "null"
    _mknod_null(dev)
    db = str(tmp_path / "d.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    for fmt in ("md", "json"):
        out = rt("--db", db, "export", "minutes", "2", "--format", fmt, "-o", str(dev))
        assert out.returncode == 0, out.stderr
        st = os.lstat(dev)
        assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_fifo_is_written_directly(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    files.write(b"minutes", fifo)
    reader.join(10)
    assert got == [b"minutes"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symlink_planted_at_the_old_temporary_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    exports = tmp_path / "exports"
    exports.mkdir()
    target = exports / "minutes.md"
    # What an attacker in a group-writable exports folder plants: the predictable names.
    for name in (f".{target.name}.part", f"{target.name}.part", f".{target.name}.tmp"):
        (exports / name).symlink_to(victim)
    files.write(b"# minutes\n", target)
    assert victim.read_text() == "precious"
    assert target.read_bytes() == b"# minutes\n" and not target.is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == files.FILE_MODE
    leftovers = {p.name for p in exports.iterdir()} - {target.name}
    assert leftovers == {f".{target.name}.part", f"{target.name}.part", f".{target.name}.tmp"}


def test_a_symlink_at_the_target_is_refused_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / "out.md"
    link.symlink_to(victim)
    with pytest.raises(UserError, match="symbolic link"):
        files.write(b"x", link)
    assert victim.read_text() == "precious" and link.is_symlink()
    db = str(tmp_path / "d.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    out = rt("--db", db, "export", "minutes", "2", "--format", "md", "-o", str(link))
    assert out.returncode == 1 and "symbolic link" in out.stderr and "Traceback" not in out.stderr
    assert victim.read_text() == "precious"


def test_new_folder_and_file_modes_and_replacing_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "m.json"
    files.write(b"{}", target)
    assert stat.S_IMODE(target.parent.stat().st_mode) & 0o777 == files.FOLDER_MODE & ~_umask()
    assert stat.S_IMODE(target.stat().st_mode) == files.FILE_MODE
    files.write(b'{"a":1}', target)  # a regular file is replaced
    assert target.read_bytes() == b'{"a":1}'
    assert [p.name for p in target.parent.iterdir()] == ["m.json"]


def test_a_directory_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a regular file"):
        files.write(b"x", tmp_path)


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old
