"""Hypothesis strategies: small store data and condition trees whose values sit near it.

Values are picked from what the data actually holds (through the reference readings)
and nudged by a little, so that a leaf matches some customers and not others. Times
cluster around day and hour boundaries relative to `now`; amounts are multiples of
0.25 so that sums and averages are exact in binary floating point as well.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from tests.segments import store_rows as rows
from tests.segments.reference_catalog import ATTRIBUTES, LONG_TYPE_PREFIX, OPERATORS
from tests.segments.reference_readings import CustomerFacts, read, utc_date

# Instants around a leap day, a year end and an ordinary day.
NOWS = [
    datetime(2025, 3, 1, 0, 30, tzinfo=UTC),
    datetime(2023, 2, 28, 23, 45, tzinfo=UTC),
    datetime(2024, 2, 29, 12, 0, tzinfo=UTC),
    datetime(2024, 12, 31, 23, 15, tzinfo=UTC),
    datetime(2025, 1, 1, 0, 5, tzinfo=UTC),
    datetime(2025, 6, 15, 10, 0, tzinfo=UTC),
]
WEBSITES = [rows.Website(1, "base"), rows.Website(2, "second")]
STORES = [rows.Store(1, 1, "default"), rows.Store(2, 1, "french"), rows.Store(3, 2, "second")]
GROUPS = [rows.CustomerGroup(1, "general"), rows.CustomerGroup(2, "wholesale")]
CATEGORIES = [
    rows.Category(10, "Clothes", None),
    rows.Category(11, "Tops", 10),
    rows.Category(12, "Home", None),
    rows.Category(13, "Sale", None),
]
PRODUCTS = [
    rows.Product(100, "TEE-1", "Red Tee", "configurable"),
    rows.Product(101, "MUG-1", "Mug", "simple"),
    rows.Product(102, "BOOK_%", "Book 50% off", "virtual"),
    rows.Product(103, "gift", "Gift Card", "downloadable"),
]
# 104 is sold and viewed but missing from the catalog.
PRODUCT_IDS = [100, 101, 102, 103, 104]
PRODUCT_TYPES = ["simple", "configurable", "grouped", "bundle", "downloadable", "virtual"]
ORDER_STATES = ["new", "processing", "complete", "canceled", "closed", "holded"]

# ASCII apart from a lower-case "é" whose case is never changed (SQLite folds ASCII only).
PERSON_NAMES = ["anna", "Anna", "ANNA", "bob", "Ann%", "a_b", "o'neil", "josé", " anna"]
TEXT: dict[str, list[str | None]] = {
    "firstname": [*PERSON_NAMES, None],
    "lastname": ["Smith", "smith", "Smith-Jones", "o'neil", None],
    "company": ["ACME", "acme ltd", "50%", 'the "best" co', None],
    "street": ["Main St 1", "main st 2", "1_2 Road", "C:\\new\\Road", None],
    "city": ["Berlin", "berlin", "Paris", None],
    "region": ["BE", "Ile-de-France", None],
    "postcode": ["10115", "75001", None],
    "telephone": ["+49 30 123", "555", None],
    "country_id": ["DE", "FR", "US", None],
    "applied_rule_ids": ["1", "1,2", "2,3", None],
    "coupon_code": ["SAVE10", "save10", "SUMMER_%", None],
    "status": ["pending", "processing", "complete", "canceled", "closed", "fraud"],
    "order_currency_code": ["USD", "EUR", None],
    "payment_method": ["checkmo", "paypal_express", None],
    "shipping_method": ["flatrate_flatrate", "freeshipping_freeshipping", None],
    "email": ["anna@example.com", "Bob@Example.com", "x_y@test.org", "a%b@test.org"],
}
DOBS = [date(2000, 2, 29), date(1996, 2, 29), date(1990, 12, 31), date(1985, 1, 1)]


@functools.lru_cache(maxsize=None, typed=True)
def pick(*options: Any) -> st.SearchStrategy[Any]:
    """`sampled_from` over fixed options, built once: building strategies per draw is slow."""
    return st.sampled_from(options)


def text(name: str) -> st.SearchStrategy[str | None]:
    return pick(*TEXT[name])


@functools.cache
def amounts(low: int = 0, high: int = 200) -> st.SearchStrategy[Decimal]:
    return st.integers(low * 4, high * 4).map(lambda quarters: Decimal(quarters) / 4)


# How long before `now`: whole hours, around a midnight, or anything within ~2 years.
_AGES = st.one_of(
    st.tuples(st.just("hours"), st.integers(0, 72), st.just(0), st.just(0)),
    st.tuples(st.just("midnight"), st.integers(0, 40), pick(-1, 0, 1), st.just(0)),
    st.tuples(st.just("any"), st.integers(0, 800), st.integers(0, 86399), st.integers(0, 999999)),
)


def _before(now: datetime, age: tuple[str, int, int, int]) -> datetime:
    kind, amount, seconds, microseconds = age
    if kind == "hours":
        return now - timedelta(hours=amount)
    if kind == "midnight":
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return min(now, midnight - timedelta(days=amount, seconds=seconds))
    return now - timedelta(days=amount, seconds=seconds, microseconds=microseconds)


def past_time(draw: st.DrawFn, now: datetime) -> datetime:
    """A time at or before `now`, often exactly on an hour or day boundary."""
    return _before(now, draw(_AGES))


def maybe_past_time(draw: st.DrawFn, now: datetime, after: datetime | None = None):
    if draw(st.booleans()):
        return None
    moment = past_time(draw, now)
    return moment if after is None else max(moment, after)


class _Ids:
    """Sequential ids per table, so every drawn row has its own."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        self._last[table] = self._last.get(table, 0) + 1
        return self._last[table]


