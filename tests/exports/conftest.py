"""Export fixtures: demo minutes rendered once per module, and ways to read PDFs back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW


def pdftotext(data: bytes) -> list[str]:
    """Poppler's text of each page (a second opinion next to pypdf)."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is needed by the export tests: apt install poppler-utils"
    out = subprocess.run([exe, "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def flat(text: str) -> str:
    """Whitespace collapsed, so that wrapped table cells read as one line."""
    return " ".join(text.split())


@dataclass
class ReadPdf:
    data: bytes

    def __post_init__(self) -> None:
        from pypdf import PdfReader

        self.reader = PdfReader(io.BytesIO(self.data))
        self.pages = [p.extract_text() or "" for p in self.reader.pages]
        self.text = flat("\n".join(self.pages))

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)

    @property
    def attachments(self) -> dict[str, list[bytes]]:
        return {k: list(v) for k, v in self.reader.attachments.items()}

    @property
    def xmp(self) -> str:
        return self.reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")

    def pdfa(self) -> tuple[str | None, str | None]:
        part = re.search(r'pdfaid:part(?:="|>)(\d)', self.xmp)
        conf = re.search(r'pdfaid:conformance(?:="|>)([A-Za-z])', self.xmp)
        return (part and part[1], conf and conf[1])


@pytest.fixture(scope="module")
def frozen_clock():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEWTUI_NOW", FROZEN_NOW)
        mp.setenv("TZ", "UTC")
        yield


@pytest.fixture(scope="module")
def demo(tmp_path_factory, frozen_clock, demo_templates):
    """A demo database (SQLite) shared by a module's tests."""
    from reviewtui.db import open_database

    path = tmp_path_factory.mktemp("exports") / "demo.db"
    demo_templates.sqlite_into(path)
    db = open_database(str(path), user="tester")
    yield db
    db.dispose()


def meeting_id(db, *, status: str, vendor: str) -> int:
    from sqlalchemy import select

    from reviewtui.db import models as m

    with db.read() as s:
        return s.scalars(
            select(m.Meeting.id)
            .join(m.Vendor, m.Vendor.id == m.Meeting.vendor_id)
            .where(m.Vendor.name == vendor, m.Meeting.status == status)
            .order_by(m.Meeting.scheduled_at.desc())
        ).first()


def view(db, mid: int, revision: int | None = None):
    from reviewtui.db import minutes as minutes_q

    with db.read() as s:
        return minutes_q.get(mid, session=s, revision=revision)


def page_has(page: str, needle: str) -> bool:
    return needle in flat(page)


@pytest.fixture(scope="module")
def templates_dir() -> Path:
    from reviewtui.exports.html import TEMPLATES

    return TEMPLATES


def build_meeting(
    db,
    *,
    vendor: str,
    kpis: int = 3,
    items: int = 4,
    actions: int = 3,
    text: str = "",
    notes_lines: int = 2,
) -> int:
    """A vendor with one ended meeting: ``kpis`` KPIs (every third red), ``items`` agenda items
    with notes and outcomes, ``actions`` corrective actions in every state; ``text`` goes into
    every piece of user text. Returns the meeting id."""
    from datetime import date, datetime, timedelta

    from reviewtui.db import models as m
    from reviewtui.domain import clock, periods

    when = clock.aware(datetime(2026, 10, 20, 10, 0))
    with db.session() as s:
        v = m.Vendor(name=vendor, service=f"Service {text}")
        s.add(v)
        s.flush()
        for i in range(kpis):
            k = m.Kpi(vendor_id=v.id, name=f"KPI {i + 1} {text}".strip(), unit="%",
                      direction="higher", target=95, threshold=90, weight=1)  # fmt: skip
            s.add(k)
            s.flush()
            for j, p in enumerate(periods.last_n("2026-09", 12)):
                value = 96.0 + (j % 3) if i % 3 else 85.0 + j / 2
                s.add(m.Measurement(kpi_id=k.id, period=p, value=value))
        mt = m.Meeting(vendor_id=v.id, type="qbr", title=f"QBR {text}".strip(), scheduled_at=when,
                       started_at=when, ended_at=when + timedelta(minutes=90), status="ended",
                       facilitator=f"Facilitator {text}".strip(), location=f"Room {text}".strip(),
                       period="2026-09")  # fmt: skip
        s.add(mt)
        s.flush()
        for side in ("client", "vendor"):
            s.add(m.Attendance(meeting_id=mt.id, side=side, name=f"{side.title()} Person {text}",
                               organisation=f"Org {text}", role=f"Role {text}"))  # fmt: skip
        for i in range(items):
            lines = [f"Note line {n + 1} of item {i + 1}: {text}" for n in range(notes_lines)]
            item = m.AgendaItem(meeting_id=mt.id, position=i + 1, title=f"Item {i + 1} {text}",
                                notes="\n".join(lines))  # fmt: skip
            s.add(item)
            s.flush()
            s.add(m.Outcome(agenda_item_id=item.id, kind=("decision", "information", "parked")[i % 3],
                            text=f"Outcome {i + 1} {text}"))  # fmt: skip
        statuses = ("open", "in_progress", "done", "open")
        for i in range(actions):
            status = statuses[i % 4]
            due = date(2026, 10, 1) + timedelta(days=(i % 60) - 10)
            a = m.Action(vendor_id=v.id, meeting_id=mt.id if i % 5 == 0 else None,
                         title=f"Action {i + 1} {text}", owner=f"Owner {text}", due_date=due,
                         status=status, created_at=when - timedelta(days=20),
                         closed_at=when - timedelta(days=2) if status == "done" else None)  # fmt: skip
            s.add(a)
            s.flush()
            s.add(
                m.ActionNote(action_id=a.id, at=when - timedelta(days=5), text=f"Progress {text}")
            )
        s.add(m.Feedback(vendor_id=v.id, meeting_id=mt.id, direction="vendor_to_client",
                         category="concern", rating=2, text=f"Feedback {text}"))  # fmt: skip
        s.add(m.Escalation(vendor_id=v.id, level=1, reason=f"Escalation {text}", meeting_id=mt.id,
                           raised_at=when + timedelta(minutes=30)))  # fmt: skip
        return mt.id
