"""Synthetic customers and everything they do, generated in chunks from one seeded stream.

All randomness comes from one `random.Random(seed)` consumed in a fixed order, and every
time is relative to DEMO_NOW: the same seed always yields the same rows, and the first
customers of a larger run equal those of a smaller one.

Shapes (per customer unless said): dob for 85% (0.5% on 29 Feb), gender male/female/none,
5% inactive; orders 0 (38%), 1 (30%), 2 (15%), else a long Pareto tail up to 150; prices
lognormal so totals are too; 8% of orders canceled, 5% closed with a full credit memo, 3%
of complete ones partly refunded; 35% have a cart, 65% of carts active and last touched
between an hour and four months ago; 65% subscribed in one of the four statuses; views,
wishlists and logins with long tails.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from models.store.demo_catalog import (
    COMPANIES,
    DEMO_NOW,
    FIRST_FEMALE,
    FIRST_MALE,
    LAST,
    PAYMENT_METHODS,
    PLACES,
    SHIPPING_METHODS,
    STREETS,
    Product,
)

Rows = dict[str, list[tuple[Any, ...]]]
DAY = 86400
YEARS_OF_HISTORY = 5
_STATES = [("complete", "complete")] * 78 + [("processing", "processing")] * 6
_STATES += [("new", "pending")] * 3 + [("canceled", "canceled")] * 8 + [("closed", "closed")] * 5
_SUBSCRIBER_STATUSES = [1] * 60 + [2] * 10 + [3] * 22 + [4] * 8


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


class CustomerGenerator:
    """Yields the rows of consecutive customers, keeping the running ids of their records."""

    def __init__(self, rng: random.Random, products: list[Product]) -> None:
        self.rng = rng
        self.products = products
        self.now = DEMO_NOW
        self.next_address = self.next_order = self.next_memo = 1
        self.next_quote = self.next_wishlist = 1

    def _at(self, seconds_ago: float) -> datetime:
        return self.now - timedelta(seconds=int(seconds_ago))

    def _between(self, start: datetime, end: datetime) -> datetime:
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))

    def _product(self) -> Product:
        # Popularity skewed towards the first products of the catalog.
        return self.products[int(len(self.products) * self.rng.random() ** 2.5)]

    def chunk(self, first_id: int, count: int) -> Rows:
        rows: Rows = defaultdict(list)
        for customer_id in range(first_id, first_id + count):
            self._customer(customer_id, rows)
        return rows

    def _customer(self, cid: int, rows: Rows) -> None:
        rng = self.rng
        r = rng.random()
        gender = "female" if r < 0.47 else ("male" if r < 0.88 else None)
        first = rng.choice(FIRST_MALE if gender == "male" else FIRST_FEMALE)
        last = rng.choice(LAST)
        website = 1 if rng.random() < 0.7 else 2
        store = 1 if website == 1 else rng.choice((2, 3))
        g = rng.random()
        group = 1 if g < 0.85 else (2 if g < 0.95 else 3)
        # More customers joined recently than years ago.
        created = self._at(YEARS_OF_HISTORY * 365 * DAY * rng.random() ** 1.5 + 3600)
        email = f"{first.lower()}.{last.lower()}.{cid}@example.com"
        rows["customer"].append(
            (cid, website, store, group, email, first, last, gender, self._dob(),
             created, rng.random() >= 0.05)
        )  # fmt: skip
        self._addresses(cid, first, last, rows)
        if rng.random() < 0.65:
            status = rng.choice(_SUBSCRIBER_STATUSES)
            rows["newsletter_subscriber"].append(
                (cid, email, status, self._between(created, self.now))
            )
        self._orders(cid, website, store, created, rows)
        self._carts(cid, store, created, rows)
        self._views(cid, store, created, rows)
        self._wishlist(cid, created, rows)
        self._logins(cid, created, rows)

    def _dob(self) -> date | None:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return None
        if r < 0.155:
            return date(rng.choice(range(1948, 2008, 4)), 2, 29)
        return date(rng.randint(1946, 2007), 1, 1) + timedelta(days=rng.randint(0, 364))

    def _addresses(self, cid: int, first: str, last: str, rows: Rows) -> None:
        rng = self.rng
        r = rng.random()
        count = 0 if r < 0.12 else (1 if r < 0.82 else (2 if r < 0.96 else 3))
        for _ in range(count):
            country, region, cities, phone = rng.choice(PLACES)
            company = rng.choice(COMPANIES) if rng.random() < 0.1 else None
            rows["customer_address"].append(
                (self.next_address, cid, first, last, company,
                 f"{rng.randint(1, 250)} {rng.choice(STREETS)}", rng.choice(cities), region,
                 f"{rng.randint(10000, 99999)}", country, f"{phone} {rng.randint(10**8, 10**9)}")
            )  # fmt: skip
            self.next_address += 1

    def _order_count(self) -> int:
        r = self.rng.random()
        if r < 0.38:
            return 0
        if r < 0.68:
            return 1
        if r < 0.83:
            return 2
        return min(150, 2 + int(self.rng.paretovariate(1.2)))

    def _orders(self, cid: int, website: int, store: int, created: datetime, rows: Rows) -> None:
        rng = self.rng
        currency = "USD" if website == 1 else "EUR"
        times = sorted(self._between(created, self.now) for _ in range(self._order_count()))
        for placed in times:
            oid = self.next_order
            self.next_order += 1
            items, subtotal, qty_total = self._order_items(oid, rows)
            coupon = rng.random() < 0.1
            discount = subtotal // 10 if coupon else 0
            shipping = 0 if subtotal >= 10000 else rng.choice((500, 990))
            tax = (subtotal - discount) * 7 // 100 if website == 1 else 0
            grand = subtotal - discount + shipping + tax
            state, status = rng.choice(_STATES)
            updated = min(self.now, placed + timedelta(seconds=rng.randint(60, 10 * DAY)))
            rows["sales_order"].append(
                (oid, f"{100000000 + oid}", cid, store, state, status, placed, updated,
                 _money(grand), _money(subtotal), _money(tax), _money(shipping),
                 _money(-discount), Decimal(qty_total), currency, rng.choice(PAYMENT_METHODS),
                 rng.choice(SHIPPING_METHODS), ("WELCOME10" if coupon else None))
            )  # fmt: skip
            refund = grand if state == "closed" else 0
            if state == "complete" and rng.random() < 0.03:
                refund = max(items) if items else 0
            if refund:
                refunded = min(self.now, placed + timedelta(seconds=rng.randint(DAY, 20 * DAY)))
                rows["sales_creditmemo"].append((self.next_memo, oid, _money(refund), refunded))
                self.next_memo += 1

    def _order_items(self, oid: int, rows: Rows) -> tuple[list[int], int, int]:
        rng = self.rng
        r = rng.random()
        count = 1 if r < 0.45 else (2 if r < 0.7 else (3 if r < 0.85 else rng.randint(4, 8)))
        totals, qty_total = [], 0
        for _ in range(count):
            product = self._product()
            qty = 1 if rng.random() < 0.8 else rng.randint(2, 3)
            row_total = product.cents * qty
            totals.append(row_total)
            qty_total += qty
            rows["sales_order_item"].append(
                (oid, product.id, product.sku, product.name, product.type_id, Decimal(qty),
                 _money(product.cents), _money(row_total), _money(0))
            )  # fmt: skip
        return totals, sum(totals), qty_total

    def _carts(self, cid: int, store: int, created: datetime, rows: Rows) -> None:
        rng = self.rng
        if rng.random() >= 0.35:
            return
        active = rng.random() < 0.65
        # Active carts were last touched between an hour and four months ago (log-uniform);
        # inactive ones are older, converted or abandoned carts.
        hours = math.exp(rng.uniform(0, math.log(24 * 120))) if active else rng.uniform(1, 24 * 700)
        updated = max(created, self._at(hours * 3600))
        opened = max(created, updated - timedelta(seconds=rng.randint(0, 3 * DAY)))
        qid = self.next_quote
        self.next_quote += 1
        count, qty_total, subtotal = rng.randint(1, 4), 0, 0
        for _ in range(count):
            product = self._product()
            qty = 1 if rng.random() < 0.85 else 2
            qty_total += qty
            subtotal += product.cents * qty
            rows["sales_quote_item"].append(
                (qid, product.id, product.sku, product.name, product.type_id, Decimal(qty),
                 _money(product.cents), _money(product.cents * qty),
                 self._between(opened, updated))
            )  # fmt: skip
        rule = "1" if rng.random() < 0.1 else None
        grand = subtotal - (subtotal // 10 if rule else 0)
        rows["sales_quote"].append(
            (qid, cid, store, active, opened, updated, count, Decimal(qty_total),
             _money(subtotal), _money(grand), rule, ("WELCOME10" if rule else None))
        )  # fmt: skip

    def _views(self, cid: int, store: int, created: datetime, rows: Rows) -> None:
        rng = self.rng
        if rng.random() >= 0.55:
            return
        count = min(40, 1 + int(rng.expovariate(0.25)))
        seen = {self._product().id for _ in range(count)}
        for product_id in sorted(seen):
            rows["product_view"].append((cid, product_id, store, self._between(created, self.now)))

    def _wishlist(self, cid: int, created: datetime, rows: Rows) -> None:
        rng = self.rng
        if rng.random() >= 0.15:
            return
        wid = self.next_wishlist
        self.next_wishlist += 1
        rows["wishlist"].append((wid, cid, rng.random() < 0.1))
        for product_id in sorted({self._product().id for _ in range(rng.randint(1, 6))}):
            rows["wishlist_item"].append((wid, product_id, self._between(created, self.now)))

    def _logins(self, cid: int, created: datetime, rows: Rows) -> None:
        rng = self.rng
        if rng.random() >= 0.75:
            return
        count = min(60, 1 + int(rng.expovariate(1 / 3)))
        for at in sorted({self._between(created, self.now) for _ in range(count)}):
            rows["customer_login"].append((cid, at))
