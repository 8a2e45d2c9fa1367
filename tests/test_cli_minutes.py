"""Minutes from the command line: signoff, amend, export, verify (the real installed command)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from reviewtui.domain import minutes as dm
from tests.test_cli import rt


def _seed(db: str) -> None:
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr


def _meetings(db: str) -> dict[str, int]:
    """Northwind's signed-off meeting and latest draft, from the JSON export."""
    ids = {}
    for mid in range(1, 5):
        doc = json.loads(rt("--db", db, "export", "minutes", str(mid), "--format", "json",
                            "-o", "-").stdout)  # fmt: skip
        if dm.is_signed_off(doc):
            ids["signed"] = mid
        elif doc["meeting"]["ended_at"]:
            ids["draft"] = mid
    return ids


def test_signoff_amend_and_verify_a_meeting(db_url: str) -> None:
    _seed(db_url)
    ids = _meetings(db_url)
    draft = str(ids["draft"])
    out = rt("--db", db_url, "signoff", draft, "--name", "Maria Jensen", "--org", "Contoso Group",
             "--role", "Head of IT Service Management", "--side", "client")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "not signed off yet: needs a signatory from the vendor side" in out.stdout
    out = rt("--db", db_url, "verify", "--meeting", draft)
    assert out.returncode == 1 and "no signed-off minutes" in out.stdout
    out = rt("--db", db_url, "signoff", draft, "--name", "Raj Patel", "--side", "vendor",
             "--method", "written", "--at", "2026-11-27T16:00")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "signed off: minutes frozen, SHA-256" in out.stdout
    sha = out.stdout.split("SHA-256 ")[1].split()[0]
    verified = rt("--db", db_url, "verify", "--meeting", draft)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("verified:") and sha in verified.stdout
    again = rt("--db", db_url, "signoff", draft, "--name", "Sofia Lind", "--side", "vendor")
    assert again.returncode == 1
    assert f"reviewtui amend {draft}" in again.stderr and again.stderr.startswith("reviewtui: ")
    assert rt("--db", db_url, "amend", draft).returncode == 2  # --reason is required
    out = rt("--db", db_url, "amend", draft, "--reason", " ")
    assert out.returncode == 1 and "needs a reason" in out.stderr
    out = rt("--db", db_url, "amend", draft, "--reason", "Raj signed for the wrong period")
    assert out.returncode == 0 and "revision 2 is open" in out.stdout
    one = rt("--db", db_url, "export", "minutes", draft, "--revision", "1", "--format", "json",
             "-o", "-")  # fmt: skip
    assert dm.sha256_hex(one.stdout.encode()) == sha
    two = json.loads(rt("--db", db_url, "export", "minutes", draft, "--format", "json",
                        "-o", "-").stdout)  # fmt: skip
    assert two["meeting"]["revision"] == 2 and not dm.is_signed_off(two)
    assert two["amendment"]["reason"] == "Raj signed for the wrong period"
    assert two["amendment"]["supersedes"] == {"revision": 1, "sha256": sha}
    assert rt("--db", db_url, "verify", "--meeting", draft).returncode == 0  # revision 1 holds
    bad = rt("--db", db_url, "signoff", draft, "--name", "X", "--side", "client", "--at", "soon")
    assert bad.returncode == 2 and "'--at': 'soon'" in bad.stderr  # a bad option value: usage
    usage = rt("--db", db_url, "signoff", draft, "--name", "X", "--side", "both")
    assert usage.returncode == 2


