"""The minutes as Markdown: the TUI preview and ``--format md``.

Every piece of user text is escaped, so that a note holding ``[x](file:///etc/passwd)``,
``<img ...>`` or ``# heading`` shows those characters instead of becoming a link, HTML or a
heading, and control characters (an ESC sequence stored in a name) show as visible stand-ins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reviewtui.domain.text import printable
from reviewtui.exports import present

_INLINE = re.compile(r"([\\`*_\[\]<>#|~!&])")
_LINE_START = re.compile(r"^(\s*)([-+=>])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def _inert(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line)
    line = _ORDERED.sub(lambda m: m[1] + "\\" + m[2], line)
    return _LINE_START.sub(lambda m: m[1] + "\\" + m[2], line)


def md(text: Any) -> str:
    """User text made inert in Markdown (one line: newlines become spaces)."""
    return _inert(" ".join(printable(text).split()))


def md_block(text: str) -> str:
    """Multi-line user text: each line escaped, line breaks kept."""
    lines = [ln.rstrip() for ln in printable(text).splitlines()]
    out = []
    for ln in lines:
        if not ln.strip():
            out.append("")
            continue
        out.append(_inert(ln.strip()) + "  ")
    return "\n".join(out).strip()


def cell(text: Any) -> str:
    return md(text) if str(text) else " "


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return out


def render(doc: Mapping[str, Any], *, sha256: str, generated_at: datetime | None = None) -> str:
    """The minutes document as Markdown text."""
    c = present.context(doc, sha256=sha256, generated_at=generated_at)
    out: list[str] = [f"# {md(c['heading'])}", "", f"**{md(c['subheading'])}**", ""]
    if not c["signed_off"]:
        out += ["> **DRAFT**: not signed off. " + _missing(c), ""]
    else:
        out += [f"> {md(c['status_text'])} · revision {c['revision']}", ""]
    for k, v in c["facts"]:
        out.append(f"- **{k}:** {md(v)}")
    out.append("")
    out += _amendment(doc)

    out += ["## Attendance", ""]
    rows = [
        [c["side_labels"][a["side"]], a["name"], a["organisation"], a["role"], a["status"]]
        for side in ("client", "vendor")
        for a in c["attendance"][side]
    ]
    out += (
        _table(["Side", "Name", "Organisation", "Role", "Attendance"], rows)
        if rows
        else ["No attendance recorded."]
    )
    out.append("")

    out += ["## Agenda, notes and outcomes", ""]
    if not c["agenda"]:
        out += ["No agenda items.", ""]
    for item in c["agenda"]:
        out += [f"### {item['position']}. {md(item['title'])}", ""]
        if item["notes"].strip():
            out += [md_block(item["notes"]), ""]
        for o in item["outcomes"]:
            tag = f"- **{c['outcome_labels'].get(o['kind'], md(o['kind']))}:** "
            a = o.get("action")
            if a:  # the action as it stands, once (its outcome text repeats what it was raised as)
                line = (
                    tag + f"{md(a['title'])} (owner {md(a['owner'] or '—')}; due {a['due_date']})"
                )
            else:
                line = tag + md(o["text"])
            out.append(line)
        if item["outcomes"]:
            out.append("")

    out += ["## Scorecard", ""]
    sc = c["scorecard"]
    if c["kpis"]:
        out += [
            f"Period {md(sc.get('period') or '—')}: overall score **{c['score']}**, "
            f"{c['score_label']}.",
            "",
        ]
        rows = [
            [k["kpi"] + (f" ({k['own_period']})" if k["own_period"] else ""), k["target"], k["actual"], k["gap"], f"{k['mark']} {k['status_label']}",
             k["trend"], k["discrepancy"] or ""]
            for k in c["kpis"]
        ]  # fmt: skip
        out += _table(["KPI", "Target", "Actual", "Gap", "RAG", "Trend", "Discrepancy"], rows)
        out.append("")
        missed = {k["kpi"]: k for k in present.dm.missed_kpis(doc)}
        if missed:
            out += ["Trend of the KPIs that missed (oldest to newest):", ""]
            for name, k in missed.items():
                values = [h["actual"] for h in k["history"]]
                out.append(
                    f"- {md(name)}: `{present.sparkline(values)}` "
                    f"{md(present.num(values[-1] if values else None, k['unit']))} "
                    f"against {md(present.num(k['target'], k['unit']))}"
                )
            out.append("")
    else:
        out += ["No KPIs.", ""]

    out += ["## Corrective actions", ""]
    if not c["actions"]:
        out += ["No corrective actions.", ""]
    for _cat, label, items in c["actions"]:
        out += [f"### {label} ({len(items)})", ""]
        rows = [
            [a["title"], a["owner"] or "—", a["due_date"], a["priority"],
             present.enums.label(a["status"]), a["last_note"]]
            for a in items
        ]  # fmt: skip
        out += _table(["Action", "Owner", "Due", "Priority", "Status", "Latest note"], rows)
        out.append("")

    out += ["## Feedback", ""]
    any_fb = False
    for d, items in c["feedback"].items():
        if not items:
            continue
        any_fb = True
        out += [f"### {md(c['direction_labels'][d])}", ""]
        for f in items:
            rating = f" ({f['rating']}/5)" if f.get("rating") is not None else ""
            by = f" — {md(f['given_by'])}" if f.get("given_by") else ""
            out.append(f"- **{md(f['category'])}**{rating}: {md(f['text'])}{by}")
        out.append("")
    if not any_fb:
        out += ["No feedback recorded.", ""]

    out += ["## Escalations raised", ""]
    if c["escalations"]:
        for e in c["escalations"]:
            kpi = f" ({md(e['kpi'])})" if e.get("kpi") else ""
            out.append(
                f"- Level {e['level']}{kpi}, {md(e['status'])}, raised "
                f"{present.when(e['raised_at'])}: {md(e['reason'])}"
            )
        out.append("")
    else:
        out += ["None.", ""]

    out += ["## Next meeting", "", md(c["next_meeting"]), ""]

    out += ["## Sign-off", ""]
    if c["signatories"]:
        rows = [
            [present.SIDE_LABELS.get(s["side"], s["side"]), s["name"], s["organisation"],
             s["role"], c["method_labels"].get(s["method"], s["method"]),
             present.when(s["signed_at"])]
            for s in c["signatories"]
        ]  # fmt: skip
        out += _table(["Side", "Name", "Organisation", "Role", "How", "Signed"], rows)
    else:
        out.append("No signatures yet.")
    out.append("")
    if c["signed_off"]:
        out.append(f"{md(c['status_text'])}.")
    else:
        out.append("**DRAFT**: " + _missing(c))
    out += ["", f"SHA-256 of the minutes: `{sha256}`", ""]
    return printable("\n".join(out))  # a last net for any value not passed through md()


def _amendment(doc: Mapping[str, Any]) -> list[str]:
    a = doc.get("amendment")
    if not a:
        return []
    sup = a["supersedes"]
    out = [
        "## Amendment",
        "",
        f"Revision {doc['meeting']['revision']} amends revision {sup['revision']}, whose "
        f"minutes had SHA-256 `{sup['sha256']}`.",
        "",
        f"**Reason:** {md(a['reason'])}",
        "",
    ]
    if a["changes"]:
        out += ["What changed:", ""] + [f"- {md(line)}" for line in a["changes"]] + [""]
    else:
        out += [f"Nothing changed yet against revision {sup['revision']}.", ""]
    return out


def _missing(c: dict) -> str:
    if c["missing_sides"]:
        return "Needs a signatory from: " + ", ".join(c["missing_sides"]).lower() + " side."
    return "Not signed off."
