"""Digitally signed minutes: a genuine file passes pdfsig, pyHanko and `verify`; every
tampering an adversary would try is caught; keys rotate; a vendor never reaches the key.

All through the installed `reviewtui` command on a real SQLite file, read back by poppler's
pdfsig/pdffonts and by pyHanko.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from reviewtui.domain import minutes as dm
from tests.test_cli import rt


def _tool(name: str) -> str:
    exe = shutil.which(name)
    assert exe, f"{name} (poppler-utils) is needed: apt install poppler-utils"
    return exe


def pdfsig(path: Path) -> str:
    out = subprocess.run([_tool("pdfsig"), str(path)], capture_output=True, text=True)
    return out.stdout + out.stderr


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """The demo database (with the key `demo` makes beside it) and a genuine signed export."""
    home = tmp_path_factory.mktemp("signing")
    db = str(home / "demo.db")
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    assert "demo signing key" in out.stderr
    signed_id = None
    for mid in range(1, 6):
        doc = json.loads(rt("--db", db, "export", "minutes", str(mid), "--format", "json",
                            "-o", "-").stdout)  # fmt: skip
        if dm.is_signed_off(doc):
            signed_id = mid
            break
    assert signed_id is not None
    pdf = home / "genuine.pdf"
    out = rt("--db", db, "export", "minutes", str(signed_id), "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    assert "digitally signed" in out.stdout
    return {"db": db, "home": home, "id": signed_id, "pdf": pdf}


def _verify(demo: dict, path: Path, *extra: str) -> subprocess.CompletedProcess:
    return rt("--db", demo["db"], "verify", str(path), *extra)


def test_the_genuine_file_is_valid_for_pdfsig_pyhanko_and_verify(demo) -> None:
    report = pdfsig(demo["pdf"])
    assert "Signature is Valid" in report, report
    assert "Total document signed" in report, report
    assert "ETSI.CAdES.detached" in report and "SHA-256" in report
    ok = _verify(demo, demo["pdf"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "digital signature valid over the entire file, by a registered certificate" in ok.stdout
    assert "sign-off record agrees" in ok.stdout and ok.stdout.strip().splitlines()[-1].startswith(
        "verified: meeting"
    )

    # pyHanko, trusting the certificate `keys show` prints.
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    shown = rt("--db", demo["db"], "keys", "show")
    assert shown.returncode == 0, shown.stderr
    pem = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", shown.stdout, re.S)
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509

    _, _, der = asn1_pem.unarmor(pem[0].encode())
    root = asn1_x509.Certificate.load(der)
    with demo["pdf"].open("rb") as fh:
        (sig,) = PdfFileReader(fh).embedded_signatures
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    fp = shown.stdout.split("SHA-256:")[1].split()[0]
    assert fp.replace(":", "").lower() == sig.signer_cert.sha256.hex()


def test_signed_file_stays_pdfa3_with_its_attachment_and_embedded_fonts(demo) -> None:
    from pypdf import PdfReader

    reader = PdfReader(demo["pdf"])
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(?:="|>)3', xmp) and re.search(
        r'pdfaid:conformance(?:="|>)B', xmp
    )
    attached = reader.attachments["minutes.json"][0]
    assert dm.load(attached)["meeting"]["id"] == demo["id"]
    fonts = pdffonts(demo["pdf"])
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column


def _overlay(src: Path, dst: Path) -> None:
    """pypdf stamping a line onto page 1 (merge_page), as in the issue."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    stamp_pdf = io.BytesIO()
    w = PdfWriter()
    page = w.add_blank_page(595, 842)
    from pypdf.generic import DecodedStreamObject

    content = DecodedStreamObject()
    content.set_data(b"BT /F1 14 Tf 60 700 Td (DECISION: the vendor pays a penalty) Tj ET")
    page[NameObject("/Contents")] = w._add_object(content)
    w.write(stamp_pdf)
    stamp = PdfReader(io.BytesIO(stamp_pdf.getvalue())).pages[0]
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.pages[0].merge_page(stamp)
    with dst.open("wb") as fh:
        writer.write(fh)


