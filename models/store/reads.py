"""Batched reads of store data for the admin API: each function is one or two queries
for any number of keys, so a DataLoader can serve a whole list of customers at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from tortoise.models import Model

from models.db import connection, placeholder
from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size
from models.store.customers import Customer, CustomerAddress, NewsletterSubscriber
from models.store.reference import CustomerGroup, Store, Website
from models.store.sales import Creditmemo, Order, OrderItem

M = TypeVar("M", bound=Model)

CUSTOMER_CURSOR = "customer"
ORDER_CURSOR = "order"
DEFAULT_ORDERS_PAGE = 10
MAX_ORDERS_PAGE = 100
MONEY_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True)
class CustomerFilter:
    website_id: int | None = None
    group_id: int | None = None
    email_contains: str | None = None


@dataclass(frozen=True)
class OrdersPageKey:
    """One customer's orders page: a DataLoader key, so equal requests share one fetch."""

    customer_id: int
    first: int
    after_order_id: int | None


@dataclass(frozen=True)
class SalesTotals:
    orders_count: int
    lifetime_sales: Decimal
    refunded_total: Decimal


def money(value: Any) -> Decimal:
    # SQLite sums NUMERIC columns as floats: round back to the stored precision.
    return Decimal(str(value or 0)).quantize(MONEY_QUANTUM)


async def _by_id(model: type[M], ids: Iterable[int]) -> dict[int, M]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row.pk: row for row in await model.filter(id__in=wanted)}


async def websites_by_id(ids: Iterable[int]) -> dict[int, Website]:
    return await _by_id(Website, ids)


async def stores_by_id(ids: Iterable[int]) -> dict[int, Store]:
    return await _by_id(Store, ids)


async def customer_groups_by_id(ids: Iterable[int]) -> dict[int, CustomerGroup]:
    return await _by_id(CustomerGroup, ids)


async def customers_by_id(ids: Iterable[int]) -> dict[int, Customer]:
    return await _by_id(Customer, ids)


async def all_websites() -> list[Website]:
    return await Website.all().order_by("id")


async def all_stores() -> list[Store]:
    return await Store.all().order_by("id")


async def all_customer_groups() -> list[CustomerGroup]:
    return await CustomerGroup.all().order_by("id")


async def _grouped(
    model: type[M], key_field: str, keys: Iterable[int], order: Sequence[str]
) -> dict[int, list[M]]:
    wanted = sorted(set(keys))
    found: dict[int, list[M]] = defaultdict(list)
    if wanted:
        rows = await model.filter(**{f"{key_field}__in": wanted}).order_by(*order)
        for row in rows:
            found[getattr(row, key_field)].append(row)
    return {key: found.get(key, []) for key in wanted}


async def stores_of_websites(website_ids: Iterable[int]) -> dict[int, list[Store]]:
    return await _grouped(Store, "website_id", website_ids, ("id",))


async def addresses_of_customers(customer_ids: Iterable[int]) -> dict[int, list[CustomerAddress]]:
    return await _grouped(CustomerAddress, "customer_id", customer_ids, ("id",))


async def items_of_orders(order_ids: Iterable[int]) -> dict[int, list[OrderItem]]:
    return await _grouped(OrderItem, "order_id", order_ids, ("id",))


async def creditmemos_of_orders(order_ids: Iterable[int]) -> dict[int, list[Creditmemo]]:
    return await _grouped(Creditmemo, "order_id", order_ids, ("created_at", "id"))


async def subscribers_of_customers(
    customer_ids: Iterable[int],
) -> dict[int, NewsletterSubscriber | None]:
    wanted = sorted(set(customer_ids))
    rows = await NewsletterSubscriber.filter(customer_id__in=wanted) if wanted else []
    found = {row.customer_id: row for row in rows}  # type: ignore[attr-defined]
    return {customer_id: found.get(customer_id) for customer_id in wanted}


def customer_cursor(customer_id: int) -> str:
    return encode_cursor(CUSTOMER_CURSOR, customer_id)


async def customers_page(
    *, first: int | None, after: str | None, where: CustomerFilter
) -> Page[Customer]:
    """Customers in id order, keyset-paginated on id."""
    size = page_size(first)
    key = decode_cursor(after, CUSTOMER_CURSOR, (int,))
    query = Customer.all()
    if where.website_id is not None:
        query = query.filter(website_id=where.website_id)
    if where.group_id is not None:
        query = query.filter(group_id=where.group_id)
    if where.email_contains:
        query = query.filter(email__icontains=where.email_contains)
    matching = query
    if key is not None:
        query = query.filter(id__gt=key[0])
    rows = await query.order_by("id").limit(size + 1)
    return page_from_rows(rows, size, lambda c: customer_cursor(c.id), matching.count)


