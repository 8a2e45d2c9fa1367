"""docs/scorecard.md quotes the defaults the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from reviewtui.config import Settings
from reviewtui.domain.cadence import DEFAULT_CADENCE_MONTHS

DOC = (Path(__file__).parents[2] / "docs" / "scorecard.md").read_text(encoding="utf-8")


def test_thresholds_quoted_match_the_defaults() -> None:
    s = Settings()
    assert f"more than **{s.discrepancy_pct:g} %** (setting `discrepancy_pct`)" in DOC
    assert f"reaches **{s.escalate_after_misses}** (setting `escalate_after_misses`)" in DOC
    assert f"**green** at a score of **{s.vendor_green:g}** or more (setting `vendor_green`)" in DOC
    assert f"**amber** at\n**{s.vendor_amber:g}** or more (setting `vendor_amber`)" in DOC
    months = dict(
        re.findall(
            r"\*\*(\d+)\*\*(?: months?)? for (critical|standard|low)", DOC.replace("\n", " ")
        )
    )
    got = {v: int(k) for k, v in months.items()}
    assert got == s.cadence_months == DEFAULT_CADENCE_MONTHS


def test_the_as_at_table_is_what_the_code_does() -> None:
    """The examples of the "as at" rule in docs/scorecard.md are the code's answers."""
    from reviewtui.domain.periods import as_at

    section = DOC[DOC.index("| as at P |") :]
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \|$", section, re.M)
    assert len(rows) >= 6
    for given, monthly, quarterly, weekly in rows:
        got = (as_at(given, "monthly"), as_at(given, "quarterly"), as_at(given, "weekly"))
        assert got == (monthly, quarterly, weekly), given
