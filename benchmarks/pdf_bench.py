"""How long `reviewtui export minutes` takes, against the `weasyprint` command on the same HTML.

Run: ``uv run python benchmarks/pdf_bench.py [--runs N]``

Seeds the demo data into a temporary SQLite file, picks the demo's latest quarterly business
review, writes the exact HTML that reviewtui hands to WeasyPrint (and the minutes JSON), then
times, as new processes, alternately:

- ``reviewtui --db DEMO export minutes ID -o a.pdf`` (database, assembly, template, PDF/A-3b);
- ``weasyprint -u TEMPLATES/ --pdf-variant pdf/a-3b -a minutes.json minutes.html b.pdf``;
- the same pair for the demo's signed-off meeting, whose export is digitally signed (goal 1.5x);
- ``reviewtui --db DEMO verify`` of that signed PDF (goal at most 1.8 s).

One warm-up run each (not with the suite's ``--tiny``) writes the bytecode caches first
(PYTHONDONTWRITEBYTECODE is cleared for the children). Prints the median wall-clock and CPU (user+sys) seconds of each and their ratio;
the goal is a ratio of at most 1.3.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.3
SIGNED_GOAL = 1.5  # the digitally signed export of signed-off minutes
VERIFY_GOAL = 1.8  # seconds: `verify` of the signed demo minutes with the database


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    cpu0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, _children_cpu() - cpu0


def commands() -> tuple[str, str] | None:
    """The reviewtui and weasyprint commands of this environment."""
    bindir = Path(sys.executable).parent
    reviewtui = shutil.which("reviewtui", path=str(bindir)) or shutil.which("reviewtui")
    weasyprint = shutil.which("weasyprint", path=str(bindir)) or shutil.which("weasyprint")
    if not reviewtui or not weasyprint:
        return None
    return reviewtui, weasyprint


def measure(runs: int, db: str | None = None, *, warm: bool = True) -> dict:
    """Time both commands ``runs`` times each, alternately; returns the raw figures.

    ``db``: a database (path or URL) that already holds the demo data; default: a new SQLite
    file seeded here. ``warm``: one untimed run of each first (``--tiny`` skips it).
    """
    found = commands()
    if found is None:
        raise RuntimeError("needs the reviewtui and weasyprint commands (run with `uv run`)")
    reviewtui, weasyprint = found
    load_before = os.getloadavg()[0]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="reviewtui-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env["XDG_DATA_HOME"] = str(tmp / "data")
        env["XDG_CONFIG_HOME"] = str(tmp / "config")
        if db is None:
            db = str(tmp / "demo.db")
            subprocess.run(
                [reviewtui, "--db", db, "demo", "--seed-only"],
                check=True,
                env=env,
                capture_output=True,
            )

        from reviewtui.db import minutes as minutes_q
        from reviewtui.db import open_database
        from reviewtui.db import vendors as vendor_q
        from reviewtui.domain import clock
        from reviewtui.exports import html
        from reviewtui.exports.html import TEMPLATES

        database = open_database(db, user="bench")
        with database.read() as s:
            qbrs = [
                ref
                for v in vendor_q.list_vendors(session=s)
                for ref in minutes_q.vendor_meetings(v.id, session=s)
                if ref.type == "qbr" and ref.status != "planned"
            ]
            assert qbrs, "the demo data has no quarterly business review"
            chosen = max(qbrs, key=lambda r: r.scheduled_at)
            meeting_id, vendor = chosen.id, chosen.vendor
            view = minutes_q.get(meeting_id, session=s)
        database.dispose()
        page = html.render(
            view.document, sha256=view.sha256, for_pdf=True, generated_at=clock.now()
        )
        (tmp / "minutes.html").write_text(page, encoding="utf-8")
        (tmp / "minutes.json").write_bytes(view.content)

        ours = [
            reviewtui,
            "--db",
            str(db),
            "export",
            "minutes",
            str(meeting_id),
            "-o",
            str(tmp / "a.pdf"),
        ]
        theirs = [
            weasyprint,
            "-u",
            TEMPLATES.as_uri() + "/",
            "--pdf-variant",
            "pdf/a-3b",
            "-a",
            str(tmp / "minutes.json"),
            str(tmp / "minutes.html"),
            str(tmp / "b.pdf"),
        ]
        # The signed-off meeting: exported digitally signed with the demo's key, against the
        # same weasyprint command on its HTML (which carries the signature line too).
        signed_id, signed_html, signed_json = _signed_meeting(db)
        (tmp / "signed.html").write_text(signed_html, encoding="utf-8")
        (tmp / "signed.json").write_bytes(signed_json)
        ours_signed = [reviewtui, "--db", str(db), "export", "minutes", str(signed_id),
                       "-o", str(tmp / "c.pdf")]  # fmt: skip
        theirs_signed = [*theirs[:5], "-a", str(tmp / "signed.json"), str(tmp / "signed.html"),
                         str(tmp / "d.pdf")]  # fmt: skip
        verify = [reviewtui, "--db", str(db), "verify", str(tmp / "c.pdf")]
        if warm:
            for command in (ours, theirs, ours_signed, verify):
                _timed(command, env)
        results: dict[str, list[tuple[float, float]]] = {
            "reviewtui": [],
            "weasyprint": [],
            "signed": [],
            "weasyprint-signed": [],
            "verify": [],
        }
        for _ in range(runs):
            results["reviewtui"].append(_timed(ours, env))
            results["weasyprint"].append(_timed(theirs, env))
            results["signed"].append(_timed(ours_signed, env))
            results["weasyprint-signed"].append(_timed(theirs_signed, env))
            results["verify"].append(_timed(verify, env))
        sizes = {
            n: (tmp / f).stat().st_size
            for n, f in (
                ("reviewtui", "a.pdf"),
                ("weasyprint", "b.pdf"),
                ("signed", "c.pdf"),
                ("weasyprint-signed", "d.pdf"),
            )
        }
    return {
        "results": results,
        "sizes": sizes,
        "meeting_id": meeting_id,
        "signed_meeting_id": signed_id,
        "vendor": vendor,
        "load_before": load_before,
    }


def _signed_meeting(db: Path) -> tuple[int, str, bytes]:
    """The demo's signed-off meeting: its id, the HTML reviewtui renders for its signed PDF
    (signature line included), and its minutes JSON."""
    from sqlalchemy import select

    from reviewtui.db import certificates, open_database
    from reviewtui.db import minutes as minutes_q
    from reviewtui.db import models as m
    from reviewtui.domain import clock
    from reviewtui.exports import html, signing

    database = open_database(str(db), user="bench")
    with database.read() as s:
        mid = s.scalars(
            select(m.Meeting.id).where(m.Meeting.status == "signed_off").order_by(m.Meeting.id)
        ).first()
        assert mid is not None, "the demo data has no signed-off meeting"
        view = minutes_q.get(mid, session=s)
        key = signing.resolve_key({}, certificates.current_key(session=s))
    database.dispose()
    assert key is not None, "the demo database has no signing key (demo runs keys init)"
    now = clock.now()
    page = html.render(
        view.document,
        sha256=view.sha256,
        for_pdf=True,
        generated_at=now,
        signature=signing.line_for(key, now).as_context(),
    )
    return mid, page, view.content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    args = parser.parse_args()
    if commands() is None:
        print("needs the reviewtui and weasyprint commands (run with `uv run`)", file=sys.stderr)
        return 2
    got = measure(args.runs)
    results, sizes = got["results"], got["sizes"]
    meeting_id, vendor, load_before = got["meeting_id"], got["vendor"], got["load_before"]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print(
        f"minutes: meeting {meeting_id} ({vendor}, quarterly business review), {args.runs} runs each"
    )
    medians = {}
    for name, rows in results.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        medians[name] = (wall, cpu)
        print(
            f"{name:10s} wall median {wall:.2f} s (min {min(r[0] for r in rows):.2f}), "
            f"cpu median {cpu:.2f} s" + (f", PDF {sizes[name]:,} bytes" if name in sizes else "")
        )
    signed_ratio = medians["signed"][0] / medians["weasyprint-signed"][0]
    print(
        f"signed export (meeting {got['signed_meeting_id']}) / weasyprint: wall "
        f"{signed_ratio:.2f}x (goal at most {SIGNED_GOAL}x: "
        f"{'met' if signed_ratio <= SIGNED_GOAL else 'NOT met'}); verify with the database "
        f"{medians['verify'][0]:.2f} s (goal at most {VERIFY_GOAL} s)"
    )
    wall_ratio = medians["reviewtui"][0] / medians["weasyprint"][0]
    cpu_ratio = medians["reviewtui"][1] / medians["weasyprint"][1]
    verdict = "met" if wall_ratio <= GOAL else "NOT met"
    print(
        f"ratio reviewtui / weasyprint: wall {wall_ratio:.2f}x, cpu {cpu_ratio:.2f}x "
        f"(goal at most {GOAL}x wall: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
