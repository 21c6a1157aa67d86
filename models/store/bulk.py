"""Set-based SQL for the store writer: multi-row upserts, id look-ups and deletes, per dialect.

PostgreSQL gets one statement per call with every column bound as an array (`unnest`), so
a batch costs one round trip whatever its size; SQLite gets multi-row VALUES, chunked under
its bound-parameter limit. Upserts only touch rows whose values differ and return those,
so callers know what changed and re-imports write nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

import orjson
from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from models.db import dialect
from models.store.values import MONEY_STEP

# Below SQLite's default limit of 32766 bound parameters per statement; a larger
# statement is no faster and its compiled form costs memory in the statement cache.
SQLITE_MAX_PARAMS = 30000
SQLITE_MAX_ROWS = 128


def _pg_type(field: fields.Field) -> str:
    if isinstance(field, fields.BooleanField):
        return "boolean"
    if isinstance(field, fields.SmallIntField):
        return "smallint"
    if isinstance(field, fields.BigIntField):
        return "bigint"
    if isinstance(field, fields.IntField):
        return "integer"
    if isinstance(field, fields.DecimalField):
        return "numeric"
    if isinstance(field, fields.DatetimeField):
        return "timestamptz"
    if isinstance(field, fields.DateField):
        return "date"
    return "text"


@dataclass(frozen=True)
class Table:
    """A table's name and column types, read from its Tortoise model once Tortoise is set up."""

    name: str
    pg_types: dict[str, str]
    money: frozenset[str]
    times: frozenset[str]

    @staticmethod
    @cache
    def of(model: type[Model]) -> Table:
        meta = model._meta
        columns = {
            column: meta.fields_map[name]
            for name, column in meta.fields_db_projection.items()
            if name in meta.fields_map
        }
        return Table(
            name=meta.db_table,
            pg_types={c: _pg_type(f) for c, f in columns.items()},
            money=frozenset(c for c, f in columns.items() if isinstance(f, fields.DecimalField)),
            times=frozenset(c for c, f in columns.items() if isinstance(f, fields.DatetimeField)),
        )

    def normalize(self, column: str, value: Any) -> Any:
        """A value read back from either dialect in the form the records carry."""
        if value is None:
            return None
        if column in self.money:
            return Decimal(str(value)).quantize(MONEY_STEP)
        if column in self.times and isinstance(value, str):
            return datetime.fromisoformat(value)
        return value


def _q(name: str) -> str:
    return f'"{name}"'


def _cols(columns: Sequence[str], prefix: str = "") -> str:
    return ", ".join(prefix + _q(c) for c in columns)