def _remove_page(src: Path, dst: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(src))
    writer.remove_page(len(writer.pages) - 1)
    with dst.open("wb") as fh:
        writer.write(fh)


def _flip_byte(src: Path, dst: Path) -> None:
    data = bytearray(src.read_bytes())
    # A byte inside the first page's content, well before the signature's /Contents.
    at = len(data) // 4
    data[at] ^= 0x01
    dst.write_bytes(bytes(data))


def _append_annotation(src: Path, dst: Path) -> None:
    """An incremental update after the signature: a free-text note on page 1."""
    from pypdf import PdfWriter
    from pypdf.annotations import FreeText

    writer = PdfWriter(src, incremental=True)
    writer.add_annotation(
        page_number=0,
        annotation=FreeText(text="Penalty agreed", rect=(50, 550, 250, 600)),
    )
    with dst.open("wb") as fh:
        writer.write(fh)
    assert dst.read_bytes().startswith(src.read_bytes())  # really appended


def _swap_attachment(src: Path, dst: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(src))
    spec = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    original = spec["/EF"]["/F"].get_object().get_data()
    spec["/EF"]["/F"].get_object().set_data(original.replace(b"Maria", b"Mario"))
    with dst.open("wb") as fh:
        writer.write(fh)


@pytest.mark.parametrize(
    ("tamper", "pdfsig_rejects"),
    [
        (_overlay, True),
        (_remove_page, True),
        (_flip_byte, True),
        (_append_annotation, True),
        (_swap_attachment, True),
    ],
    ids=["overlay", "page-removed", "byte-flipped", "incremental-annotation", "attachment"],
)
def test_every_tampering_is_rejected(demo, tmp_path: Path, tamper, pdfsig_rejects) -> None:
    bad = tmp_path / "bad.pdf"
    tamper(demo["pdf"], bad)
    assert bad.read_bytes() != demo["pdf"].read_bytes()
    out = _verify(demo, bad)
    assert out.returncode == 1, out.stdout
    assert "NOT verified" in out.stderr and "Traceback" not in out.stderr
    assert re.search(
        r"not digitally signed|does not match the signed bytes|does not cover the entire file|"
        r"not a readable PDF|cannot be validated",
        out.stdout,
    ), out.stdout
    if pdfsig_rejects:
        report = pdfsig(bad)
        assert not ("Signature is Valid" in report and "Total document signed" in report), report


def _render_and_sign(doc: dict, key_db: str, *, sha256: str | None = None, key=None) -> bytes:
    """A PDF of ``doc`` signed with the database's key (or ``key``), optionally with another
    hash printed: what someone holding the key, or another key, could make."""
    from reviewtui.db import certificates, open_database
    from reviewtui.exports import html, pdf, signing

    db = open_database(key_db, user="tester")
    try:
        with db.read() as s:
            loc = certificates.current_key(session=s)
    finally:
        db.dispose()
    key = key or signing.resolve_key({}, loc)
    from datetime import UTC, datetime

    line = signing.line_for(key, datetime.now(UTC)).as_context()
    if sha256 is None:
        data = pdf.render(doc, signature=line)
    else:
        from weasyprint import HTML, Attachment

        page = html.render(doc, sha256=sha256, for_pdf=True, signature=line)
        data = HTML(string=page, base_url=html.TEMPLATES.as_uri() + "/").write_pdf(
            attachments=[
                Attachment(file_obj=io.BytesIO(dm.canonical_json(doc)), name="minutes.json")
            ],
            pdf_variant="pdf/a-3b",
        )
    return signing.Signer(key).sign(data)


def test_a_changed_printed_hash_is_caught_even_when_signed_with_our_key(demo, tmp_path) -> None:
    doc = json.loads(rt("--db", demo["db"], "export", "minutes", str(demo["id"]), "--format",
                        "json", "-o", "-").stdout)  # fmt: skip
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(_render_and_sign(doc, demo["db"], sha256="e" * 64))
    assert "Signature is Valid" in pdfsig(forged)  # the signature itself is fine
    out = _verify(demo, forged)
    assert out.returncode == 1 and f"printed SHA-256 {'e' * 64} differs" in out.stdout


