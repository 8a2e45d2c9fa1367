"""What an amendment changed: revision n+1 of the minutes compared with revision n.

The lines go into the amended minutes (``amendment.changes``), so that whoever reads revision
n+1 sees why it exists (the reason), which signed document it replaces (its SHA-256) and what
is different, without having to lay the two PDFs side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reviewtui.domain import enums

_MEETING_FIELDS = (
    ("title", "title"),
    ("type", "type"),
    ("scheduled_at", "scheduled time"),
    ("started_at", "start"),
    ("ended_at", "end"),
    ("location", "place"),
    ("facilitator", "facilitator"),
    ("period", "scorecard period"),
)


def _q(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return f"“{text[:120]}”"


def _by(items: list[Mapping[str, Any]], *keys: str) -> dict[tuple[Any, ...], Mapping[str, Any]]:
    return {tuple(i.get(k) for k in keys): i for i in items}


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Readable lines naming each difference between two minutes documents."""
    out: list[str] = []
    om, nm = old.get("meeting") or {}, new.get("meeting") or {}
    for key, label in _MEETING_FIELDS:
        if om.get(key) != nm.get(key):
            out.append(f"Meeting {label}: {_q(om.get(key))} → {_q(nm.get(key))}")

    oa = _by(old.get("attendance") or [], "side", "name")
    na = _by(new.get("attendance") or [], "side", "name")
    for k in sorted(set(na) - set(oa), key=str):
        out.append(f"Attendance: {_q(k[1])} ({k[0]}) added")
    for k in sorted(set(oa) - set(na), key=str):
        out.append(f"Attendance: {_q(k[1])} ({k[0]}) removed")
    for k in sorted(set(oa) & set(na), key=str):
        if oa[k] != na[k]:
            out.append(f"Attendance: {_q(k[1])} ({k[0]}) changed")

    oi = {i["position"]: i for i in old.get("agenda") or []}
    ni = {i["position"]: i for i in new.get("agenda") or []}
    for pos in sorted(set(oi) | set(ni)):
        a, b = oi.get(pos), ni.get(pos)
        if a is None and b is not None:
            out.append(f"Agenda item {pos} {_q(b['title'])} added")
        elif b is None and a is not None:
            out.append(f"Agenda item {pos} {_q(a['title'])} removed")
        elif a is not None and b is not None:
            if a.get("title") != b.get("title"):
                out.append(f"Agenda item {pos}: title {_q(a['title'])} → {_q(b['title'])}")
            if a.get("notes") != b.get("notes"):
                out.append(f"Agenda item {pos} {_q(b['title'])}: notes changed")
            if a.get("outcomes") != b.get("outcomes"):
                out.append(f"Agenda item {pos} {_q(b['title'])}: outcomes changed")

    if (old.get("scorecard") or {}) != (new.get("scorecard") or {}):
        os_, ns = old.get("scorecard") or {}, new.get("scorecard") or {}
        out.append(f"Scorecard: score {_q(os_.get('score'))} → {_q(ns.get('score'))}")

    oac = {a["id"]: a for a in old.get("actions") or []}
    nac = {a["id"]: a for a in new.get("actions") or []}
    for aid in sorted(set(nac) - set(oac)):
        out.append(f"Action {_q(nac[aid]['title'])} added")
    for aid in sorted(set(oac) - set(nac)):
        out.append(f"Action {_q(oac[aid]['title'])} no longer listed")
    for aid in sorted(set(oac) & set(nac)):
        a, b = oac[aid], nac[aid]
        if a == b:
            continue
        what = []
        for key in ("status", "owner", "due_date", "category"):
            if a.get(key) != b.get(key):
                old_v, new_v = a.get(key), b.get(key)
                if key == "status":
                    old_v, new_v = enums.label(old_v or ""), enums.label(new_v or "")
                what.append(f"{key.replace('_', ' ')} {_q(old_v)} → {_q(new_v)}")
        rest = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        rest = [k for k in rest if k not in ("status", "owner", "due_date", "category")]
        if rest:
            what.append(", ".join(k.replace("_", " ") for k in rest) + " changed")
        out.append(f"Action {_q(b['title'])}: {'; '.join(what)}")

    for section, label in (("feedback", "Feedback"), ("escalations", "Escalations")):
        a, b = old.get(section) or [], new.get(section) or []
        if a != b:
            out.append(f"{label}: {len(a)} → {len(b)} entries" if len(a) != len(b) else
                       f"{label} changed")  # fmt: skip
    if old.get("next_meeting") != new.get("next_meeting"):
        out.append("Next meeting changed")
    return out
