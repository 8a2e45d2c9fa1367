"""The Markdown minutes (TUI preview and --format md)."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from reviewtui.exports import markdown
from tests.exports.conftest import meeting_id, view


def _html(md: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(md)


@pytest.mark.parametrize(
    "text",
    [
        "[click me](file:///etc/passwd)",
        "![img](http://example.com/x.png)",
        "<b>bold</b> <img src=x>",
        "# not a heading",
        "1. not a list",
        "- not a bullet",
        "> not a quote",
        "`not code` and *not em* and __not strong__ and ~~not struck~~",
        "a | b | c",
        "&lt;entity&gt; &#x41;",
    ],
)
def test_user_text_stays_text(text: str) -> None:
    rendered = _html(markdown.md(text))
    for tag in ("<a ", "<img", "<h1", "<ol", "<ul", "<blockquote", "<code", "<em", "<strong",
                "<b>", "<s>", "<del"):  # fmt: skip
        assert tag not in rendered, (text, rendered)
    # What a reader sees is what was typed (entities aside, HTML escapes the <>&).
    visible = (
        rendered.removeprefix("<p>").removesuffix("</p>\n").replace("&lt;", "<")
        .replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
    )  # fmt: skip
    assert visible == text


def test_table_cells_keep_pipes_and_newlines_inside() -> None:
    row = markdown._table(["A", "B"], [["x | y", "two\nlines"]])
    rendered = _html("\n".join(row))
    assert rendered.count("<td>") == 2 and "x | y" in rendered and "two lines" in rendered


def test_signed_and_draft_minutes_in_markdown(demo) -> None:
    signed = view(demo, meeting_id(demo, status="signed_off", vendor="Northwind Service Desk"))
    text = markdown.render(signed.document, sha256=signed.sha256)
    for heading in ("## Attendance", "## Agenda, notes and outcomes", "## Scorecard",
                    "## Corrective actions", "## Feedback", "## Escalations raised",
                    "## Next meeting", "## Sign-off"):  # fmt: skip
        assert heading in text
    assert f"SHA-256 of the minutes: `{signed.stored_sha256}`" in text
    assert "DRAFT" not in text and "Signed off" in text
    draft = view(demo, meeting_id(demo, status="ended", vendor="Keystone Precision Manufacturing"))
    text = markdown.render(draft.document, sha256=draft.sha256)
    assert "> **DRAFT**: not signed off." in text
    assert "Trend of the KPIs that missed" in text and "■ Red" in text
