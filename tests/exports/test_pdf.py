"""The PDF minutes, rendered for real and read back with pypdf and poppler."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reviewtui.domain import minutes as dm
from reviewtui.exports import pdf
from tests.exports.conftest import ReadPdf, flat, meeting_id, pdftotext, view

EXPORTED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SECTIONS = [
    "Attendance",
    "Agenda, notes and outcomes",
    "Scorecard",
    "Corrective actions",
    "Feedback",
    "Escalations raised",
    "Next meeting",
    "Sign-off",
]


@pytest.fixture(scope="module")
def signed(demo):
    v = view(demo, meeting_id(demo, status="signed_off", vendor="Northwind Service Desk"))
    assert v.signed_off
    return v, ReadPdf(pdf.render(v.document, generated_at=EXPORTED))


@pytest.fixture(scope="module")
def draft(demo):
    # Keystone's latest review: red and amber KPIs, overdue actions, an escalation.
    v = view(demo, meeting_id(demo, status="ended", vendor="Keystone Precision Manufacturing"))
    assert not v.signed_off
    return v, ReadPdf(pdf.render(v.document, generated_at=EXPORTED))


def test_every_section_and_the_meeting_content_is_in_the_text(signed) -> None:
    v, doc_pdf = signed
    text = doc_pdf.text
    for heading in SECTIONS:
        assert heading in text, heading
    doc = v.document
    for a in doc["attendance"]:
        assert a["name"] in text and a["role"] in text
    for item in doc["agenda"]:
        assert f"{item['position']}. {item['title']}" in text
        assert flat(item["notes"]) in text
        for o in item["outcomes"]:
            assert flat(o["text"]) in text
    for k in doc["scorecard"]["kpis"]:
        assert k["kpi"] in text
    for a in doc["actions"]:
        assert a["title"] in text
    for f in doc["feedback"]:
        assert flat(f["text"]) in text
    assert "Teams / Room 4.12" in text and "Maria Jensen" in text
    assert doc["next_meeting"]["scheduled_at"][:10] in text
    # Poppler reads the same words.
    poppler = flat(" ".join(pdftotext(doc_pdf.data)))
    for heading in SECTIONS:
        assert heading in poppler


def test_header_and_page_x_of_y_on_every_page(signed) -> None:
    _, doc_pdf = signed
    n = doc_pdf.page_count
    assert 2 <= n <= 5
    for i, page in enumerate(pdftotext(doc_pdf.data), start=1):
        assert "Northwind Service Desk" in page
        assert "Monthly service review" in page
        assert f"Page {i} of {n}" in flat(page)


def test_attachment_is_exactly_the_frozen_minutes_json(signed) -> None:
    v, doc_pdf = signed
    assert doc_pdf.attachments == {"minutes.json": [v.content]}
    assert dm.sha256_hex(v.content) == v.stored_sha256
    assert json.loads(v.content)["meeting"]["id"] == v.meeting_id


def test_pdfa3b_identification_and_document_metadata(signed) -> None:
    v, doc_pdf = signed
    assert doc_pdf.pdfa() == ("3", "B")
    meta = doc_pdf.reader.metadata
    assert meta.title == "Minutes: Northwind Service Desk, Monthly service review, " + (
        v.document["meeting"]["scheduled_at"][:10] + " (revision 1)"
    )
    assert meta.author == "Maria Jensen"
    assert "Northwind Service Desk" in meta.subject and "sign-off" in meta.subject
    assert "minutes" in meta["/Keywords"] and "Northwind Service Desk" in meta["/Keywords"]
    assert meta.creation_date.replace(tzinfo=UTC) == EXPORTED
    assert "dc:title" in doc_pdf.xmp and "pdf:Keywords" in doc_pdf.xmp


def test_signoff_block_names_roles_times_and_hash(signed) -> None:
    v, doc_pdf = signed
    last = flat(doc_pdf.pages[-1])
    for s in v.document["signoff"]["signatories"]:
        assert s["name"] in last and s["role"] in last
        assert s["signed_at"][:16].replace("T", " ") in last
    assert "in the meeting" in last and "written acknowledgement" in last
    assert f"SHA-256 of the minutes: {v.stored_sha256}" in last
    assert "Signed off" in last


def test_watermark_on_drafts_only(signed, draft) -> None:
    _, signed_pdf = signed
    _, draft_pdf = draft
    assert all("DRAFT" not in page for page in signed_pdf.pages)
    assert draft_pdf.page_count >= 2
    assert all("DRAFT" in page for page in draft_pdf.pages)
    assert "Not signed off: needs a signatory from the client and vendor side" in draft_pdf.text


def test_rag_as_text_and_colour_and_charts_for_misses(draft) -> None:
    v, doc_pdf = draft
    text = doc_pdf.text
    statuses = {k["kpi"]: k["status"] for k in v.document["scorecard"]["kpis"]}
    assert "red" in statuses.values() and "green" in statuses.values()
    assert "■ Red" in text and "● Green" in text
    content = "".join(p.get_contents().get_data().decode("latin-1") for p in doc_pdf.reader.pages)
    # #b3261e red and #1b7f3b green as fill colours
    assert "0.701961 0.14902 0.117647 rg" in content
    assert "0.105882 0.498039 0.231373 rg" in content
    missed = [k for k in v.document["scorecard"]["kpis"] if k["status"] in ("amber", "red")]
    assert missed
    assert "Trend of the KPIs that missed" in text
    for k in missed:
        first, last = k["history"][0]["period"], k["history"][-1]["period"]
        assert f"{first} to {last}" in text  # each chart's caption and axis labels
    assert text.count("dashed green: target") == len(missed)
    # The demo's escalation was raised after this review: not in its minutes.
    assert "OTIF red for three consecutive months" not in text
    assert "Escalations raised None." in text
    assert "Overdue" in text


def test_letter_page_size(demo) -> None:
    v = view(demo, meeting_id(demo, status="signed_off", vendor="Northwind Service Desk"))
    letter = ReadPdf(pdf.render(v.document, page_size="Letter", generated_at=EXPORTED))
    box = letter.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    a4 = ReadPdf(pdf.render(v.document, page_size="a4", generated_at=EXPORTED))
    box = a4.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_only_the_bundled_template_files_are_read(demo) -> None:
    from reviewtui.exports.html import TEMPLATES

    v = view(demo, meeting_id(demo, status="signed_off", vendor="Northwind Service Desk"))
    _, report = pdf.render_with_report(v.document, generated_at=EXPORTED)
    assert report["refused"] == []
    assert {p.split("/")[-1] for p in report["served"]} == {
        "fonts.css",
        "minutes.css",
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
    }
    assert all(p.startswith(str(TEMPLATES)) for p in report["served"])
