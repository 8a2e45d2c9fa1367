"""Pure rules with no I/O: periods, dates, gap analysis, minutes, escalation."""
