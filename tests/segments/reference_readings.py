"""What a condition leaf compares for one customer, read from plain store rows (SEMANTICS §3)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tests.segments import store_rows as rows


@dataclass(frozen=True)
class Reading:
    """What a leaf sees for one customer.

    `values`: one value for a customer-level attribute (None when missing), one value
    per row for a row-level one. `categories` replaces `values` for category_id.
    """

    values: tuple[Any, ...] = ()
    categories: tuple[frozenset[int], ...] | None = None


def _one(value: Any) -> Reading:
    return Reading(values=(value,))


def _each(values: Iterable[Any]) -> Reading:
    return Reading(values=tuple(values))


def utc_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).date()
    return moment


def days_since(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    return (utc_date(now) - utc_date(moment)).days


def hours_since(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    return math.floor((now - moment).total_seconds() / 3600)


def birthday_in(year: int, dob: date) -> date:
    if dob.month == 2 and dob.day == 29 and not _is_leap(year):
        return date(year, 2, 28)
    return date(year, dob.month, dob.day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_until_birthday(dob: date | None, today: date) -> int | None:
    if dob is None:
        return None
    birthday = birthday_in(today.year, dob)
    if birthday < today:
        birthday = birthday_in(today.year + 1, dob)
    return (birthday - today).days


def _money(amount: Decimal | int) -> Fraction:
    return Fraction(amount)


def _average(amounts: list[Fraction]) -> Fraction:
    return sum(amounts, Fraction(0)) / len(amounts) if amounts else Fraction(0)


class CustomerFacts:
    """One customer's rows, found by plain scans of the store data."""

    def __init__(self, customer: rows.Customer, data: rows.StoreData, now: datetime) -> None:
        self.customer = customer
        self.data = data
        self.now = now
        cid = customer.id
        self.addresses = [a for a in data.addresses if a.customer_id == cid]
        self.subscriber = next((s for s in data.subscribers if s.customer_id == cid), None)
        self.logins = [login.login_at for login in data.logins if login.customer_id == cid]
        self.orders = [o for o in data.orders if o.customer_id == cid]
        self.live_orders = [o for o in self.orders if o.state != "canceled"]
        self.clv_orders = [o for o in self.orders if o.state not in ("canceled", "closed")]
        live_ids = {o.id for o in self.live_orders}
        self.live_order_items = [i for i in data.order_items if i.order_id in live_ids]
        self.carts = [q for q in data.quotes if q.customer_id == cid]
        self.active_carts = [q for q in self.carts if q.is_active]
        active_ids = {q.id for q in self.active_carts}
        self.active_cart_items = [i for i in data.quote_items if i.quote_id in active_ids]
        self.views = [v for v in data.views if v.customer_id == cid]
        self.wishlists = [w for w in data.wishlists if w.customer_id == cid]
        wishlist_ids = {w.id for w in self.wishlists}
        self.wishlist_items = [i for i in data.wishlist_items if i.wishlist_id in wishlist_ids]

    def product(self, product_id: int | None) -> rows.Product | None:
        return next((p for p in self.data.products if p.id == product_id), None)

    def categories(self, product_id: int | None) -> frozenset[int]:
        return frozenset(
            pc.category_id for pc in self.data.product_categories if pc.product_id == product_id
        )

    def last_live_order_at(self) -> datetime | None:
        return max((o.created_at for o in self.live_orders), default=None)


def _customer_attributes(attribute: str, f: CustomerFacts) -> Reading:
    c = f.customer
    if attribute == "days_since_registration":
        return _one(days_since(c.created_at, f.now))
    if attribute == "days_until_birthday":
        return _one(days_until_birthday(c.dob, utc_date(f.now)))
    return _one(getattr(c, attribute))


def _customer_address(attribute: str, f: CustomerFacts) -> Reading:
    return _each(getattr(a, attribute) for a in f.addresses)


def _customer_clv(attribute: str, f: CustomerFacts) -> Reading:
    sales = [_money(o.grand_total) for o in f.clv_orders]
    order_ids = {o.id for o in f.clv_orders}
    refunds = sum(
        (_money(m.grand_total) for m in f.data.creditmemos if m.order_id in order_ids),
        Fraction(0),
    )
    return _one(
        {
            "lifetime_sales": sum(sales, Fraction(0)),
            "number_of_orders": len(sales),
            "average_order_value": _average(sales),
            "lifetime_refunds": refunds,
            "lifetime_profit": sum(sales, Fraction(0)) - refunds,
        }[attribute]
    )


def _customer_newsletter(attribute: str, f: CustomerFacts) -> Reading:
    if f.subscriber is None:
        return _one(None)
    return _one(getattr(f.subscriber, attribute))