def _chunks(rows: Sequence[tuple], width: int) -> Iterator[Sequence[tuple]]:
    # Full chunks, then the rest in powers of two: few distinct statement texts, so
    # sqlite3's statement cache reuses them instead of holding one compiled per size.
    size = max(1, min(SQLITE_MAX_ROWS, SQLITE_MAX_PARAMS // max(width, 1)))
    start = 0
    while start < len(rows):
        left = len(rows) - start
        step = size if left >= size else 1 << (left.bit_length() - 1)
        yield rows[start : start + step]
        start += step


def _conflict_clause(
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    newer: str | None,
    sqlite: bool,
) -> str:
    updated = [c for c in columns if c not in key]
    if not updated:
        return f"ON CONFLICT ({_cols(key)}) DO NOTHING"
    excluded = "excluded." if sqlite else "EXCLUDED."
    distinct = "IS NOT" if sqlite else "IS DISTINCT FROM"
    current, incoming = f"({_cols(updated, _q(table) + '.')})", f"({_cols(updated, excluded)})"
    differs = f"{current} {distinct} {incoming}"
    if newer:
        # Only a later value of `newer` replaces the row; the same one only if the rest differs.
        mine, theirs = f"{_q(table)}.{_q(newer)}", f"{excluded}{_q(newer)}"
        differs = f"{theirs} > {mine} OR ({theirs} = {mine} AND {differs})"
    assignments = ", ".join(f"{_q(c)} = {excluded}{_q(c)}" for c in updated)
    return f"ON CONFLICT ({_cols(key)}) DO UPDATE SET {assignments} WHERE {differs}"


async def _insert_rows(
    conn: BaseDBAsyncClient,
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    tail: str,
) -> list[dict[str, Any]]:
    """INSERT `rows` followed by `tail` (a conflict and RETURNING clause, or nothing): one
    `unnest` statement on PostgreSQL, multi-row VALUES chunks on SQLite."""
    table = Table.of(model)
    head = f"INSERT INTO {_q(table.name)} ({_cols(columns)}) "
    if dialect(conn) != "sqlite":
        arrays = ", ".join(f"${i}::{table.pg_types[c]}[]" for i, c in enumerate(columns, 1))
        values = [list(column) for column in zip(*rows, strict=True)]
        return await conn.execute_query_dict(f"{head}SELECT * FROM unnest({arrays}){tail}", values)
    result: list[dict[str, Any]] = []
    row_sql = "(" + ", ".join("?" * len(columns)) + ")"
    for chunk in _chunks(rows, len(columns)):
        sql = f"{head}VALUES {', '.join([row_sql] * len(chunk))}{tail}"
        result += await conn.execute_query_dict(sql, [v for row in chunk for v in row])
    return result


async def upsert(
    conn: BaseDBAsyncClient,
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    key: Sequence[str],
    returning: Sequence[str],
    newer: str | None = None,
) -> list[dict[str, Any]]:
    """Insert or update `rows` by `key`; returns `returning` of the rows inserted or changed.

    `rows` must not repeat a key (one statement cannot update a row twice).
    """
    if not rows:
        return []
    sqlite = dialect(conn) == "sqlite"
    conflict = _conflict_clause(Table.of(model).name, columns, key, newer, sqlite)
    return await _insert_rows(
        conn, model, columns, rows, f" {conflict} RETURNING {_cols(returning)}"
    )


async def insert(
    conn: BaseDBAsyncClient, model: type[Model], columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """Plain multi-row insert (rows whose table has no natural key, e.g. items)."""
    if rows:
        await _insert_rows(conn, model, columns, rows, "")


def _in_ids(conn: BaseDBAsyncClient, column: str, ids: Collection[int]) -> tuple[str, list[Any]]:
    if dialect(conn) == "sqlite":
        return f"{_q(column)} IN (SELECT value FROM json_each(?))", [
            orjson.dumps(list(ids)).decode()
        ]
    return f"{_q(column)} = ANY($1::integer[])", [list(ids)]


async def select_in(
    conn: BaseDBAsyncClient,
    model: type[Model],
    columns: Sequence[str],
    column: str,
    ids: Collection[int],
    *,
    order_by: str | None = None,
) -> list[dict[str, Any]]:
    """`columns` of the rows whose `column` is one of `ids`."""
    if not ids:
        return []
    where, values = _in_ids(conn, column, ids)
    order = f" ORDER BY {_q(order_by)}" if order_by else ""
    sql = f"SELECT {_cols(columns)} FROM {_q(Table.of(model).name)} WHERE {where}{order}"
    return await conn.execute_query_dict(sql, values)


async def existing(
    conn: BaseDBAsyncClient, model: type[Model], ids: Collection[int], column: str = "id"
) -> set[int]:
    """Which of `ids` are present in `column` of the model's table."""
    rows = await select_in(conn, model, (column,), column, ids)
    return {row[column] for row in rows}


async def delete_in(
    conn: BaseDBAsyncClient,
    model: type[Model],
    column: str,
    ids: Collection[int],
    *,
    returning: str | None = None,
) -> list[Any]:
    """Delete the rows whose `column` is one of `ids`; returns `returning` of the deleted ones."""
    if not ids:
        return []
    where, values = _in_ids(conn, column, ids)
    sql = f"DELETE FROM {_q(Table.of(model).name)} WHERE {where}"
    if returning is None:
        await conn.execute_query(sql, values)
        return []
    rows = await conn.execute_query_dict(f"{sql} RETURNING {_q(returning)}", values)
    return [row[returning] for row in rows]


async def analyze(conn: BaseDBAsyncClient, models: Collection[type[Model]]) -> None:
    """Refresh PostgreSQL's statistics of tables a bulk load changed, for the queries to come."""
    if dialect(conn) == "postgres" and models:
        names = ", ".join(_q(Table.of(m).name) for m in models)
        await conn.execute_script(f"ANALYZE {names}")
