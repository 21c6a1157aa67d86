"""A validated condition tree compiled to ONE member query with bound parameters.

Shape of the query (the same on PostgreSQL and SQLite):

    SELECT c.id AS customer_id, c.website_id AS website_id
    FROM customer c
    LEFT JOIN (<one grouped derived table per statistics source>) alias ON ...
    LEFT JOIN newsletter_subscriber ns ON ...        -- one row per customer
    WHERE c.is_active AND <website / group scope> [AND c.id in <customer ids>]
      AND <tree>                                     -- row-level leaves are EXISTS

Statistics shared by several leaves (all `customer_clv` leaves, say) come from one
derived table. With `customer_ids`, every derived table is restricted to those
customers too, so re-evaluating one customer touches only that customer's rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from models.db import Dialect
from models.segments.sql.context import (
    FALSE_SQL,
    Params,
    SqlContext,
    customer_filter,
    sql_literal,
)
from models.segments.sql.sources import JoinedTable, StatsSource
from models.segments.sql.tree import TreeRenderer, leaf_spec
from models.segments.tree import Group, leaves, prune_empty

INDENT = "    "


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: list[Any]


def compile_members_query(
    tree: Group,
    *,
    website_ids: Sequence[int],
    group_ids: Sequence[int],
    now: datetime,
    dialect: Dialect,
    customer_ids: Sequence[int] | None = None,
) -> CompiledQuery:
    """Active customers of the websites (and groups, if any) for whom `tree` holds at `now`."""
    ctx = SqlContext(dialect, Params(dialect), _utc(now))
    root = prune_empty(tree)
    # Placeholders are positional on SQLite: render in the order the text reads.
    lines = ["SELECT c.id AS customer_id, c.website_id AS website_id", "FROM customer c"]
    for source, columns in _joins(root).items():
        lines.extend(_join_lines(ctx, source, columns, customer_ids))
    where = ["c.is_active", _in_ids(ctx, "c.website_id", website_ids)]
    if group_ids:
        where.append(_in_ids(ctx, "c.group_id", group_ids))
    if customer_ids is not None:
        where.append(customer_filter(ctx, "c.id", customer_ids))
    where_lines = [[w] for w in where]
    if root.conditions:
        where_lines.append(TreeRenderer(ctx, customer_ids).node_lines(root))
    lines.extend(_where(where_lines))
    return CompiledQuery("\n".join(lines), ctx.params.values)


def explain_sql(compiled: CompiledQuery, dialect: Dialect) -> str:
    """The query for people to read: values inlined as quoted literals, clearly labelled."""
    values = iter(compiled.params)

    def literal(match: re.Match[str]) -> str:
        if match.group(0) == "?":
            return sql_literal(next(values), dialect)
        return sql_literal(compiled.params[int(match.group(1)) - 1], dialect)

    pattern = r"\?" if dialect == "sqlite" else r"\$(\d+)"
    body = re.sub(pattern, literal, compiled.sql)
    header = (
        "-- For reading: condition values are shown inline as literals here;"
        " the query runs with them as bound parameters."
    )
    return f"{header}\n{body}"


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        return now.replace(tzinfo=UTC)
    return now.astimezone(UTC)


def _in_ids(ctx: SqlContext, column: str, ids: Sequence[int]) -> str:
    if not ids:
        return FALSE_SQL
    placeholders = [ctx.params.add(int(i)) for i in ids]
    if len(placeholders) == 1:
        return f"{column} = {placeholders[0]}"
    return f"{column} IN ({', '.join(placeholders)})"


def _where(conditions: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for i, block in enumerate(conditions):
        prefix = "WHERE " if i == 0 else "  AND "
        lines.append(prefix + block[0])
        lines.extend("  " + line for line in block[1:])
    return lines


Source = StatsSource | JoinedTable


def _joins(root: Group) -> dict[Source, list[str]]:
    """Each statistics source or joined table the tree reads, with the columns it needs."""
    needed: dict[Source, list[str]] = {}
    for leaf in leaves(root):
        for source, name in leaf_spec(leaf).term.comparison.reads(leaf.operator, leaf.value):
            names = needed.setdefault(source, [])
            if name not in names:
                names.append(name)
    return needed


def _join_lines(
    ctx: SqlContext, source: Source, names: list[str], customer_ids: Sequence[int] | None
) -> list[str]:
    if isinstance(source, JoinedTable):
        return [
            f"LEFT JOIN {source.table} {source.alias}"
            f" ON {source.alias}.{source.customer_column} = c.id"
        ]
    ordered = [(n, agg) for n, agg in source.columns if n in names]
    selects = [f"{source.customer_column} AS customer_id"]
    selects += [f"{agg} AS {n}" for n, agg in ordered]
    filters = list(source.filters)
    if customer_ids is not None:
        filters.append(customer_filter(ctx, source.customer_column, customer_ids))
    select_lines = [f"{INDENT}SELECT {selects[0]}"] + [f"{INDENT}       {s}" for s in selects[1:]]
    lines = ["LEFT JOIN (", *(line + "," for line in select_lines[:-1]), select_lines[-1]]
    lines += _from_lines(source.tables, filters, INDENT)
    lines.append(f"{INDENT}GROUP BY {source.customer_column}")
    lines.append(f") {source.alias} ON {source.alias}.customer_id = c.id")
    return lines


def _from_lines(tables: str, filters: list[str], indent: str) -> list[str]:
    parts = [t.strip() for t in tables.split("\n")]
    lines = [f"{indent}FROM {parts[0]}"] + [f"{indent}{p}" for p in parts[1:]]
    for i, condition in enumerate(filters):
        lines.append(f"{indent}{'WHERE' if i == 0 else '  AND'} {condition}")
    return lines
