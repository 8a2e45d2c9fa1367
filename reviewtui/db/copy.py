"""Copying a whole reviewtui database into another, empty one (``reviewtui db copy --to URL``).

The way a team moves from the embedded SQLite file to PostgreSQL. What the copy guarantees:

- the source is only read: SQLite is opened read-only (``mode=ro``), PostgreSQL with
  ``default_transaction_read_only``; every table is read in one snapshot (one read transaction);
- the target gets the schema at the current revision (the Alembic scripts, as ``db upgrade``)
  and every row with its id, in ONE transaction: a failure leaves it as it was;
- rows go through SQLAlchemy Core, not the ORM, so neither the audit-trail hook
  (:mod:`reviewtui.db.changelog`) nor the access and signed-minutes guards see them: the trail
  arrives exactly as it was and the copy adds nothing to it; signed minutes (stored JSON and
  its SHA-256) arrive byte for byte, so ``verify --meeting`` passes on the target;
- PostgreSQL sequences are set past the highest copied id, so the next insert does not collide;
- a target that holds any reviewtui row, or a schema at another revision, is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from reviewtui.db import models as m
from reviewtui.db.engine import BUSY_TIMEOUT_MS, is_sqlite, make_engine, normalise_url, sqlite_path
from reviewtui.db.errors import UserError
from reviewtui.db.migrations import HEAD

#: Rows read and written per round trip.
BATCH = 2000

#: ``progress(table, rows_done, rows_in_table)``: called after each batch and once per table.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CopyResult:
    """What was copied: rows per table (in copy order) and the schema revision."""

    tables: tuple[tuple[str, int], ...]
    revision: str

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.tables)


def display(url: str) -> str:
    """A URL or path as it may be printed: without the password."""
    u = make_url(normalise_url(url))
    if u.get_backend_name() == "sqlite":
        return u.database or url
    return u.render_as_string(hide_password=True)


def _source_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if is_sqlite(url):
        if path is None or not path.is_file():
            raise UserError(f"{display(url)}: no such database file")
        uri = f"{path.resolve().as_uri()}?mode=ro"

        def connect() -> sqlite3.Connection:
            con = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            return con

        return create_engine("sqlite://", creator=connect)
    return make_engine(url, read_only=True)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _check_target(conn: Connection, where: str) -> None:
    """Refuse a target holding reviewtui data or a reviewtui schema of another revision."""
    names = set(inspect(conn).get_table_names())
    ours = [t for t in m.metadata.sorted_tables if t.name in names]
    for table in ours:
        if conn.execute(select(func.count()).select_from(table)).scalar():
            raise UserError(
                f"{where} already holds reviewtui data (table {table.name} is not empty); "
                "copy into a new, empty database"
            )
    if "alembic_version" in names:
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if rev not in (None, HEAD):
            raise UserError(
                f"{where} has a reviewtui schema at revision {rev} (this reviewtui writes "
                f"{HEAD}); copy into a new, empty database"
            )
    elif ours:
        raise UserError(
            f"{where} has tables named like reviewtui's ({ours[0].name}) but no schema "
            "revision; copy into a new, empty database"
        )


def _create_schema(conn: Connection, url: str) -> None:
    from alembic import command

    from reviewtui.db.migrations import alembic_config

    cfg = alembic_config(url)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _set_sequences(conn: Connection) -> None:
    """PostgreSQL: each table's id sequence continues after the highest copied id."""
    for table in m.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar()
        if seq is None:
            continue
        top = conn.execute(select(func.max(table.c.id))).scalar()
        # is_called=false: the next nextval() returns exactly this value.
        conn.execute(
            text("SELECT setval(:seq, :next, false)"), {"seq": seq, "next": (top or 0) + 1}
        )


def copy_database(
    source_url: str, target_url: str, *, progress: Progress | None = None
) -> CopyResult:
    """Copy every table of the reviewtui database at ``source_url`` into ``target_url``.

    Both are paths or URLs as given on the command line. Raises UserError, saying what is
    wrong, for a missing or foreign source, a source at another schema revision, an
    unreachable target or one that holds reviewtui data; the target is then unchanged.
    """
    src_url, dst_url = normalise_url(source_url), normalise_url(target_url)
    if src_url == dst_url:
        raise UserError(f"{display(dst_url)} is the source database itself")
    where = display(dst_url)
    dst_path = sqlite_path(dst_url)
    created_file = dst_path is not None and not dst_path.exists()
    if dst_path is not None and not dst_path.parent.is_dir():
        raise UserError(f"{dst_path.parent}: no such folder")

    source = _source_engine(src_url)
    target: Engine | None = None
    try:
        try:
            src = source.connect()
        except Exception as exc:
            raise UserError(f"cannot open {display(src_url)}: {_first_line(exc)}") from exc
        with src:
            if source.dialect.name == "sqlite":
                src.exec_driver_sql("BEGIN")  # one read snapshot for every table
            else:
                src = src.execution_options(isolation_level="REPEATABLE READ")
            if not inspect(src).has_table("alembic_version"):
                raise UserError(f"{display(src_url)}: not a reviewtui database")
            rev = src.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if rev != HEAD:
                raise UserError(
                    f"{display(src_url)} is at schema revision {rev}, this reviewtui at {HEAD}: "
                    f"run `reviewtui --db {display(src_url)} db upgrade` first"
                )
            totals = {
                t.name: src.execute(select(func.count()).select_from(t)).scalar() or 0
                for t in m.metadata.sorted_tables
            }
            try:
                target = make_engine(dst_url)
                dst = target.connect()
            except Exception as exc:
                raise UserError(f"cannot open {where}: {_first_line(exc)}") from exc
            with dst, dst.begin():
                _check_target(dst, where)
                _create_schema(dst, dst_url)
                done: list[tuple[str, int]] = []
                for table in m.metadata.sorted_tables:
                    total = totals[table.name]
                    copied = 0
                    if progress:
                        progress(table.name, 0, total)
                    pk = list(table.primary_key.columns)
                    result = src.execution_options(yield_per=BATCH).execute(
                        select(table).order_by(*pk)
                    )
                    for batch in result.mappings().partitions(BATCH):
                        dst.execute(table.insert(), [dict(r) for r in batch])
                        copied += len(batch)
                        if progress:
                            progress(table.name, copied, total)
                    landed = dst.execute(select(func.count()).select_from(table)).scalar()
                    if landed != copied or copied != total:
                        raise UserError(
                            f"copy of table {table.name} incomplete ({landed} of {total} rows); "
                            f"{where} is unchanged"
                        )
                    done.append((table.name, copied))
                if target.dialect.name == "postgresql":
                    _set_sequences(dst)
                # Planner statistics now, not at the first autovacuum: the first screens
                # opened on the new database are as fast as on the old one.
                dst.exec_driver_sql("ANALYZE")
            src.rollback()
    except UserError:
        if created_file and target is not None:
            target.dispose()
            _remove_sqlite(dst_path)
        raise
    except Exception as exc:
        if created_file and target is not None:
            target.dispose()
            _remove_sqlite(dst_path)
        raise UserError(
            f"copy into {where} failed, nothing was written there: {_first_line(exc)}"
        ) from exc
    finally:
        source.dispose()
        if target is not None:
            target.dispose()
    return CopyResult(tables=tuple(done), revision=HEAD)


def _remove_sqlite(path: Path | None) -> None:
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