@st.composite
def dobs(draw: st.DrawFn, now: datetime) -> date | None:
    near_today = st.integers(-2, 2).map(
        lambda d: (utc_date(now) + timedelta(days=d)).replace(year=1992)
    )
    return draw(st.one_of(st.none(), st.sampled_from(DOBS), near_today))


@st.composite
def _customer(draw: st.DrawFn, cid: int, now: datetime) -> rows.Customer:
    return rows.Customer(
        id=cid,
        website_id=draw(pick(1, 2)),
        store_id=draw(pick(None, 1, 2, 3)),
        group_id=draw(pick(1, 2)),
        email=draw(text("email").map(lambda e: f"{cid}{e}")),
        firstname=draw(text("firstname")),
        lastname=draw(text("lastname")),
        gender=draw(pick(None, "male", "female")),
        dob=draw(dobs(now)),
        created_at=past_time(draw, now),
        is_active=draw(pick(True, True, True, False)),
    )


def _address(draw: st.DrawFn, ids: _Ids, cid: int) -> rows.CustomerAddress:
    fields = ["firstname", "lastname", "company", "street", "city", "region", "postcode"]
    return rows.CustomerAddress(
        id=ids("address"),
        customer_id=cid,
        **{name: draw(text(name)) for name in fields},
        country_id=draw(text("country_id")),
        telephone=draw(text("telephone")),
    )


def _item_fields(draw: st.DrawFn) -> dict[str, Any]:
    product_id = draw(pick(*PRODUCT_IDS, None))
    product = next((p for p in PRODUCTS if p.id == product_id), None)
    return {
        "product_id": product_id,
        "sku": draw(pick(product.sku if product else None, "OLD-SKU", None)),
        "name": draw(pick(product.name if product else None, "old tee", None)),
        "product_type": draw(st.sampled_from([*PRODUCT_TYPES[:2], "virtual", None])),
    }


