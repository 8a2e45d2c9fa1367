"""Read-only queries on PostgreSQL straight through libpq (ctypes), for the start-up child.

``import psycopg`` costs the start-up child (:mod:`reviewtui.prefetch`) ~0.5 s before it sends
a single query: psycopg checks its binary package's version with ``importlib.metadata`` and
imports asyncio, typing_extensions and its error classes. ``import ctypes`` costs ~10 ms. The
child only needs to run a handful of SELECTs whose parameters are all cast in the SQL text
(``%(name)s::INTEGER``) and whose results are integers, floats, text, booleans, dates and timestamps, so it
talks to the libpq psycopg itself uses (the copy in the ``psycopg_binary`` wheel, else the
system's ``libpq.so.5``) with text parameters; each result comes back as one JSON text whose
values are converted, by column type, as psycopg converts them.

Anything unexpected (no library, a failed connection or statement, a column type not listed in
:data:`JSON_CONVERTERS`) raises :class:`LibpqError`; the caller then returns None and the data layer
does the work (and reports the error in place).
"""

from __future__ import annotations

import ctypes
import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path
from typing import Any

CONNECTION_OK = 0
PGRES_COMMAND_OK = 1
PGRES_TUPLES_OK = 2

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
        ("PQprepare", p, [p, s, s, i, p]),
        ("PQexecPrepared", p, [p, s, i, ctypes.POINTER(s), p, p, i]),
        ("PQdescribePrepared", p, [p, s]),
        ("PQresultStatus", i, [p]),
        ("PQresultErrorMessage", s, [p]),
        ("PQclear", None, [p]),
        ("PQnfields", i, [p]),
        ("PQftype", ctypes.c_uint, [p, i]),
        ("PQgetvalue", s, [p, i, i]),
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
        #: Per SQL text: its prepared statement's name and column types (None for a command).
        self._prepared: dict[str, tuple[bytes, list[int] | None]] = {}
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

    def _result(self, res: int | None, want: int) -> int:
        """``res`` when its status is ``want``; else it is freed and the error raised."""
        if not res:
            raise LibpqError("out of memory")
        status = self._lib.PQresultStatus(res)
        if status != want:
            message = self._lib.PQresultErrorMessage(res) or b""
            self._lib.PQclear(res)
            raise LibpqError(message.decode(errors="replace").strip() or f"status {status}")
        return res

    def _prepare(self, text: str, nparams: int) -> tuple[bytes, list[int] | None]:
        """Prepare ``text`` (its column types) and, for a query, the JSON query around it
        (named, so that a statement run again, as the history's chunks are, is planned as
        psycopg's automatically prepared statements are, not parsed afresh)."""
        lib = self._lib
        res = self._result(
            lib.PQprepare(self._conn, b"", text.encode(), nparams, None), PGRES_COMMAND_OK
        )
        lib.PQclear(res)
        res = self._result(lib.PQdescribePrepared(self._conn, b""), PGRES_COMMAND_OK)
        try:
            oids: list[int] | None = [lib.PQftype(res, c) for c in range(lib.PQnfields(res))]
        finally:
            lib.PQclear(res)
        name = f"reviewtui_{len(self._prepared)}".encode()
        if oids:
            # The subquery's order is the order json_agg sees its rows in.
            wrapped = f"SELECT coalesce(json_agg(t), '[]')::text FROM ({text}) t"
            res = self._result(
                lib.PQprepare(self._conn, name, wrapped.encode(), nparams, None), PGRES_COMMAND_OK
            )
            lib.PQclear(res)
        else:
            oids = None
        self._prepared[text] = (name, oids)
        return name, oids

    def execute(
        self, sql: str, params: Mapping[str, object] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run one statement with ``%(name)s`` parameters; its rows (empty for a command).

        A libpq call per value from Python cost more than psycopg's import on the large
        database (~0.6 s for its 10,000 KPIs), so the rows come back as one JSON text
        (``json_agg`` over the statement, parsed by the C ``json`` module) and only the
        column types are asked separately (describe), to convert each value as psycopg
        would from its text (JSON numbers are kept as their text for that)."""
        if self._conn is None:
            raise LibpqError("connection closed")
        lib = self._lib
        text, names = numbered(sql)
        values = [_text((params or {})[n]) for n in names]
        arr = (ctypes.c_char_p * max(len(values), 1))(*values)
        name, oids = self._prepared.get(text) or self._prepare(text, len(values))
        if oids is None:  # a command (BEGIN)
            res = self._result(
                lib.PQexecParams(self._conn, text.encode(), len(values), None, arr, None, None, 0),
                PGRES_COMMAND_OK,
            )
            lib.PQclear(res)
            return []
        try:
            convert = [JSON_CONVERTERS[oid] for oid in oids]
        except KeyError as exc:
            raise LibpqError(f"no converter for type OID {exc.args[0]}") from None
        res = self._result(
            lib.PQexecPrepared(self._conn, name, len(values), arr, None, None, 0), PGRES_TUPLES_OK
        )
        try:
            raw = lib.PQgetvalue(res, 0, 0)
        finally:
            lib.PQclear(res)
        try:
            # Values by position (names may repeat); numbers as their text, as psycopg gets it.
            rows = json.loads(raw, object_pairs_hook=_values, parse_float=str, parse_constant=str)
            # JSON's own ints, strings and booleans are psycopg's values already: only the
            # other columns are converted, in place.
            todo = [(i, f) for i, f in enumerate(convert) if f is not None]
            width = len(convert)
            out = []
            for row in rows:
                if len(row) != width:
                    raise ValueError(f"{len(row)} values for {width} columns")
                for i, f in todo:
                    v = row[i]
                    if v is not None:
                        row[i] = f(v)
                out.append(tuple(row))
            return out
        except (ValueError, ArithmeticError, TypeError) as exc:  # 'infinity', a stray value
            raise LibpqError(f"cannot read a value: {exc}") from None


def _values(pairs: list[tuple[str, object]]) -> list[object]:
    return [v for _, v in pairs]


def _to_decimal(v: object) -> Decimal:
    return Decimal(str(v))


#: None: JSON's value is psycopg's (int, str, bool). Floats come as float8out's text (or an int
#: for an integral value, 'NaN'/'Infinity' as strings): float() of it is what psycopg computes.
JSON_CONVERTERS: dict[int, Callable[[Any], object] | None] = {
    16: None,
    20: None,
    21: None,
    23: None,
    26: None,
    700: float,
    701: float,
    1700: _to_decimal,
    25: None,
    1043: None,
    1042: None,
    19: None,
    1082: date.fromisoformat,
    1114: datetime.fromisoformat,
    1184: datetime.fromisoformat,
}


def connect(url: str, **params: str) -> Connection:
    """A :class:`Connection` to ``url`` (``postgresql://...``), extra libpq keywords after it.

    Pass ``options="-c DateStyle=ISO"`` (or have the server's default): dates are read as
    ISO text."""
    return Connection(url, **params)
