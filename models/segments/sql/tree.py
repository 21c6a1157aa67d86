"""The WHERE part of the member query: groups, leaves, and leaves that share their rows.

Several row-level leaves of one group that search the same rows (three cart conditions,
say) are compiled together, which is exact and much cheaper than one semi-join each:

- joined by OR: one EXISTS whose predicate is the OR of theirs
  (some row satisfies p1, or some row satisfies p2 = some row satisfies p1 or p2);
- joined by AND: one grouped pass over the rows satisfying any of the predicates,
  keeping customers for whom each predicate holds on some row (possibly a different
  row each, exactly as separate EXISTS would).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.segments.catalog import attribute_spec
from models.segments.catalog.types import AttributeSpec
from models.segments.sql.context import (
    FALSE_SQL,
    SqlContext,
    any_row,
    customer_filter,
    enclosed,
)
from models.segments.sql.sources import RowSource
from models.segments.sql.terms import INDENT, exists_sql
from models.segments.tree import Group, Leaf, Node


def leaf_spec(leaf: Leaf) -> AttributeSpec:
    """The catalog entry of a leaf; only whitelisted leaves ever reach the SQL."""
    spec = attribute_spec(leaf.type, leaf.attribute)
    if spec is None or leaf.operator not in spec.operators:
        raise ValueError(f"not in the catalog: {leaf.type}.{leaf.attribute} {leaf.operator}")
    return spec


@dataclass(frozen=True)
class _SameRows:
    """Row-level leaves of one group searching the same rows."""

    rows: RowSource
    leaves: tuple[Leaf, ...]


def _rows_of(node: Node) -> RowSource | None:
    return leaf_spec(node).term.rows if isinstance(node, Leaf) else None


def _children(group: Group) -> list[Node | _SameRows]:
    sharing: dict[RowSource, list[Leaf]] = {}
    for child in group.conditions:
        rows = _rows_of(child)
        if rows is not None:
            assert isinstance(child, Leaf)
            sharing.setdefault(rows, []).append(child)
    items: list[Node | _SameRows] = []
    done: set[RowSource] = set()
    for child in group.conditions:
        rows = _rows_of(child)
        if rows is None or len(sharing[rows]) == 1:
            items.append(child)
        elif rows not in done:
            done.add(rows)
            items.append(_SameRows(rows, tuple(sharing[rows])))
    return items


def _comment(leaf: Leaf) -> str:
    # Only catalog names and operators: never a value.
    return f"-- {leaf.type}.{leaf.attribute} {leaf.operator}"


def _single_term(sql: str) -> bool:
    for prefix in ("EXISTS ", "NOT EXISTS "):
        if sql.startswith(prefix):
            return enclosed(sql[len(prefix) :])
    return enclosed(sql)


def _operand(sql: str) -> str:
    return f"({sql})" if (" AND " in sql or " OR " in sql) and not _single_term(sql) else sql


class TreeRenderer:
    def __init__(self, ctx: SqlContext, customer_ids: Sequence[int] | None) -> None:
        self.ctx = ctx
        self.customer_ids = customer_ids

    def node_lines(self, node: Node) -> list[str]:
        if isinstance(node, Leaf):
            return self.leaf_lines(node)
        negated = not node.value
        # all+false: every child false = NOT (a OR b); any+false: one false = NOT (a AND b).
        joiner = "AND" if (node.aggregator == "all") != negated else "OR"
        body: list[str] = []
        for i, child in enumerate(_children(node)):
            if isinstance(child, _SameRows):
                child_lines = self.same_rows_lines(child, joiner)
            else:
                child_lines = self.node_lines(child)
            if i:
                child_lines = [f"{joiner} {child_lines[0]}", *child_lines[1:]]
            body.extend(child_lines)
        return ["NOT (" if negated else "(", *(INDENT + line for line in body), ")"]

    def leaf_lines(self, leaf: Leaf) -> list[str]:
        spec = leaf_spec(leaf)
        if spec.term.rows is None:
            sql = _operand(spec.term.comparison.render(self.ctx, leaf.operator, leaf.value))
        else:
            sql = exists_sql(spec.term.rows, self.row_predicate(leaf))
        return [_comment(leaf), *sql.split("\n")]

    def row_predicate(self, leaf: Leaf) -> str:
        self.ctx.row_level = True
        try:
            return leaf_spec(leaf).term.comparison.render(self.ctx, leaf.operator, leaf.value)
        finally:
            self.ctx.row_level = False

    def same_rows_lines(self, same: _SameRows, joiner: str) -> list[str]:
        comments = [_comment(leaf) for leaf in same.leaves]
        if joiner == "OR":
            predicates = [self.row_predicate(leaf) for leaf in same.leaves]
            kept = [p for p in predicates if p != FALSE_SQL]
            either = " OR ".join(_operand(p) for p in kept) if kept else FALSE_SQL
            return [*comments, *exists_sql(same.rows, either).split("\n")]
        return [*comments, *self._grouped_lines(same.rows, same.leaves)]

    def _grouped_lines(self, rows: RowSource, leaves: Sequence[Leaf]) -> list[str]:
        """Customers with, for each leaf, some row satisfying it: one pass over the rows
        satisfying any of them, grouped by customer."""
        tables = [t.strip() for t in rows.tables.split("\n")]
        # Placeholders are positional on SQLite: each predicate is rendered where it stands.
        either = " OR ".join(_operand(self.row_predicate(leaf)) for leaf in leaves)
        filters = [*rows.filters, f"({either})"]
        if self.customer_ids is not None:
            # The grouping hides the correlation with c.id: restrict the rows explicitly.
            filters.append(customer_filter(self.ctx, rows.customer_column, self.customer_ids))
        having = [any_row(self.ctx.dialect, self.row_predicate(leaf)) for leaf in leaves]
        body = [f"SELECT {rows.customer_column} AS customer_id", f"FROM {tables[0]}", *tables[1:]]
        body += [f"{'WHERE' if i == 0 else '  AND'} {f}" for i, f in enumerate(filters)]
        body.append(f"GROUP BY {rows.customer_column}")
        body += [f"{'HAVING' if i == 0 else '   AND'} {h}" for i, h in enumerate(having)]
        pad = INDENT * 2
        return [
            "EXISTS (",
            f"{INDENT}SELECT 1",
            f"{INDENT}FROM (",
            *(pad + line for line in body),
            f"{INDENT}) same_rows",
            f"{INDENT}WHERE same_rows.customer_id = c.id",
            ")",
        ]
