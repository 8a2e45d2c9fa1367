"""reviewtui.db.libpq (the start-up child's ctypes libpq) reads values as psycopg does, and
fails (LibpqError, so the caller goes the data layer's way) on anything it cannot read."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from reviewtui.db import libpq
from reviewtui.db.firstrows import postgres_url

pytestmark = pytest.mark.postgres

OPTIONS = "-c DateStyle=ISO,YMD"

SQL = (
    "SELECT 1::int2, 2147483647::int4, 9007199254740993::int8, 0.1::float8, 1e300::float8,"
    " -2.5::float4, 12.340::numeric, true, false, NULL::int4, ''::text, NULL::text,"
    " %(word)s::varchar, 'x'::char(3), %(day)s::DATE, '2026-09-30 23:30:00.25'::timestamp,"
    " '2026-09-30 23:30:00+05:30'::timestamptz, %(n)s::INTEGER + 1, '100%%'::text"
)
PARAMS = {"word": "東京 שלום Привет 🎉 'quoted' %s", "day": date(2026, 11, 28), "n": 41}


def test_values_read_as_psycopg_reads_them(pg_url: str) -> None:
    url = postgres_url(pg_url)
    assert url is not None
    with libpq.connect(url, options=OPTIONS) as con:
        ours = con.execute(SQL, PARAMS)
    with psycopg.connect(url, options=OPTIONS) as con:
        theirs = con.execute(SQL, PARAMS).fetchall()
    assert ours == theirs
    assert [type(v) for v in ours[0]] == [type(v) for v in theirs[0]]
    assert ours[0][12] == PARAMS["word"] and ours[0][-1] == "100%"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 'infinity'::date",  # no Python date for it
        "SELECT '{1,2}'::int[]",  # a type it has no converter for
        "SELECT nothing FROM nowhere",  # a server error
    ],
)
def test_what_it_cannot_read_raises(pg_url: str, sql: str) -> None:
    url = postgres_url(pg_url)
    assert url is not None
    with libpq.connect(url, options=OPTIONS) as con, pytest.raises(libpq.LibpqError):
        con.execute(sql)


def test_a_database_that_is_not_there_raises(pg_url: str) -> None:
    url = postgres_url(pg_url)
    assert url is not None
    with pytest.raises(libpq.LibpqError, match="no_such_db"):
        libpq.connect(url.rsplit("/", 1)[0] + "/no_such_db")
