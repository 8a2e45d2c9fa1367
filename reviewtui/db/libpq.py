"""Read-only queries on PostgreSQL straight through libpq (ctypes), for the start-up child.

``import psycopg`` costs the start-up child (:mod:`reviewtui.prefetch`) ~0.5 s before it sends
a single query: psycopg checks its binary package's version with ``importlib.metadata`` and
imports asyncio, typing_extensions and its error classes. ``import ctypes`` costs ~10 ms. The
child only needs to run a handful of SELECTs whose parameters are all cast in the SQL text
(``%(name)s::INTEGER``) and whose results are integers, floats, text, booleans, dates and timestamps, so it
talks to the libpq psycopg itself uses (the copy in the ``psycopg_binary`` wheel, else the
system's ``libpq.so.5``) with text parameters and text results, converted as psycopg converts
them.

Anything unexpected (no library, a failed connection or statement, a column type not listed in
:data:`CONVERTERS`) raises :class:`LibpqError`; the caller then returns None and the data layer
does the work (and reports the error in place).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path

CONNECTION_OK = 0
PGRES_COMMAND_OK = 1
PGRES_TUPLES_OK = 2

#: Text results by column type OID, converted to what psycopg returns for them.
CONVERTERS: dict[int, Callable[[str], object]] = {
    16: lambda s: s == "t",  # bool
    20: int,  # int8
    21: int,  # int2
    23: int,  # int4
    26: int,  # oid
    700: float,  # float4
    701: float,  # float8 (shortest exact text since PostgreSQL 12: float() round-trips)
    1700: Decimal,  # numeric
    25: str,  # text
    1043: str,  # varchar
    1042: str,  # bpchar
    19: str,  # name
    1082: date.fromisoformat,  # date (DateStyle ISO, set on the connection)
    1114: datetime.fromisoformat,  # timestamp without time zone
    # timestamptz, as ISO text in the session's TimeZone (the one psycopg would see too): the
    # same instant as psycopg's value, with a fixed offset for a tzinfo.
    1184: datetime.fromisoformat,
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


class LibpqError(Exception):
    """libpq could not be loaded, or a connection, statement or value failed."""


def _library() -> ctypes.CDLL:
    """The libpq psycopg's binary wheel ships (what psycopg itself runs on), else the system's."""
    candidates: list[str] = []
    spec = find_spec("psycopg_binary")
    if spec is not None and spec.origin:
        libs = Path(spec.origin).parent.parent / "psycopg_binary.libs"
        candidates += sorted(str(p) for p in libs.glob("libpq-*.so*"))
    candidates.append("libpq.so.5")
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(lib)
        return lib
    raise LibpqError("no libpq found")


def _declare(lib: ctypes.CDLL) -> None:
    p, s, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    for name, restype, argtypes in (
        ("PQconnectdbParams", p, [ctypes.POINTER(s), ctypes.POINTER(s), i]),
        ("PQstatus", i, [p]),
        ("PQerrorMessage", s, [p]),
        ("PQfinish", None, [p]),
        ("PQexecParams", p, [p, s, i, p, ctypes.POINTER(s), p, p, i]),
        ("PQresultStatus", i, [p]),
        ("PQresultErrorMessage", s, [p]),
        ("PQclear", None, [p]),
        ("PQntuples", i, [p]),
        ("PQnfields", i, [p]),
        ("PQftype", ctypes.c_uint, [p, i]),
        ("PQgetvalue", s, [p, i, i]),
        ("PQgetisnull", i, [p, i, i]),
    ):
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def numbered(sql: str) -> tuple[str, list[str]]:
    """``%(name)s`` placeholders (psycopg's) as ``$1, $2, ...``, with the names in that order."""
    names: list[str] = []

    def repl(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return "%"
        names.append(m.group(1))
        return f"${len(names)}"

    return _PLACEHOLDER.sub(repl, sql), names


def _text(value: object) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, date | int | float | str | Decimal):
        return (value.isoformat() if isinstance(value, date) else str(value)).encode()
    raise LibpqError(f"cannot send a {type(value).__name__}")


class Connection:
    """One libpq connection: :meth:`execute` statements, read the rows as tuples."""

    def __init__(self, url: str, **params: str) -> None:
        self._lib = _library()
        # dbname=URL is expanded into its parts; the later keywords override the URL's.
        keys = ["dbname", *params, "client_encoding"]
        values = [url, *params.values(), "UTF8"]
        karr = (ctypes.c_char_p * (len(keys) + 1))(*[k.encode() for k in keys], None)
        varr = (ctypes.c_char_p * (len(values) + 1))(*[v.encode() for v in values], None)
        self._conn = self._lib.PQconnectdbParams(karr, varr, 1)
        if not self._conn:
            raise LibpqError("out of memory")
        if self._lib.PQstatus(self._conn) != CONNECTION_OK:
            message = self._lib.PQerrorMessage(self._conn) or b""
            self.close()
            raise LibpqError(message.decode(errors="replace").strip())

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back by the server)."""
        if self._conn:
            self._lib.PQfinish(self._conn)
            self._conn = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, sql: str, params: Mapping[str, object] | None = None) -> list[tuple]:
        """Run one statement with ``%(name)s`` parameters; its rows (empty for a command)."""
        if self._conn is None:
            raise LibpqError("connection closed")
        lib = self._lib
        text, names = numbered(sql)
        values = [_text((params or {})[n]) for n in names]
        arr = (ctypes.c_char_p * max(len(values), 1))(*values)
        res = lib.PQexecParams(self._conn, text.encode(), len(values), None, arr, None, None, 0)
        if not res:
            raise LibpqError("out of memory")
        try:
            status = lib.PQresultStatus(res)
            if status == PGRES_COMMAND_OK:
                return []
            if status != PGRES_TUPLES_OK:
                message = lib.PQresultErrorMessage(res) or b""
                raise LibpqError(message.decode(errors="replace").strip())
            return self._rows(res)
        finally:
            lib.PQclear(res)

    def _rows(self, res: int) -> list[tuple]:
        lib = self._lib
        ncols = lib.PQnfields(res)
        try:
            convert = [CONVERTERS[lib.PQftype(res, c)] for c in range(ncols)]
        except KeyError as exc:
            raise LibpqError(f"no converter for type OID {exc.args[0]}") from None
        getvalue, isnull = lib.PQgetvalue, lib.PQgetisnull
        rows = []
        for r in range(lib.PQntuples(res)):
            row = []
            for c in range(ncols):
                raw = getvalue(res, r, c)
                # NULL reads as b"" too: ask only then.
                if not raw and isnull(res, r, c):
                    row.append(None)
                else:
                    try:
                        row.append(convert[c](raw.decode()))
                    except (ValueError, ArithmeticError) as exc:  # 'infinity', a stray value
                        raise LibpqError(f"cannot read {raw!r}: {exc}") from None
            rows.append(tuple(row))
        return rows


def connect(url: str, **params: str) -> Connection:
    """A :class:`Connection` to ``url`` (``postgresql://...``), extra libpq keywords after it.

    Pass ``options="-c DateStyle=ISO"`` (or have the server's default): dates are read as
    ISO text."""
    return Connection(url, **params)
