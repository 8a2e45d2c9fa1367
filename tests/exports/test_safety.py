"""User text is text: HTML, CSS and links in any field come out literally; nothing is fetched.

A secret file sits outside the template folder; payloads in the vendor name, KPI names, notes,
outcomes, attendees, actions, feedback and the signatory try to read it, attach it or reach the
network. Its content must be in no output, the local HTTP server must see no request, and the
payloads must be readable as literal text.
"""

from __future__ import annotations

import http.server
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewtui.db.signoff import record_signoff
from reviewtui.exports import html, markdown, pdf
from tests.exports.conftest import ReadPdf, build_meeting, flat, pdftotext, view

EXPORTED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SECRET = "TOP-SECRET-4b1d2c-do-not-leak"
# A right-to-left override would show "0005 EUR" as "RUE 5000" on the page, while the signed
# data says otherwise; an isolate likewise reorders what follows.
BIDI = "Penalty \u202e0005 EUR\u202c waived \u2067isolated\u2069 end"


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def http_server():
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def payloads(secret: Path, url: str) -> list[str]:
    return [
        f"<img src=file://{secret}>",
        f'<link rel=attachment href="file://{secret}">',
        f"<style>@import url(file://{secret}); body {{ background: url({url}/css) }}</style>",
        f"url(file://{secret}) url({url}/bg)",
        f'"><svg><image href="file://{secret}"/></svg><img src="{url}/img">',
        f"[click](file://{secret}) <{url}/auto> {{{{ 7*7 }}}} &amp; ../../{secret.name}",
        BIDI,
    ]


@pytest.fixture(scope="module")
def hostile(demo, secret, http_server):
    """A signed-off meeting whose every text field carries the payloads."""
    text = " ".join(payloads(secret, http_server))
    mid = build_meeting(demo, vendor=f"Evil <b>Vendor</b> <img src=file://{secret}>", text=text)
    with demo.session() as s:
        record_signoff(mid, session=s, name=f"<i>Client</i> {text}", side="client")
        record_signoff(mid, session=s, name="Vendor <script>x</script>", side="vendor")
    return view(demo, mid)


@pytest.fixture(scope="module")
def outputs(hostile):
    doc = hostile.document
    data, report = pdf.render_with_report(doc, generated_at=EXPORTED)
    return {
        "pdf": data,
        "report": report,
        "html": html.render(doc, sha256=hostile.sha256, generated_at=EXPORTED),
        "pdf_html": html.render(doc, sha256=hostile.sha256, for_pdf=True, generated_at=EXPORTED),
        "md": markdown.render(doc, sha256=hostile.sha256),
    }


def test_nothing_outside_the_templates_is_fetched_or_attached(outputs, http_server) -> None:
    report = outputs["report"]
    assert report["refused"] == []  # nothing even asked for: the payloads stayed text
    from reviewtui.exports.html import TEMPLATES

    assert all(p.startswith(str(TEMPLATES)) for p in report["served"])
    read = ReadPdf(outputs["pdf"])
    assert list(read.attachments) == ["minutes.json"]
    assert _Counting.hits == []
    for page in read.reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        assert all(x.get_object()["/Subtype"] != "/Image" for x in xobjects.values())


def test_the_secret_is_in_no_output(outputs) -> None:
    read = ReadPdf(outputs["pdf"])
    assert SECRET not in read.text
    assert SECRET.encode() not in outputs["pdf"]
    assert all(SECRET.encode() not in blob for blobs in read.attachments.values() for blob in blobs)
    assert SECRET not in " ".join(pdftotext(outputs["pdf"]))
    for key in ("html", "pdf_html", "md"):
        assert SECRET not in outputs[key]


