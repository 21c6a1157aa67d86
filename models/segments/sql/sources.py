"""Where condition values come from: customer columns, per-customer statistics, row sets.

These are the SQL building blocks the catalog refers to; every fragment here is a
constant written by us, never text from a condition.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowSource:
    """Rows a row-level leaf searches: "the customer has at least one row where ...".

    `tables` is the FROM list (with joins), `customer_column` ties a row to a customer.
    """

    tables: str
    customer_column: str
    filters: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatsSource:
    """Per-customer aggregates over some rows, LEFT JOINed once as a grouped derived table."""

    alias: str
    tables: str
    customer_column: str
    filters: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # (name, aggregate expression)
    # The same rows as a row set, so "has none" / "has some" can be an (anti) semi-join.
    rows: RowSource | None = None

    def column(self, name: str) -> str:
        return dict(self.columns)[name]


@dataclass(frozen=True)
class JoinedTable:
    """A table with at most one row per customer, LEFT JOINed directly."""

    alias: str
    table: str
    customer_column: str


@dataclass(frozen=True)
class Expr:
    """A per-customer or per-row SQL value; `reads` names the joins it needs."""

    sql: str
    nullable: bool = False
    reads: tuple[tuple[StatsSource | JoinedTable, str], ...] = ()
    # A statistic with a natural zero: `sql` reads 0 for customers without rows, `raw` is
    # the bare column (NULL for them), for predicates the planner can push down.
    zero: int | None = None
    raw: str = ""


def column(sql: str, *, nullable: bool = False) -> Expr:
    return Expr(sql, nullable)


def stat(source: StatsSource, name: str, *, zero: int | None = None) -> Expr:
    """A statistic; with `zero`, customers without rows read that value instead of missing."""
    ref = f"{source.alias}.{name}"
    if zero is None:
        return Expr(ref, True, ((source, name),))
    return Expr(f"COALESCE({ref}, {zero})", False, ((source, name),), zero, ref)


def joined(table: JoinedTable, name: str) -> Expr:
    return Expr(f"{table.alias}.{name}", True, ((table, name),))


def difference(left: Expr, right: Expr) -> Expr:
    """Money minus money, rounded to the money scale so SQLite's floats compare exactly."""
    return Expr(
        f"ROUND({left.sql} - {right.sql}, 4)",
        left.nullable or right.nullable,
        left.reads + right.reads,
    )


NOT_CANCELED = "o.state <> 'canceled'"
NOT_CANCELED_OR_CLOSED = "o.state NOT IN ('canceled', 'closed')"

# ---------------------------------------------------------------- row sets

ADDRESSES = RowSource("customer_address a", "a.customer_id")
ORDERS = RowSource("sales_order o", "o.customer_id")
ORDER_ITEMS = RowSource(
    "sales_order_item oi\n    JOIN sales_order o ON o.id = oi.order_id",
    "o.customer_id",
    (NOT_CANCELED,),
)
CARTS = RowSource("sales_quote q", "q.customer_id")
ACTIVE_CARTS = RowSource("sales_quote q", "q.customer_id", ("q.is_active",))
ACTIVE_CART_ITEMS = RowSource(
    "sales_quote_item qi\n    JOIN sales_quote q ON q.id = qi.quote_id",
    "q.customer_id",
    ("q.is_active",),
)
VIEWS = RowSource("product_view v", "v.customer_id")
VIEWED_PRODUCTS = RowSource(
    "product_view v\n    JOIN product p ON p.id = v.product_id", "v.customer_id"
)
WISHLISTS = RowSource("wishlist w", "w.customer_id")
WISHLIST_ITEMS = RowSource(
    "wishlist_item wi\n    JOIN wishlist w ON w.id = wi.wishlist_id", "w.customer_id"
)
WISHLIST_PRODUCTS = RowSource(
    "wishlist_item wi\n    JOIN wishlist w ON w.id = wi.wishlist_id\n"
    "    JOIN product p ON p.id = wi.product_id",
    "w.customer_id",
)

# ---------------------------------------------------------------- statistics

# Money sums are rounded to the money scale: exact on PostgreSQL, and on SQLite it
# removes the float noise of REAL sums (0.1 + 0.2) so equality holds as written.
ORDER_STATS = StatsSource(
    "order_stats",
    "sales_order o",
    "o.customer_id",
    (NOT_CANCELED,),
    (
        ("order_count", "COUNT(*)"),
        ("amount_total", "ROUND(SUM(o.grand_total), 4)"),
        ("last_order_at", "MAX(o.created_at)"),
        ("first_order_at", "MIN(o.created_at)"),
    ),
    RowSource("sales_order o", "o.customer_id", (NOT_CANCELED,)),
)
CLV_STATS = StatsSource(
    "clv_stats",
    "sales_order o",
    "o.customer_id",
    (NOT_CANCELED_OR_CLOSED,),
    (("order_count", "COUNT(*)"), ("sales_total", "ROUND(SUM(o.grand_total), 4)")),
    RowSource("sales_order o", "o.customer_id", (NOT_CANCELED_OR_CLOSED,)),
)
REFUND_STATS = StatsSource(
    "refund_stats",
    "sales_creditmemo m\n        JOIN sales_order o ON o.id = m.order_id",
    "o.customer_id",
    (NOT_CANCELED_OR_CLOSED,),
    (("refund_total", "ROUND(SUM(m.grand_total), 4)"),),
)
LOGIN_STATS = StatsSource(
    "login_stats",
    "customer_login l",
    "l.customer_id",
    (),
    (("last_login_at", "MAX(l.login_at)"),),
)
VIEW_STATS = StatsSource(
    "view_stats",
    "product_view v",
    "v.customer_id",
    (),
    (("product_count", "COUNT(DISTINCT v.product_id)"), ("last_viewed_at", "MAX(v.added_at)")),
    VIEWS,
)
WISHLIST_STATS = StatsSource(
    "wishlist_stats",
    "wishlist_item wi\n        JOIN wishlist w ON w.id = wi.wishlist_id",
    "w.customer_id",
    (),
    (("item_count", "COUNT(*)"), ("last_added_at", "MAX(wi.added_at)")),
    WISHLIST_ITEMS,
)

SUBSCRIBER = JoinedTable("ns", "newsletter_subscriber", "customer_id")
