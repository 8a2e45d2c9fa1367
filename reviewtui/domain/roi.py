"""Return on outsourcing: the contract's annual cost against the in-house baseline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Roi:
    """Annual savings (baseline - contract) and ROI % (savings / contract cost x 100)."""

    baseline: float
    contract: float
    savings: float
    roi_pct: float | None


def roi(baseline: float | None, contract: float | None) -> Roi | None:
    """None when either cost is unknown; ``roi_pct`` None when the contract costs nothing."""
    if baseline is None or contract is None:
        return None
    savings = baseline - contract
    pct = None if contract == 0 else round(savings / contract * 100, 1)
    return Roi(baseline, contract, savings, pct)
