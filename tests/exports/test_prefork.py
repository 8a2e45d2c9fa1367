"""The forked PDF renderer of the CLI, exercised in a real process of its own."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from reviewtui.domain import minutes as dm


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_forked_renderer_makes_the_same_pdf_and_reaps_its_child(demo, tmp_path) -> None:
    from tests.exports.conftest import ReadPdf, meeting_id, view

    v = view(demo, meeting_id(demo, status="signed_off", vendor="Northwind Service Desk"))
    src = tmp_path / "minutes.json"
    src.write_bytes(v.content)
    out = tmp_path / "out.pdf"
    done = _run(f"""
        import os
        from datetime import datetime, UTC
        from pathlib import Path
        from reviewtui.domain import minutes as dm
        from reviewtui.exports.prefork import PdfRenderer
        with PdfRenderer() as r:
            assert r.forked
            child = r._pid
            data = r.render(dm.load(Path({str(src)!r}).read_bytes()), page_size="A4",
                            generated_at=datetime(2026, 11, 28, 9, tzinfo=UTC))
        Path({str(out)!r}).write_bytes(data)
        try:
            os.kill(child, 0)
            print("child still there")
        except ProcessLookupError:
            print("child reaped")
    """)
    assert done.returncode == 0, done.stderr
    assert "child reaped" in done.stdout
    read = ReadPdf(out.read_bytes())
    assert read.attachments == {"minutes.json": [v.content]}
    assert f"SHA-256 of the minutes: {dm.sha256_hex(v.content)}" in read.text


def test_an_unused_child_exits_when_the_parent_gives_up() -> None:
    done = _run("""
        import os
        from reviewtui.exports.prefork import PdfRenderer
        r = PdfRenderer()
        child = r._pid
        r.close()  # e.g. the meeting was not found
        try:
            os.kill(child, 0)
            print("child still there")
        except ProcessLookupError:
            print("child reaped")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "child reaped"


def test_a_failing_render_is_reported_in_the_parent() -> None:
    done = _run("""
        from datetime import datetime, UTC
        from reviewtui.exports.prefork import PdfRenderer
        with PdfRenderer() as r:
            try:
                r.render({"schema": "wrong"}, page_size="A4", generated_at=datetime.now(UTC))
            except RuntimeError as exc:
                print("raised:", exc)
    """)
    assert done.returncode == 0, done.stderr
    assert "raised: PDF rendering failed: ValueError: not reviewtui minutes" in done.stdout


def test_the_cli_start_up_does_not_import_heavy_libraries() -> None:
    done = _run("""
        import sys
        import reviewtui.cli.group
        heavy = [m for m in ("weasyprint", "jinja2", "pypdf", "sqlalchemy", "textual")
                 if m in sys.modules]
        print(heavy)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_an_early_renderer_is_taken_once_or_stopped_at_once() -> None:
    done = _run("""
        import os, time
        from reviewtui.exports import prefork
        prefork.start_early()
        early = prefork._early
        assert early is not None and early.forked
        assert prefork.take_renderer() is early      # the command takes it, once
        again = prefork.take_renderer()
        assert again is not early and again.forked   # later exports fork their own
        again.close()
        early.close()
        prefork.start_early()
        child = prefork._early._pid
        t = time.monotonic()
        prefork.discard_early()                      # an HTML export: not kept waiting
        print(round(time.monotonic() - t, 3) < 0.3)
        try:
            os.kill(child, 0)
            print("child still there")
        except ProcessLookupError:
            print("child gone")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "child", "gone"]


def test_the_entry_point_forks_early_only_for_minutes_exports() -> None:
    from reviewtui.launch import exports_minutes

    assert exports_minutes(["--db", "x.db", "export", "minutes", "3", "-o", "m.pdf"])
    assert exports_minutes(["export", "minutes", "3", "--format", "html"])  # the command discards
    assert not exports_minutes(["export", "minutes", "--help"])
    assert not exports_minutes(["export"])
    assert not exports_minutes(["minutes", "export"])
    assert not exports_minutes(["vendors"])


def test_an_html_export_through_the_entry_point(demo, tmp_path) -> None:
    import shutil

    from tests.exports.conftest import meeting_id

    mid = meeting_id(demo, status="signed_off", vendor="Northwind Service Desk")
    out = tmp_path / "m.html"
    exe = shutil.which("reviewtui")
    assert exe is not None
    done = subprocess.run(
        [exe, "--db", demo.url, "export", "minutes", str(mid), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