def test_export_formats_file_names_and_page_size(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    _seed(db)
    ids = _meetings(db)
    exports = tmp_path / "exports"
    env = {"REVIEWTUI_EXPORTS_DIR": str(exports)}
    out = rt("--db", db, "export", "minutes", str(ids["signed"]), env=env)
    assert out.returncode == 0, out.stderr
    pdfs = list(exports.glob("*.pdf"))
    assert len(pdfs) == 1
    doc = json.loads(PdfReader(pdfs[0]).attachments["minutes.json"][0])
    day = doc["meeting"]["scheduled_at"][:10]
    assert pdfs[0].name == f"minutes-northwind-service-desk-{day}-r1.pdf"
    out = rt("--db", db, "export", "minutes", str(ids["draft"]), "--format", "md", env=env)
    assert out.returncode == 0 and "DRAFT" in out.stdout
    (md,) = exports.glob("*-draft.md")
    assert md.name.endswith("-r1-draft.md") and "**DRAFT**" in md.read_text()
    for fmt, check in (("html", "<!DOCTYPE html>"), ("json", '{"actions":')):
        target = tmp_path / f"m.{fmt}"
        out = rt("--db", db, "export", "minutes", str(ids["signed"]), "-o", str(target))
        assert out.returncode == 0, out.stderr
        assert target.read_text(encoding="utf-8").startswith(check)
    letter = tmp_path / "letter.pdf"
    out = rt("--db", db, "export", "minutes", str(ids["signed"]), "-o", str(letter),
             env={"REVIEWTUI_PAGE_SIZE": "Letter"})  # fmt: skip
    assert out.returncode == 0, out.stderr
    box = PdfReader(letter).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    bad = rt("--db", db, "export", "minutes", str(ids["signed"]), env={"REVIEWTUI_PAGE_SIZE": "A5"})
    assert bad.returncode == 1 and "page_size must be A4 or Letter" in bad.stderr
    missing = rt("--db", db, "export", "minutes", "999")
    assert missing.returncode == 1 and "no meeting with id 999" in missing.stderr
    assert rt("--db", db, "export", "minutes", "1", "--revision", "5").returncode == 1


def _replace_attachment(src: Path, dst: Path, data: bytes) -> None:
    writer = PdfWriter(clone_from=PdfReader(src))
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    spec["/EF"]["/F"].get_object().set_data(data)
    with dst.open("wb") as f:
        writer.write(f)


def _forge_printed_hash(doc_bytes: bytes, dst: Path) -> None:
    """What a forger would do: render the attached minutes with another hash printed."""
    from weasyprint import HTML, Attachment

    from reviewtui.exports import html

    page = html.render(dm.load(doc_bytes), sha256="f" * 64, for_pdf=True)
    HTML(string=page, base_url=html.TEMPLATES.as_uri() + "/").write_pdf(
        dst, attachments=[Attachment(file_obj=io.BytesIO(doc_bytes), name="minutes.json")]
    )


def test_verify_a_signed_pdf_and_catch_every_alteration(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    _seed(db)
    ids = _meetings(db)
    signed = tmp_path / "signed.pdf"
    assert (
        rt("--db", db, "export", "minutes", str(ids["signed"]), "-o", str(signed)).returncode == 0
    )
    ok = rt("--db", db, "verify", str(signed))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "verified: meeting" in ok.stdout and "sign-off record agrees" in ok.stdout
    original = PdfReader(signed).attachments["minutes.json"][0]

    # 1. The attachment altered (a note rewritten), printed hash left alone.
    altered = tmp_path / "altered.pdf"
    _replace_attachment(signed, altered, original.replace(b"accepted", b"rejected"))
    assert PdfReader(altered).attachments["minutes.json"][0] != original
    out = rt("--db", db, "verify", str(altered))
    assert out.returncode == 1, out.stdout
    assert "printed SHA-256" in out.stdout and "NOT verified" in out.stderr
    out = rt("verify", "--no-db", str(altered))
    assert out.returncode == 1

    # 2. The printed hash altered, the attachment intact.
    forged = tmp_path / "forged.pdf"
    _forge_printed_hash(original, forged)
    out = rt("--db", db, "verify", str(forged))
    assert out.returncode == 1 and f"printed SHA-256 {'f' * 64}" in out.stdout

    # 3. The database record altered behind the ORM (consistently, hash and all).
    changed = original.replace(b"accepted", b"rejected")
    con = sqlite3.connect(tmp_path / "d.db")
    con.execute(
        "UPDATE minutesrevision SET content_json = ?, sha256 = ? WHERE meeting_id = ?",
        (changed.decode(), dm.sha256_hex(changed), ids["signed"]),
    )
    con.commit()
    con.close()
    out = rt("--db", db, "verify", str(signed))
    assert out.returncode == 1, out.stdout
    assert "the database's sign-off" in out.stdout and "differ from those stored" in out.stdout
    assert rt("--db", db, "verify", "--meeting", str(ids["signed"])).returncode == 1
    # The file on its own is still what was signed, by a certificate the config trusts.
    alone = rt("--db", db, "verify", "--no-db", str(signed))
    assert alone.returncode == 1 and "unknown certificate" in alone.stdout
    fp = alone.stdout.split("SHA-256 fingerprint ")[1].split(":")[0:32]
    env = _trusting(tmp_path, ":".join(fp))
    alone = rt("--db", db, "verify", "--no-db", str(signed), env=env)
    assert alone.returncode == 0 and "verified" in alone.stdout, alone.stdout
    assert "database not checked: --no-db" in alone.stdout
    assert "signer checked against: 1 fingerprint(s) in the server's [signing]" in alone.stdout


def test_verify_refuses_drafts_non_pdfs_and_bad_usage(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    _seed(db)
    ids = _meetings(db)
    draft = tmp_path / "draft.pdf"
    assert rt("--db", db, "export", "minutes", str(ids["draft"]), "-o", str(draft)).returncode == 0
    out = rt("--db", db, "verify", str(draft))
    assert out.returncode == 1 and "draft" in out.stdout
    junk = tmp_path / "junk.pdf"
    junk.write_text("not a pdf")
    out = rt("--db", db, "verify", str(junk))
    assert out.returncode == 1 and "not a readable PDF" in out.stdout
    assert rt("--db", db, "verify").returncode == 2
    assert rt("--db", db, "verify", str(draft), "--meeting", "1").returncode == 2
    # Without --db and without a default database the file is checked alone, and says so.
    signed = tmp_path / "s.pdf"
    rt("--db", db, "export", "minutes", str(ids["signed"]), "-o", str(signed))
    out = rt("verify", str(signed), env={"XDG_DATA_HOME": str(tmp_path / "nothing")})
    assert out.returncode == 1 and "database not checked" in out.stdout
    assert "unknown certificate" in out.stdout and "signer checked against: nothing" in out.stdout


def _trusting(tmp_path: Path, fingerprint: str) -> dict[str, str]:
    """A server config (root-owned, as the policy file must be) trusting ``fingerprint``."""
    if os.geteuid() != 0:
        pytest.skip("the server's config file must be owned by root")
    etc = tmp_path / "etc"
    etc.mkdir(exist_ok=True)
    conf = etc / "config.toml"
    conf.write_text(f'[signing]\ntrusted_fingerprints = ["{fingerprint}"]\n')
    conf.chmod(0o644)
    return {"REVIEWTUI_SYSTEM_CONFIG": str(conf)}


@pytest.mark.parametrize("role", ["viewer", "vendor"])
def test_only_a_facilitator_signs_or_amends(tmp_path: Path, role: str) -> None:
    db = str(tmp_path / "d.db")
    _seed(db)
    env = {
        "REVIEWTUI_ROLE": role,
        **({"REVIEWTUI_VENDOR": "Northwind"} if role == "vendor" else {}),
    }
    out = rt("--db", db, "signoff", "3", "--name", "X", "--side", "client", env=env)
    assert out.returncode == 1 and "only a facilitator" in out.stderr
    assert rt("--db", db, "amend", "2", "--reason", "x", env=env).returncode == 1
    assert os.environ.get("REVIEWTUI_ROLE") is None
