"""Small store builders and a table runner for the compiler tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from models.db import connection, dialect
from models.segments.catalog import CATALOG
from models.segments.compiler import compile_members_query
from models.segments.references import load_reference_ids
from models.segments.validation import parse_conditions
from models.store.activity import ProductView, Wishlist, WishlistItem
from models.store.customers import CustomerAddress, CustomerLogin, NewsletterSubscriber
from models.store.reference import Category, CustomerGroup, Product, ProductCategory, Store, Website
from models.store.sales import Creditmemo, Order, OrderItem, Quote, QuoteItem
from tests.segments.store_rows import add_customers, customer_row
from tests.segments.trees import leaf, root

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def reference_data() -> None:
    """Websites 1-2, stores 1 (website 1) and 2 (website 2), groups 1-2."""
    await Website.create(id=1, code="base", name="Main Website")
    await Website.create(id=2, code="second", name="Second Website")
    await Store.create(id=1, website_id=1, code="default", name="Default Store")
    await Store.create(id=2, website_id=2, code="second", name="Second Store")
    await CustomerGroup.create(id=1, code="General")
    await CustomerGroup.create(id=2, code="Wholesale")


async def four_customers() -> None:
    """The reference data and customers 1-4 with every field at its default."""
    await reference_data()
    for cid in (1, 2, 3, 4):
        await customer(cid)


async def customer(id: int, **fields: Any) -> None:
    """store_rows.customer_row's customer, but email customer<id>@example.com by default."""
    await add_customers(customer_row(id, **{"email": f"customer{id}@example.com", **fields}))


async def order(id: int, customer_id: int | None, **fields: Any) -> Order:
    values: dict[str, Any] = {
        "state": "complete",
        "status": "complete",
        "created_at": at(2024, 6, 1),
        "grand_total": Decimal("0"),
    }
    values.update(fields)
    return await Order.create(id=id, customer_id=customer_id, **values)


async def order_item(order_id: int, **fields: Any) -> OrderItem:
    return await OrderItem.create(order_id=order_id, **fields)


async def creditmemo(id: int, order_id: int, grand_total: str) -> Creditmemo:
    return await Creditmemo.create(
        id=id, order_id=order_id, grand_total=Decimal(grand_total), created_at=at(2024, 6, 1)
    )


async def quote(id: int, customer_id: int, **fields: Any) -> Quote:
    values: dict[str, Any] = {"is_active": True, "created_at": at(2024, 6, 1)}
    values.update(fields)
    return await Quote.create(id=id, customer_id=customer_id, **values)


async def quote_item(quote_id: int, **fields: Any) -> QuoteItem:
    return await QuoteItem.create(quote_id=quote_id, **fields)


async def product(
    id: int, sku: str, name: str, categories: Iterable[int] = (), **fields: Any
) -> None:
    await Product.create(id=id, sku=sku, name=name, **fields)
    for category_id in categories:
        if not await Category.exists(id=category_id):
            await Category.create(id=category_id, name=f"Category {category_id}")
        await ProductCategory.create(product_id=id, category_id=category_id)


async def address(id: int, customer_id: int, **fields: Any) -> None:
    await CustomerAddress.create(id=id, customer_id=customer_id, **fields)


async def subscriber(customer_id: int, status: int, changed: datetime | None = None) -> None:
    await NewsletterSubscriber.create(
        customer_id=customer_id, subscriber_status=status, change_status_at=changed
    )


async def login(customer_id: int, when: datetime) -> None:
    await CustomerLogin.create(customer_id=customer_id, login_at=when)


async def view(customer_id: int, product_id: int, when: datetime) -> None:
    await ProductView.create(customer_id=customer_id, product_id=product_id, added_at=when)


async def wishlist(
    id: int, customer_id: int, shared: bool, items: Sequence[tuple[int, datetime]]
) -> None:
    await Wishlist.create(id=id, customer_id=customer_id, shared=shared)
    for product_id, when in items:
        await WishlistItem.create(wishlist_id=id, product_id=product_id, added_at=when)


async def members(
    tree: Any,
    *,
    website_ids: Sequence[int] = (1, 2),
    group_ids: Sequence[int] = (),
    customer_ids: Sequence[int] | None = None,
    now: datetime = NOW,
) -> set[int]:
    """Ids the compiled query returns for a tree as an admin sends it."""
    parsed = parse_conditions(tree, await load_reference_ids())
    compiled = compile_members_query(
        parsed,
        website_ids=website_ids,
        group_ids=group_ids,
        now=now,
        dialect=dialect(),
        customer_ids=customer_ids,
    )
    rows = await connection().execute_query_dict(compiled.sql, compiled.params)
    return {int(r["customer_id"]) for r in rows}


@dataclass(frozen=True)
class Case:
    attribute: str
    operator: str
    value: Any
    expected: set[int]


async def check_cases(type_: str, cases: Sequence[Case], *, now: datetime = NOW) -> None:
    """Every attribute of the type has a case; fail once, listing each case that does not hold."""
    missing = set(CATALOG[type_].attributes) - {c.attribute for c in cases}
    assert not missing, f"{type_}: no case for {sorted(missing)}"
    failures = []
    for case in cases:
        got = await members(root(leaf(type_, case.attribute, case.operator, case.value)), now=now)
        if got != case.expected:
            failures.append(
                f"{case.attribute} {case.operator} {case.value!r}: "
                f"expected {sorted(case.expected)}, got {sorted(got)}"
            )
    assert not failures, f"{dialect()}:\n" + "\n".join(failures)


def d(value: str) -> date:
    return date.fromisoformat(value)