def _order(
    draw: st.DrawFn, ids: _Ids, cid: int | None, now: datetime, data: rows.StoreData
) -> None:
    oid = ids("order")
    state = draw(st.sampled_from(ORDER_STATES))
    created = past_time(draw, now)
    data.orders.append(
        rows.Order(
            id=oid,
            customer_id=cid,
            store_id=draw(pick(None, 1, 2, 3)),
            state=state,
            status=draw(pick(state, state, "fraud")),
            created_at=created,
            updated_at=maybe_past_time(draw, now, created),
            grand_total=draw(amounts()),
            subtotal=draw(amounts()),
            tax_amount=draw(amounts(0, 20)),
            shipping_amount=draw(amounts(0, 10)),
            discount_amount=draw(amounts(-20, 0)),
            total_qty_ordered=Decimal(draw(st.integers(0, 5))),
            order_currency_code=draw(text("order_currency_code")),
            payment_method=draw(text("payment_method")),
            shipping_method=draw(text("shipping_method")),
            coupon_code=draw(text("coupon_code")),
        )
    )
    for _ in range(draw(st.integers(0, 2))):
        data.order_items.append(
            rows.OrderItem(
                id=ids("order_item"),
                order_id=oid,
                **_item_fields(draw),
                qty_ordered=Decimal(draw(st.integers(1, 3))),
                price=draw(amounts(0, 50)),
                row_total=draw(amounts(0, 100)),
                discount_amount=draw(amounts(0, 10)),
            )
        )
    memos = st.integers(0, 2) if state == "closed" else pick(0, 0, 0, 1)
    for _ in range(draw(memos)):
        data.creditmemos.append(
            rows.Creditmemo(ids("creditmemo"), oid, draw(amounts(0, 100)), past_time(draw, now))
        )


def _cart(draw: st.DrawFn, ids: _Ids, cid: int, now: datetime, data: rows.StoreData) -> None:
    qid = ids("quote")
    created = past_time(draw, now)
    data.quotes.append(
        rows.Quote(
            id=qid,
            customer_id=cid,
            store_id=draw(pick(None, 1, 2, 3)),
            is_active=draw(st.booleans()),
            created_at=created,
            updated_at=maybe_past_time(draw, now, created),
            items_count=draw(st.integers(0, 4)),
            items_qty=Decimal(draw(st.integers(0, 6))),
            base_subtotal=draw(amounts()),
            base_grand_total=draw(amounts()),
            applied_rule_ids=draw(text("applied_rule_ids")),
            coupon_code=draw(text("coupon_code")),
        )
    )
    for _ in range(draw(st.integers(0, 2))):
        data.quote_items.append(
            rows.QuoteItem(
                id=ids("quote_item"),
                quote_id=qid,
                **_item_fields(draw),
                qty=Decimal(draw(st.integers(1, 3))),
                price=draw(amounts(0, 50)),
                row_total=draw(amounts(0, 100)),
                created_at=maybe_past_time(draw, now),
            )
        )


def _activity(draw: st.DrawFn, ids: _Ids, cid: int, now: datetime, data: rows.StoreData) -> None:
    status = draw(pick(None, 1, 2, 3, 4))
    if status is not None:
        changed = maybe_past_time(draw, now)
        data.subscribers.append(rows.NewsletterSubscriber(ids("subscriber"), cid, status, changed))
    for login_at in {past_time(draw, now) for _ in range(draw(st.integers(0, 3)))}:
        data.logins.append(rows.CustomerLogin(ids("login"), cid, login_at))
    for product_id in draw(st.sets(st.sampled_from(PRODUCT_IDS), max_size=3)):
        data.views.append(rows.ProductView(ids("view"), cid, product_id, 1, past_time(draw, now)))
    for _ in range(draw(st.integers(0, 2))):
        wid = ids("wishlist")
        data.wishlists.append(rows.Wishlist(wid, cid, draw(st.booleans())))
        for product_id in draw(st.lists(st.sampled_from(PRODUCT_IDS), max_size=2)):
            data.wishlist_items.append(
                rows.WishlistItem(ids("wishlist_item"), wid, product_id, past_time(draw, now))
            )