def test_a_changed_database_row_is_caught(demo, tmp_path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(demo["db"], copy)
    con = sqlite3.connect(copy)
    (content,) = con.execute(
        "SELECT content_json FROM minutesrevision WHERE meeting_id = ? AND revision = 1",
        (demo["id"],),
    ).fetchone()
    changed = content.replace("Maria", "Mario")
    con.execute(
        "UPDATE minutesrevision SET content_json = ?, sha256 = ? WHERE meeting_id = ?",
        (changed, dm.sha256_hex(changed.encode()), demo["id"]),
    )
    con.commit()
    con.close()
    out = rt("--db", str(copy), "verify", str(demo["pdf"]))
    assert out.returncode == 1 and "differ from those stored" in out.stdout, out.stdout


def test_a_signature_by_another_certificate_is_rejected_with_its_fingerprint(
    demo, tmp_path
) -> None:
    from reviewtui.exports import keys, signing

    info, pw = keys.create("Mallory Ltd", tmp_path / "other.p12")
    other = signing.SigningKey(tmp_path / "other.p12", pw, info, "test")
    doc = json.loads(rt("--db", demo["db"], "export", "minutes", str(demo["id"]), "--format",
                        "json", "-o", "-").stdout)  # fmt: skip
    theirs = tmp_path / "theirs.pdf"
    theirs.write_bytes(_render_and_sign(doc, demo["db"], key=other))
    report = pdfsig(theirs)
    assert "Signature is Valid" in report and "Total document signed" in report
    out = _verify(demo, theirs)
    assert out.returncode == 1
    assert "unknown certificate" in out.stdout
    assert keys.pretty_fingerprint(info.fingerprint) in out.stdout


def test_unsigned_pdf_says_so(demo, tmp_path) -> None:
    plain = tmp_path / "plain.pdf"
    out = rt("--db", demo["db"], "export", "minutes", str(demo["id"]), "--unsigned",
             "-o", str(plain))  # fmt: skip
    assert out.returncode == 0 and "NOT digitally signed" in out.stdout
    out = _verify(demo, plain)
    assert out.returncode == 1 and "the PDF is not digitally signed" in out.stdout


# --- keys ---------------------------------------------------------------------------------------


def test_missing_key_is_a_clear_refusal_and_nothing_is_written(tmp_path: Path) -> None:
    from reviewtui.db import open_database
    from reviewtui.demo import seed

    path = tmp_path / "nokey.db"
    db = open_database(str(path), user="tester")
    with db.session() as s:
        seed(s)
    db.dispose()
    target = tmp_path / "out.pdf"
    out = rt("--db", str(path), "export", "minutes", "2", "-o", str(target))
    assert out.returncode == 1 and not target.exists()
    assert out.stderr.strip().splitlines() == [
        "reviewtui: no signing key for minutes: create one with `reviewtui keys init --org NAME "
        "--out PATH` (or export with --unsigned)"
    ]
    show = rt("--db", str(path), "keys", "show")
    assert show.returncode == 1 and "keys init" in show.stderr
    # Drafts need no key.
    assert rt("--db", str(path), "export", "minutes", "3", "-o", str(target)).returncode == 0


def test_key_rotation_keeps_old_minutes_verifying(demo, tmp_path: Path) -> None:
    copy = tmp_path / "rot.db"
    shutil.copy(demo["db"], copy)
    db = str(copy)
    old = tmp_path / "old.pdf"
    assert rt("--db", db, "export", "minutes", str(demo["id"]), "-o", str(old)).returncode == 0
    again = rt("--db", db, "keys", "init", "--org", "Contoso Group", "--out", str(tmp_path / "k"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "k.password").stat().st_mode & 0o777 == 0o600
    refused = rt("--db", db, "keys", "init", "--org", "X", "--out", str(tmp_path / "k"))
    assert refused.returncode == 1 and "never overwrites" in refused.stderr
    new = tmp_path / "new.pdf"
    assert rt("--db", db, "export", "minutes", str(demo["id"]), "-o", str(new)).returncode == 0
    fp_old = re.search(r"SHA-256 ([0-9A-F:]{95})", rt("--db", db, "verify", str(old)).stdout)[1]
    fp_new = re.search(r"SHA-256 ([0-9A-F:]{95})", rt("--db", db, "verify", str(new)).stdout)[1]
    assert fp_old != fp_new
    for pdf in (old, new):
        out = rt("--db", db, "verify", str(pdf))
        assert out.returncode == 0, out.stdout
    shown = rt("--db", db, "keys", "show").stdout
    assert (
        fp_new in shown.split("also registered")[0] and fp_old in shown.split("also registered")[1]
    )
    # The key is nowhere in the database.
    con = sqlite3.connect(copy)
    dump = "\n".join(con.iterdump())
    con.close()
    assert "PRIVATE KEY" not in dump and (tmp_path / "k.password").read_text().strip() not in dump


@pytest.mark.parametrize("role", ["vendor", "viewer"])
def test_a_restricted_session_cannot_reach_the_key(demo, tmp_path: Path, role: str) -> None:
    env = {
        "REVIEWTUI_ROLE": role,
        **({"REVIEWTUI_VENDOR": "Northwind"} if role == "vendor" else {}),
    }
    for args in (
        ("keys", "show"),
        ("keys", "init", "--org", "Evil", "--out", str(tmp_path / "evil")),
        ("export", "minutes", str(demo["id"]), "-o", str(tmp_path / "x.pdf")),
    ):
        out = rt("--db", demo["db"], *args, env=env)
        assert out.returncode == 1 and "not open to this session" in out.stderr, out.stderr
    assert not (tmp_path / "evil").exists() and not (tmp_path / "x.pdf").exists()
    # Below the commands: the database hands a restricted session no key location.
    from reviewtui.db import certificates, open_database
    from reviewtui.db.errors import ReadOnly

    kwargs = {"role": role, **({"vendor": "Northwind Service Desk"} if role == "vendor" else {})}
    db = open_database(demo["db"], user="raj", **kwargs)
    try:
        with db.read() as s:
            with pytest.raises(ReadOnly, match="cannot use the organisation's signing key"):
                certificates.current_key(session=s)
            assert certificates.registered(session=s)  # the public certificates: yes
    finally:
        db.dispose()
    # And a vendor may still verify what it was sent.
    out = _verify(demo, demo["pdf"])
    assert out.returncode == 0
    assert os.environ.get("REVIEWTUI_ROLE") is None


def test_an_expired_certificate_is_refused_for_signing_and_reported(demo, tmp_path) -> None:
    from datetime import UTC, datetime

    from reviewtui.db import certificates, open_database
    from reviewtui.exports import keys, signing

    copy = tmp_path / "exp.db"
    shutil.copy(demo["db"], copy)
    info, pw = keys.create(
        "Contoso Group", tmp_path / "old.p12", days=30, start=datetime(2020, 1, 1, tzinfo=UTC)
    )
    db = open_database(str(copy), user="tester")
    with db.session() as s:
        certificates.register(
            session=s,
            fingerprint=info.fingerprint,
            subject=info.subject,
            organisation=info.organisation,
            certificate_pem=info.pem,
            not_before=info.not_before,
            not_after=info.not_after,
            key_path=str(tmp_path / "old.p12"),
            password_path=str(pw),
        )
    db.dispose()
    target = tmp_path / "x.pdf"
    out = rt("--db", str(copy), "export", "minutes", str(demo["id"]), "-o", str(target))
    assert out.returncode == 1 and not target.exists()
    assert "expired on 2020-01-31" in out.stderr and "keys init" in out.stderr
    assert "EXPIRED" in rt("--db", str(copy), "keys", "show").stdout
    # A PDF signed with it after it expired is reported as such.
    doc = json.loads(rt("--db", demo["db"], "export", "minutes", str(demo["id"]), "--format",
                        "json", "-o", "-").stdout)  # fmt: skip
    late = tmp_path / "late.pdf"
    key = signing.SigningKey(tmp_path / "old.p12", pw, info, "test")
    late.write_bytes(_render_and_sign(doc, demo["db"], key=key))
    out = rt("--db", str(copy), "verify", str(late))
    assert out.returncode == 1 and "had expired (2020-01-31) when the PDF was signed" in out.stdout
