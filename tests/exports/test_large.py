"""Long minutes (60 agenda items, 40 KPIs, 200 actions) render whole, with a working contents."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from reviewtui.exports import pdf
from tests.exports.conftest import ReadPdf, build_meeting, pdftotext, view


@pytest.fixture(scope="module")
def large(demo):
    mid = build_meeting(demo, vendor="Large Vendor", kpis=40, items=60, actions=200, notes_lines=3)
    v = view(demo, mid)
    data = pdf.render(v.document, generated_at=datetime(2026, 11, 28, 9, tzinfo=UTC))
    return v, ReadPdf(data), pdftotext(data)


def _heading_page(pages: list[str], heading: str, after: int) -> int:
    for i, page in enumerate(pages[after:], start=after + 1):
        if any(line.strip() == heading for line in page.splitlines()):
            return i
    raise AssertionError(f"heading {heading!r} not found")


def test_everything_is_there_and_the_page_count_is_sensible(large) -> None:
    v, read, pages = large
    doc = v.document
    assert len(doc["agenda"]) == 60 and len(doc["scorecard"]["kpis"]) == 40
    assert len(doc["actions"]) == 200
    assert 10 <= read.page_count <= 40
    assert len(pages) == read.page_count
    text = read.text
    for item in doc["agenda"]:
        assert f"{item['position']}. {item['title']}" in text
    for k in doc["scorecard"]["kpis"]:
        assert k["kpi"] in text
    for a in doc["actions"]:
        assert re.search(re.escape(a["title"].strip()) + r"(?!\d)", text), a["title"]
    assert f"Page {read.page_count} of {read.page_count}" in pages[-1]
    assert "Sign-off" in pages[-1]


def test_contents_lists_sections_with_the_pages_they_start_on(large) -> None:
    _, _, pages = large
    assert any(line.strip() == "Contents" for line in pages[0].splitlines())
    toc: dict[str, int] = {}
    for page in pages[:3]:
        for line in page.splitlines():
            found = re.match(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", line)
            if found:
                toc[found[1].strip()] = int(found[2])
    for heading in ("Attendance", "Scorecard", "Corrective actions", "Sign-off", "60. Item 60"):
        assert heading in toc, sorted(toc)
    toc_pages = max(
        i for i, p in enumerate(pages, start=1) if "Contents" in p or "1. Item 1 ." in p
    )
    for heading in ("Attendance", "Scorecard", "Corrective actions", "Sign-off", "60. Item 60"):
        assert toc[heading] == _heading_page(pages, heading, toc_pages), heading


def test_short_minutes_have_no_printed_contents(demo) -> None:
    mid = build_meeting(demo, vendor="Small Vendor")
    read = ReadPdf(pdf.render(view(demo, mid).document))
    assert "Contents" not in read.text