def test_payloads_come_out_as_literal_text_in_the_pdf(outputs, hostile, secret, http_server):
    text = flat(" ".join(pdftotext(outputs["pdf"])))
    pypdf_text = ReadPdf(outputs["pdf"]).text
    assert "Evil <b>Vendor</b> <img src=file://" in pypdf_text
    # Compared without whitespace: a long path wraps after a "/", where the text then has a space
    # (the temporary folder's length decides where, e.g. under pytest-xdist's popen-gw1/).
    solid = "".join(pypdf_text.split())
    for p in payloads(secret, http_server)[:4]:
        assert "".join(p.split()) in solid, p
    assert "<script>x</script>" in pypdf_text  # the signatory's name
    assert "{{ 7*7 }}" in pypdf_text and "{{ 7*7 }}" in text
    # The vendor name heads every page, and KPI names are in the scorecard, as text.
    for page in pdftotext(outputs["pdf"]):
        assert "Evil <b>Vendor</b>" in page
    assert "KPI 1 <img src=file://" in pypdf_text


def test_no_bidi_control_reaches_the_page(outputs) -> None:
    """Each shows as the replacement character, in the order it was stored."""
    shown = "Penalty \ufffd0005 EUR\ufffd waived \ufffdisolated\ufffd end"
    for key in ("html", "pdf_html", "md"):
        assert "\u202e" not in outputs[key] and "\u2067" not in outputs[key], key
        assert shown in outputs[key], key
    text = " ".join(pdftotext(outputs["pdf"]))
    assert "\u202e" not in text and "\u2067" not in text
    assert shown in flat(text)


def test_html_escapes_every_field(outputs, secret) -> None:
    page = outputs["html"]
    assert "<img src=file://" not in page
    assert "&lt;img src=file://" in page
    assert "<style>@import" not in page and "&lt;style&gt;@import" in page
    assert "<link rel=attachment" not in page
    assert "<script>x</script>" not in page
    assert "{{ 7*7 }}" in page  # data is never a template


def test_markdown_escapes_every_field(outputs, secret) -> None:
    from markdown_it import MarkdownIt

    md = outputs["md"]
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    # Rendered by a Markdown parser: no link, image or HTML tag comes out of user text.
    assert "<a href" not in rendered
    assert "<img" not in rendered and "<svg" not in rendered and "<script" not in rendered
    assert "&lt;img src=file://" in rendered
    assert f"[click](file://{secret})" in rendered


def test_fetcher_refuses_everything_but_data_and_template_files(tmp_path, secret, http_server):
    """Defence in depth: even HTML that is not escaped cannot make the renderer read out."""
    from weasyprint import HTML

    from reviewtui.exports.fetcher import TemplateOnlyFetcher

    root = tmp_path / "templates"
    root.mkdir()
    (root / "ok.css").write_text("p { color: #123456 }")
    (root / "link.css").symlink_to(secret)
    (root / "sub").mkdir()
    fetcher = TemplateOnlyFetcher(root)
    hostile_html = f"""<html><head>
      <link rel=stylesheet href="ok.css">
      <link rel=stylesheet href="link.css">
      <link rel=stylesheet href="sub/../../outside/{secret.name}">
      <link rel=stylesheet href="{http_server}/x.css">
      <link rel=attachment href="file://{secret}">
      <link rel=attachment href="%2e%2e/{secret.parent.name}/{secret.name}">
      <style>@import url("file://{secret}"); body {{ background: url({http_server}/bg.png) }}</style>
      </head><body><p>hello</p><img src="file://{secret}"><img src="{http_server}/i.png">
      <img src="file://localhost{secret}"><img src="ftp://127.0.0.1/x">
      <img src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>">
      <a rel=attachment href="file://{secret}">a</a></body></html>"""
    out = HTML(string=hostile_html, base_url=root.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    read = ReadPdf(out)
    assert read.attachments == {}
    assert SECRET.encode() not in out and SECRET not in read.text
    assert _Counting.hits == []
    assert [Path(p).name for p in fetcher.served if p != "data:"] == ["ok.css"]
    assert "data:" in fetcher.served
    refused = " ".join(fetcher.refused)
    assert "link.css" in refused and "http://127.0.0.1" in refused and "ftp://" in refused
    assert str(secret) in refused
