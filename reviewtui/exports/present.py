"""What the minutes look like on paper: labels, formatted numbers and times, chart geometry.

Shared by the Markdown, HTML and PDF exports so that they say the same thing the same way.
Works from the minutes document alone (see :mod:`reviewtui.domain.minutes`); no escaping
happens here (each renderer escapes for its own format).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reviewtui.domain import enums
from reviewtui.domain import minutes as dm
from reviewtui.domain import scorecard as rules
from reviewtui.domain.figures import figure

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "no data": "No data"}
RAG_MARKS = {"green": "●", "amber": "▲", "red": "■", "no data": "○"}
TREND_LABELS = {
    "improving": "↑ improving",
    "worsening": "↓ worsening",
    "flat": "→ flat",
    "new": "• new",
    None: "—",
}
CATEGORY_LABELS = {
    "new": "New",
    "progressed": "Progressed",
    "closed": "Closed",
    "carried": "Carried over",
    "overdue": "Overdue",
}
OUTCOME_LABELS = {
    "information": "Information",
    "decision": "Decision",
    "action": "Action",
    "parked": "Parked",
}
SIDE_LABELS = {"client": "Client", "vendor": "Vendor"}
DIRECTION_LABELS = {"client_to_vendor": "Client → vendor", "vendor_to_client": "Vendor → client"}
METHOD_LABELS = {
    "in_meeting": "in the meeting",
    "typed": "typed",
    "written": "written acknowledgement",
}
# Minutes longer than this get a printed table of contents (the PDF outline is always there).
LONG_AGENDA, LONG_KPIS, LONG_ACTIONS = 10, 12, 20


def when(text: str | None, with_time: bool = True) -> str:
    """A document timestamp in the local time zone, e.g. ``2026-10-24 10:02 UTC``."""
    dt = dm.parse_iso(text)
    if dt is None:
        return "—"
    local = dt.astimezone()
    return local.strftime("%Y-%m-%d %H:%M %Z").strip() if with_time else f"{local:%Y-%m-%d}"


#: A measured value with its unit: ``96.3%``, ``15 min``, ``1,240 PPM``; ``—`` if none.
num = figure


def signed(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + num(abs(value), unit)


def rag(status: str | None) -> str:
    return RAG_LABELS.get(status or "no data", status or "")


def kpi_row(k: Mapping[str, Any], as_at: str | None = None) -> dict[str, Any]:
    """A scorecard line ready to print; ``own_period`` names the KPI's period when it is not
    the scorecard's ``as_at`` (a quarterly KPI in a monthly review)."""
    unit = k.get("unit", "")
    threshold = k.get("threshold")
    disc = ""
    if k.get("discrepancy"):
        disc = (
            f"vendor {num(k.get('vendor_value'), unit)} vs independent "
            f"{num(k.get('independent_value'), unit)} ({signed(k.get('discrepancy_pct'), '%')})"
        )
    own = k.get("period")
    return {
        "kpi": k["kpi"],
        "own_period": own if own and own != as_at else "",
        "unit": unit,
        "target": ("≥ " if k.get("direction") == "higher" else "≤ ") + num(k.get("target"), unit),
        "threshold": num(threshold, unit) if threshold is not None else "—",
        "actual": num(k.get("actual"), unit),
        "source": k.get("source") or "",
        "gap": signed(k.get("gap"), unit),
        "status": k.get("status") or "no data",
        "status_label": rag(k.get("status")),
        "mark": RAG_MARKS.get(k.get("status") or "no data", ""),
        "trend": TREND_LABELS.get(k.get("trend"), k.get("trend") or "—"),
        "discrepancy": disc,
        "escalate": bool(k.get("escalate")),
        "misses": k.get("consecutive_misses", 0),
    }


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    status: str
    label: str


@dataclass(frozen=True)
class Chart:
    """An SVG trend chart's geometry (numbers only; the template draws it and escapes text)."""

    kpi: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    line: str
    points: tuple[ChartPoint, ...]
    target_y: float
    threshold_y: float | None
    high_y: float
    low_y: float
    high_label: str
    low_label: str
    first_label: str
    last_label: str
    summary: str


def chart(k: Mapping[str, Any], width: int = 300, height: int = 110) -> Chart | None:
    """The trend of a KPI over its last periods, with the target (and amber threshold) lines."""
    history = [h for h in k.get("history", []) if h.get("actual") is not None]
    if not history:
        return None
    unit = k.get("unit", "")
    target = float(k["target"])
    threshold = k.get("threshold")
    values = [float(h["actual"]) for h in history]
    lo = min([*values, target] + ([float(threshold)] if threshold is not None else []))
    hi = max([*values, target] + ([float(threshold)] if threshold is not None else []))
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    pad = (hi - lo) * 0.12
    lo, hi = lo - pad, hi + pad
    left, right, top, bottom = 46.0, width - 8.0, 8.0, height - 18.0

    def y_of(v: float) -> float:
        return round(bottom - (v - lo) / (hi - lo) * (bottom - top), 2)

    n = len(values)
    step = (right - left) / (n - 1) if n > 1 else 0.0
    pts = []
    for i, (h, v) in enumerate(zip(history, values, strict=True)):
        x = round(left + i * step if n > 1 else (left + right) / 2, 2)
        st = rules.status(k.get("direction", "higher"), v, target, threshold)
        pts.append(ChartPoint(x, y_of(v), st, f"{h['period']}: {num(v, unit)} ({rag(st)})"))
    first, last = history[0]["period"], history[-1]["period"]
    return Chart(
        kpi=k["kpi"],
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        line=" ".join(f"{p.x},{p.y}" for p in pts),
        points=tuple(pts),
        target_y=y_of(target),
        threshold_y=y_of(float(threshold)) if threshold is not None else None,
        high_y=y_of(max(values)),
        low_y=y_of(min(values)),
        high_label=num(max(values), unit),
        low_label=num(min(values), unit),
        first_label=first,
        last_label=last,
        summary=(
            f"{first} to {last}: {num(values[0], unit)} → {num(values[-1], unit)}; "
            f"target {num(target, unit)}"
        ),
    )


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[3] * len(values)
    return "".join(SPARK[int((v - lo) / (hi - lo) * (len(SPARK) - 1))] for v in values)


