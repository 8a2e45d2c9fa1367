"""Every text option and argument of every command checked the same way, before the command runs.

One-line fields (names, titles, owners, vendors) refuse control characters; multi-line fields
(``--note``, ``--reason``, ``--scope``) keep newlines and tabs; search text has a length limit;
dates outside the documented range are refused. A bad value is a usage error (exit 2, as click
reports it, the option named), like every other bad option value: see docs/scripting.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from reviewtui.domain import text as text_rules

# Parameters holding text that may span lines.
MULTILINE = frozenset({"note", "reason", "scope"})
# Paths and URLs: the file system's business, not ours.
NOT_TEXT = frozenset({"db", "file", "dest", "src", "output"})
MAX_LENGTH = {"search": text_rules.MAX_SEARCH}


def check_value(name: str, value: str) -> str | None:
    """What is wrong with ``value`` given for the parameter ``name``, or None."""
    if name in MULTILINE:
        problem = text_rules.block_problem(value)
    else:
        problem = text_rules.line_problem(value)
    if problem is None and name in MAX_LENGTH and len(value) > MAX_LENGTH[name]:
        problem = f"is {len(value)} characters long; at most {MAX_LENGTH[name]}"
    return problem


def _check_one(param: click.Parameter, value: Any) -> None:
    name = param.name or ""
    if isinstance(value, str) and name not in NOT_TEXT:
        problem = check_value(name, value)
        if problem is not None:
            raise click.BadParameter(problem, param=param)
    if isinstance(value, datetime | date):
        d = value.date() if isinstance(value, datetime) else value
        problem = text_rules.date_problem(d)
        if problem is not None:
            raise click.BadParameter(problem, param=param)
    if name == "due" and isinstance(value, str):
        from reviewtui.domain import actions as rules
        from reviewtui.domain import clock

        try:
            rules.parse_due(value, today=clock.today())
        except rules.DueDateError as exc:
            raise click.BadParameter(str(exc), param=param) from None


def _wrap(param: click.Parameter) -> None:
    inner = param.callback

    def checked(ctx: click.Context, p: click.Parameter, value: Any) -> Any:
        for v in value if isinstance(value, tuple | list) else (value,):
            _check_one(p, v)
        return inner(ctx, p, value) if inner is not None else value

    param.callback = checked


def guard(cmd: click.Command) -> None:
    """Give every parameter of ``cmd`` (and, for a group, of its commands) the checks above."""
    for param in cmd.params:
        if getattr(param, "is_flag", False) or isinstance(param.type, click.types.BoolParamType):
            continue
        _wrap(param)
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            guard(sub)
