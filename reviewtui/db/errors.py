"""Errors a user can cause, raised by the data layer and told to the user in place."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: bad input, not found, a locked record. Exit code 1."""


class NotFound(UserError):
    """A named record does not exist."""


class ReadOnly(UserError):
    """The record is frozen (signed-off minutes) or the session may not write."""


class Conflict(UserError):
    """Someone else saved a newer version of the record first."""


def storage_problem(exc: BaseException) -> str | None:
    """What a database error the user can fix means, in words (None: not one of those).

    Looked up by message, so that callers need not import SQLAlchemy or the drivers.
    """
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "readonly database" in text or "read-only file system" in text:
        return "is read-only (file or folder permissions): nothing was changed"
    if "database disk image is malformed" in text or "file is not a database" in text:
        return "is not a readable reviewtui database (damaged, or another kind of file)"
    return None