def is_long(doc: Mapping[str, Any]) -> bool:
    """Long minutes get a printed table of contents."""
    kpis = (doc.get("scorecard") or {}).get("kpis", [])
    return (
        len(doc.get("agenda", [])) > LONG_AGENDA
        or len(kpis) > LONG_KPIS
        or len(doc.get("actions", [])) > LONG_ACTIONS
    )


def context(
    doc: Mapping[str, Any], *, sha256: str, generated_at: datetime | None = None
) -> dict[str, Any]:
    """Everything a renderer needs, formatted; user text is left as it is, to be escaped."""
    mt = doc["meeting"]
    vendor = doc["vendor"]
    type_label = enums.label(mt["type"])
    kind = (
        "Quarterly business review"
        if mt["type"] == "qbr"
        else ("Monthly review" if mt["type"] == "monthly" else "Review meeting")
    )
    title = mt["title"] or kind
    date = when(mt["scheduled_at"], with_time=False)
    signed_off = dm.is_signed_off(doc)
    signatories = doc.get("signoff", {}).get("signatories", [])
    missing = [SIDE_LABELS[s] for s in enums.SIDES if s not in dm.sides_signed(signatories)]
    sc = doc.get("scorecard") or {}
    kpis = [kpi_row(k, sc.get("period")) for k in sc.get("kpis", [])]
    charts = [c for c in (chart(k) for k in dm.missed_kpis(doc)) if c is not None]
    grouped = dm.actions_by_category(doc)
    actions = [
        (cat, CATEGORY_LABELS[cat], grouped[cat]) for cat in dm.ACTION_CATEGORIES if grouped[cat]
    ]
    feedback = {
        d: [f for f in doc.get("feedback", []) if f["direction"] == d]
        for d in enums.FEEDBACK_DIRECTIONS
    }
    attendance = {s: [a for a in doc.get("attendance", []) if a["side"] == s] for s in enums.SIDES}
    nxt = doc.get("next_meeting")
    time_range = when(mt["started_at"] or mt["scheduled_at"])
    if mt.get("ended_at"):
        time_range += f" to {when(mt['ended_at'])[11:]}"
    sections = [
        ("attendance", "Attendance"),
        ("agenda", "Agenda, notes and outcomes"),
        ("scorecard", "Scorecard"),
        ("actions", "Corrective actions"),
        ("feedback", "Feedback"),
        ("escalations", "Escalations raised"),
        ("next-meeting", "Next meeting"),
        ("signoff", "Sign-off"),
    ]
    return {
        "doc": doc,
        "sha256": sha256,
        "signed_off": signed_off,
        "status_text": (
            f"Signed off {when(doc['signoff']['signed_off_at'])}"
            if signed_off
            else "Draft: not signed off"
        ),
        "revision": mt["revision"],
        "vendor": vendor["name"],
        "service": vendor.get("service", ""),
        "title": title,
        "date": date,
        "heading": f"Minutes: {vendor['name']}",
        "subheading": f"{title}, {date}",
        "document_title": f"Minutes: {vendor['name']}, {title}, {date} (revision {mt['revision']})",
        "facts": [
            ("Vendor", vendor["name"]),
            ("Meeting", f"{title} ({type_label})"),
            ("Date and time", time_range),
            ("Place", mt["location"] or "—"),
            ("Facilitator", mt["facilitator"] or "—"),
            ("Scorecard period", sc.get("period") or "—"),
            ("Revision", str(mt["revision"])),
        ],
        "attendance": attendance,
        "side_labels": SIDE_LABELS,
        "attendance_label": {"present": "present", "absent": "absent", "apologies": "apologies"},
        "agenda": doc.get("agenda", []),
        "outcome_labels": OUTCOME_LABELS,
        "scorecard": sc,
        "score": num(sc.get("score")) if sc.get("score") is not None else "—",
        "score_status": sc.get("status") or "no data",
        "score_label": rag(sc.get("status")),
        "kpis": kpis,
        "charts": charts,
        "actions": actions,
        "category_labels": CATEGORY_LABELS,
        "feedback": feedback,
        "direction_labels": DIRECTION_LABELS,
        "escalations": doc.get("escalations", []),
        "next_meeting": (
            f"{when(nxt['scheduled_at'])}" + (f", {nxt['location']}" if nxt.get("location") else "")
            if nxt
            else "Not yet scheduled"
        ),
        "signatories": signatories,
        "method_labels": METHOD_LABELS,
        "missing_sides": missing,
        "sections": sections,
        "long": is_long(doc),
        "generated_at": when(dm.iso(generated_at)) if generated_at else "",
        "when": when,
        "num": num,
        "label": enums.label,
    }