def _cart_attributes(attribute: str, f: CustomerFacts) -> Reading:
    if attribute == "is_active":
        return _each(q.is_active for q in f.carts)
    if attribute == "hours_since_created":
        return _each(hours_since(q.created_at, f.now) for q in f.active_carts)
    if attribute == "hours_since_updated":
        return _each(hours_since(q.updated_at, f.now) for q in f.active_carts)
    return _each(getattr(q, attribute) for q in f.active_carts)


def _item_reading(attribute: str, items: list[Any], f: CustomerFacts) -> Reading:
    """Order and cart items: their own recorded product fields."""
    if attribute == "category_id":
        return Reading(categories=tuple(f.categories(i.product_id) for i in items))
    column = "name" if attribute == "product_name" else attribute
    return _each(getattr(i, column) for i in items)


def _product_reading(attribute: str, product_ids: list[int], f: CustomerFacts) -> Reading:
    """Views and wishlist items: the product's current fields."""
    if attribute == "category_id":
        return Reading(categories=tuple(f.categories(p) for p in product_ids))
    if attribute == "product_id":
        return _each(product_ids)
    column = {"sku": "sku", "product_name": "name", "product_type": "type_id"}[attribute]
    products = (f.product(p) for p in product_ids)
    return _each(None if p is None else getattr(p, column) for p in products)


def _cart_items(attribute: str, f: CustomerFacts) -> Reading:
    return _item_reading(attribute, f.active_cart_items, f)


_ORDER_COLUMNS = {"total_qty": "total_qty_ordered", "currency_code": "order_currency_code"}


def _order_attributes(attribute: str, f: CustomerFacts) -> Reading:
    totals = [_money(o.grand_total) for o in f.live_orders]
    if attribute == "days_since_last_order":
        return _one(days_since(f.last_live_order_at(), f.now))
    if attribute == "average_order_amount":
        return _one(_average(totals))
    if attribute == "total_ordered_amount":
        return _one(sum(totals, Fraction(0)))
    if attribute == "number_of_orders":
        return _one(len(totals))
    column = _ORDER_COLUMNS.get(attribute, attribute)
    return _each(getattr(o, column) for o in f.orders)


def _order_items(attribute: str, f: CustomerFacts) -> Reading:
    return _item_reading(attribute, f.live_order_items, f)


def _product_viewed(attribute: str, f: CustomerFacts) -> Reading:
    last_view = max((v.added_at for v in f.views), default=None)
    if attribute == "view_count":
        return _one(len({v.product_id for v in f.views}))
    if attribute == "days_since_last_view":
        return _one(days_since(last_view, f.now))
    if attribute == "last_viewed_at":
        return _one(last_view)
    return _product_reading(attribute, [v.product_id for v in f.views], f)


def _product_wishlist(attribute: str, f: CustomerFacts) -> Reading:
    if attribute == "wishlist_items_count":
        return _one(len(f.wishlist_items))
    if attribute == "days_since_added":
        return _one(days_since(max((i.added_at for i in f.wishlist_items), default=None), f.now))
    if attribute == "added_at":
        return _each(i.added_at for i in f.wishlist_items)
    if attribute == "wishlist_shared":
        return _each(w.shared for w in f.wishlists)
    return _product_reading(attribute, [i.product_id for i in f.wishlist_items], f)


def _customer_timebased(attribute: str, f: CustomerFacts) -> Reading:
    first = min((o.created_at for o in f.live_orders), default=None)
    last = f.last_live_order_at()
    if attribute == "days_since_last_login":
        return _one(days_since(max(f.logins, default=None), f.now))
    if attribute == "days_since_last_order":
        return _one(days_since(last, f.now))
    if attribute == "days_since_first_order":
        return _one(days_since(first, f.now))
    if attribute == "days_inactive":
        candidates = [f.customer.created_at, *f.logins, *([last] if last else [])]
        return _one(days_since(max(candidates), f.now))
    if attribute == "order_frequency_days":
        if first is None or last is None or len(f.live_orders) < 2:
            return _one(None)
        span = (utc_date(last) - utc_date(first)).days
        return _one(Fraction(span, len(f.live_orders) - 1))
    if attribute == "days_without_purchase":
        since = days_since(last, f.now)
        return _one(math.inf if since is None else since)
    raise KeyError(attribute)


_READERS: dict[str, Callable[[str, CustomerFacts], Reading]] = {
    "customer_attributes": _customer_attributes,
    "customer_address": _customer_address,
    "customer_clv": _customer_clv,
    "customer_newsletter": _customer_newsletter,
    "cart_attributes": _cart_attributes,
    "cart_items": _cart_items,
    "order_attributes": _order_attributes,
    "order_items": _order_items,
    "product_viewed": _product_viewed,
    "product_wishlist": _product_wishlist,
    "customer_timebased": _customer_timebased,
}


def read(condition_type: str, attribute: str, facts: CustomerFacts) -> Reading:
    """The values a leaf of this type and attribute compares for one customer."""
    return _READERS[condition_type](attribute, facts)
