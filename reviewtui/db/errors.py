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