@st.composite
def store_data(draw: st.DrawFn, now: datetime) -> rows.StoreData:
    """4-8 customers with a little of everything; reference tables are fixed."""
    ids = _Ids()
    category_sets = [draw(st.sets(pick(*(c.id for c in CATEGORIES)))) for _ in PRODUCTS]
    data = rows.StoreData(
        websites=list(WEBSITES),
        stores=list(STORES),
        groups=list(GROUPS),
        categories=list(CATEGORIES),
        products=list(PRODUCTS),
        product_categories=[
            rows.ProductCategory(ids("product_category"), product.id, category)
            for product, categories in zip(PRODUCTS, category_sets, strict=True)
            for category in sorted(categories)
        ],
    )
    for cid in range(1, draw(st.integers(4, 8)) + 1):
        data.customers.append(draw(_customer(cid, now)))
        for _ in range(draw(st.integers(0, 2))):
            data.addresses.append(_address(draw, ids, cid))
        for _ in range(draw(st.integers(0, 3))):
            _order(draw, ids, cid, now, data)
        for _ in range(draw(st.integers(0, 2))):
            _cart(draw, ids, cid, now, data)
        _activity(draw, ids, cid, now, data)
    if draw(st.booleans()):
        _order(draw, ids, None, now, data)  # a guest order
    return data


# ---------------------------------------------------------------- condition values

SELECT_OPTIONS: dict[str, list[Any]] = {
    "gender": ["male", "female"],
    "group_id": [1, 2],
    "store_id": [1, 2, 3],
    "website_id": [1, 2],
    "subscriber_status": [1, 2, 3, 4],
    "is_active": [1, 0],
    "wishlist_shared": [1, 0],
    "product_type": PRODUCT_TYPES,
}
CODE_VALUED_UNSEEN = "unseen"


def observed(condition_type: str, attribute: str, data: rows.StoreData, now: datetime) -> list:
    """Every non-missing value the leaf would compare, over all customers."""
    values: list[Any] = []
    for customer in data.customers:
        reading = read(condition_type, attribute, CustomerFacts(customer, data, now))
        if reading.categories is not None:
            values.extend(c for cats in reading.categories for c in cats)
        values.extend(v for v in reading.values if v is not None)
    return values


def _render_number(number: Fraction) -> st.SearchStrategy[Any]:
    if number.denominator == 1:
        return st.sampled_from([int(number), str(int(number))])
    exact = Decimal(number.numerator) / Decimal(number.denominator)
    if number.denominator in (2, 4):
        return st.sampled_from([float(number), str(exact)])
    return st.just(str(round(exact, 4)))


@st.composite
def _number(draw: st.DrawFn, seen: list[Any]) -> Any:
    finite = [Fraction(v) for v in seen if v != float("inf")]
    base = draw(st.sampled_from([*finite, Fraction(0), Fraction(1)]))
    nudges = [Fraction(n, 4) for n in (0, 0, 0, 4, -4, 1, -1)]
    nudge = draw(st.sampled_from(nudges))
    return draw(_render_number(base + nudge))


def _swap_ascii_case(value: str) -> str:
    return "".join(ch.swapcase() if ch.isascii() else ch for ch in value)


@st.composite
def _string(draw: st.DrawFn, seen: list[Any], operator: str) -> str:
    base = draw(st.sampled_from([*(str(v) for v in seen), "zzz", "A"]))
    if operator in ("{}", "!{}"):
        start = draw(st.integers(0, len(base) - 1))
        end = draw(st.integers(start + 1, len(base)))
        base = base[start:end]
    if draw(st.integers(0, 3)) == 0:
        base = _swap_ascii_case(base)
    return base


@st.composite
def _date(draw: st.DrawFn, seen: list[Any], now: datetime) -> str:
    days = [utc_date(v) for v in seen] + [utc_date(now)]
    day = draw(st.sampled_from(days)) + timedelta(days=draw(pick(0, 0, 1, -1)))
    return day.isoformat()