def order_cursor(order_id: int) -> str:
    return encode_cursor(ORDER_CURSOR, order_id)


def orders_page_key(customer_id: int, first: int | None, after: str | None) -> OrdersPageKey:
    """Validate paging arguments of a customer's orders (newest first)."""
    size = page_size(first, maximum=MAX_ORDERS_PAGE) if first is not None else DEFAULT_ORDERS_PAGE
    key = decode_cursor(after, ORDER_CURSOR, (int,))
    return OrdersPageKey(customer_id, size, key[0] if key else None)


async def order_pages(keys: Iterable[OrdersPageKey]) -> dict[OrdersPageKey, Page[Order]]:
    """Pages of several customers' orders, newest first; one ranked query per distinct
    (first, after) pair, plus one query loading the orders it picked."""
    keys = list(keys)
    by_paging: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    for key in keys:
        by_paging[(key.first, key.after_order_id)].add(key.customer_id)
    picked: dict[OrdersPageKey, list[int]] = {}
    for (first, after_id), customer_ids in by_paging.items():
        ranked = await _ranked_order_ids(sorted(customer_ids), first + 1, after_id)
        for customer_id in customer_ids:
            picked[OrdersPageKey(customer_id, first, after_id)] = ranked.get(customer_id, [])
    orders = await _by_id(Order, (i for ids in picked.values() for i in ids))
    return {
        key: page_from_rows(
            [orders[i] for i in picked[key] if i in orders], key.first, lambda o: order_cursor(o.id)
        )
        for key in keys
    }


async def _ranked_order_ids(
    customer_ids: list[int], limit: int, after_order_id: int | None
) -> dict[int, list[int]]:
    """Up to `limit` order ids per customer, newest first, older than the `after` order."""
    conn = connection()
    mark = placeholder(conn)
    params: list[Any] = []

    def bind(value: Any) -> str:
        params.append(value)
        return mark.format(len(params))

    newer_than_after = ""
    join_after = ""
    if after_order_id is not None:
        join_after = f"JOIN sales_order a ON a.id = {bind(after_order_id)}"
        newer_than_after = (
            "AND (o.created_at < a.created_at OR (o.created_at = a.created_at AND o.id < a.id))"
        )
    in_list = ", ".join(bind(c) for c in customer_ids)
    sql = f"""
        SELECT customer_id, id FROM (
            SELECT o.customer_id, o.id, ROW_NUMBER() OVER (
                PARTITION BY o.customer_id ORDER BY o.created_at DESC, o.id DESC
            ) AS rn
            FROM sales_order o {join_after}
            WHERE o.customer_id IN ({in_list}) {newer_than_after}
        ) ranked
        WHERE rn <= {bind(limit)}
        ORDER BY customer_id, rn
    """
    found: dict[int, list[int]] = defaultdict(list)
    for row in await conn.execute_query_dict(sql, params):
        found[row["customer_id"]].append(row["id"])
    return found


# SEMANTICS §3 customer_clv: lifetime sales leave out canceled orders and closed (fully
# refunded) ones, so Customer.lifetimeSales shows what the lifetime_sales condition compares.
LIFETIME_EXCLUDED_STATES = ("canceled", "closed")


async def sales_totals_of_customers(customer_ids: Iterable[int]) -> dict[int, SalesTotals]:
    """Per customer: every order counted, lifetime sales (orders neither canceled nor closed),
    every credit memo's grand total."""
    wanted = sorted(set(customer_ids))
    if not wanted:
        return {}
    conn = connection()
    mark = placeholder(conn)
    in_list = ", ".join(mark.format(i + 1) for i in range(len(wanted)))
    excluded = ", ".join(f"'{state}'" for state in LIFETIME_EXCLUDED_STATES)
    orders = await conn.execute_query_dict(
        f"SELECT customer_id, COUNT(*) AS n, SUM(CASE WHEN state NOT IN ({excluded})"
        f" THEN grand_total END) AS total FROM sales_order "
        f"WHERE customer_id IN ({in_list}) GROUP BY customer_id",
        wanted,
    )
    refunds = await conn.execute_query_dict(
        f"SELECT o.customer_id, SUM(c.grand_total) AS total FROM sales_creditmemo c "
        f"JOIN sales_order o ON o.id = c.order_id "
        f"WHERE o.customer_id IN ({in_list}) GROUP BY o.customer_id",
        wanted,
    )
    order_rows = {r["customer_id"]: r for r in orders}
    refunded = {r["customer_id"]: r["total"] for r in refunds}
    return {
        customer_id: SalesTotals(
            orders_count=int(order_rows[customer_id]["n"]) if customer_id in order_rows else 0,
            lifetime_sales=money(order_rows.get(customer_id, {}).get("total")),
            refunded_total=money(refunded.get(customer_id)),
        )
        for customer_id in wanted
    }
