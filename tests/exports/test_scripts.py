"""Minutes in every script: real glyphs from embedded fonts (fontconfig fallback after the
bundled one), the text reads back as typed, and the signed PDF verifies."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from tests.exports.conftest import build_meeting
from tests.test_cli import rt

LTR = {
    "Japanese": "山田太郎の議事録",
    "Chinese": "北京市供应商",
    "Korean": "김민준 회의록",
    "Cyrillic": "Привет мир",
    "Greek": "Καλημέρα κόσμε",
    "emoji": "🎉👍",
}
RTL = {"Hebrew": "שלום עולם", "Arabic": "مرحبا بالعالم"}
TEXT = " ".join([*LTR.values(), *RTL.values()])


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory) -> tuple[str, Path]:
    from reviewtui.db import open_database
    from reviewtui.db.signoff import record_signoff

    home = tmp_path_factory.mktemp("scripts")
    db_path = str(home / "s.db")
    db = open_database(db_path, user="tester")
    mid = build_meeting(db, vendor="多言語 Vendor", text=TEXT, items=2, actions=2, kpis=1)
    with db.session() as s:
        record_signoff(mid, session=s, name="山田太郎", side="client", organisation="株式会社")
        record_signoff(mid, session=s, name="דוד כהן", side="vendor", organisation="شركة")
    db.dispose()
    key = rt("--db", db_path, "keys", "init", "--org", "Contoso 株式会社", "--out",
             str(home / "key.p12"))  # fmt: skip
    assert key.returncode == 0, key.stderr
    pdf = home / "m.pdf"
    out = rt("--db", db_path, "export", "minutes", str(mid), "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    return db_path, pdf


def test_fonts_for_every_script_are_embedded(signed_pdf) -> None:
    _, pdf = signed_pdf
    out = subprocess.run(
        [shutil.which("pdffonts") or "pdffonts", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    names = " ".join(r[0] for r in rows)
    assert all(r[-5] == "yes" for r in rows), out  # every font embedded
    assert "Minutes-Sans" in names  # the bundled font first
    assert "CJK" in names and "Emoji" in names, names  # the fallbacks fontconfig found


def test_the_text_reads_back_as_typed(signed_pdf) -> None:
    _, pdf = signed_pdf
    text = _norm(
        subprocess.run(
            [shutil.which("pdftotext") or "pdftotext", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    for script, sample in LTR.items():
        assert _norm(sample) in text, f"{script} text missing"
    for script, sample in RTL.items():
        logical = _norm(sample)
        visual = " ".join(w[::-1] for w in reversed(logical.split()))
        assert logical in text or visual in text, f"{script} text missing"
    assert "山田太郎" in text and ("דוד כהן" in text or "ןהכ דוד" in text)


def test_minutes_in_every_script_verify(signed_pdf) -> None:
    db, pdf = signed_pdf
    out = rt("--db", db, "verify", str(pdf))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "多言語 Vendor" in out.stdout and "山田太郎 (client)" in out.stdout