def _select(attribute: str, seen: list[Any]) -> st.SearchStrategy[Any]:
    if attribute in SELECT_OPTIONS:
        options = SELECT_OPTIONS[attribute]
        return st.sampled_from(options).flatmap(lambda o: st.sampled_from([o, str(o)]))
    codes = sorted({str(v) for v in seen} | {CODE_VALUED_UNSEEN})
    return st.sampled_from(codes)


def _as_list_value(items: list[Any]) -> st.SearchStrategy[Any]:
    """A list, or Maho's comma-separated string when no item would be changed by it."""
    texts = [str(i) for i in items]
    if any("," in t or t != t.strip() for t in texts):
        return st.just(items)
    return st.sampled_from([items, ", ".join(texts), ",".join(texts)])


@st.composite
def leaf_values(
    draw: st.DrawFn,
    condition_type: str,
    attribute: str,
    operator: str,
    data: rows.StoreData,
    now: datetime,
) -> Any:
    input_type = ATTRIBUTES[condition_type][attribute]
    seen = observed(condition_type, attribute, data, now)
    if input_type == "numeric":
        one = _number(seen)
    elif input_type == "string":
        one = _string(seen, operator)
    elif input_type == "date":
        one = _date(seen, now)
    else:
        one = _select(attribute, seen)
    if operator in ("()", "!()"):
        return draw(st.lists(one, min_size=1, max_size=3).flatmap(_as_list_value))
    return draw(one)


# ---------------------------------------------------------------- trees

CONDITION_TYPES = pick(*ATTRIBUTES)


@st.composite
def leaves(draw: st.DrawFn, data: rows.StoreData, now: datetime) -> dict[str, Any]:
    condition_type = draw(CONDITION_TYPES)
    attribute = draw(pick(*ATTRIBUTES[condition_type]))
    operator = draw(st.sampled_from(OPERATORS[ATTRIBUTES[condition_type][attribute]]))
    value = draw(leaf_values(condition_type, attribute, operator, data, now))
    name = draw(pick(condition_type, condition_type, LONG_TYPE_PREFIX + condition_type))
    return {"type": name, "attribute": attribute, "operator": operator, "value": value}


@st.composite
def groups(draw: st.DrawFn, data: rows.StoreData, now: datetime, depth: int = 1) -> dict:
    """A group of depth <= 3 (the root is depth 1); sometimes empty, sometimes valueless."""
    child = leaves(data, now)
    if depth < 3:
        child = st.one_of(child, child, groups(data, now, depth + 1))
    group: dict[str, Any] = {
        "type": draw(pick("combine", LONG_TYPE_PREFIX + "combine")),
        "aggregator": draw(pick("all", "any")),
        # The root is never empty by itself, but may become so when its groups are.
        "conditions": draw(st.lists(child, min_size=1 if depth == 1 else 0, max_size=3)),
    }
    value = draw(pick(True, False, "1", "0", None))
    if value is not None:
        group["value"] = value
    return group


TREES_PER_EXAMPLE = 12


@dataclass
class Scenario:
    """One example: store data, trees over it, the segment's scope and the refresh's `now`.

    Several trees share one data set: writing the data costs far more than a query.
    """

    now: datetime
    data: rows.StoreData
    trees: list[dict[str, Any]]
    website_ids: list[int]
    group_ids: list[int]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    now = draw(st.sampled_from(NOWS)) + timedelta(seconds=draw(pick(0, 0, 59)))
    data = draw(store_data(now))
    return Scenario(
        now=now,
        data=data,
        trees=draw(st.lists(groups(data, now), min_size=6, max_size=TREES_PER_EXAMPLE)),
        website_ids=list(draw(pick((1, 2), (1, 2), (1, 2), (1,), (2,)))),
        group_ids=list(draw(pick((), (), (), (1,), (2,), (1, 2)))),
    )
