"""A small reference evaluator of SEMANTICS.md §2-§3, written for reading, not speed.

It takes a condition tree as a user sends it (JSON-like, short or long type names) and
plain store rows (tests/segments/store_rows.py) and answers which customers match.
It deliberately shares nothing with models/segments: the property test compares the
two, so each must be derived from SEMANTICS.md on its own.

Readings of SEMANTICS.md where its wording leaves room (each a deliberate choice):

1. Row-level string, numeric and date leaves are evaluated per row; a null field of
   a row makes that row fail every operator, including `!=`, `!{}` and `!()`.
2. `category_id` is the set of the row's product's categories from product_category.
   A row without a product (null product_id) or whose product has no categories has
   the empty set: positive operators fail and `!=` / `!()` hold (nothing excluded).
3. Product fields of views and wishlist items (sku, product_name, product_type) are
   the product's current ones; a view of a product absent from the catalog has them
   null. Item rows (order and cart items) use their own recorded sku, name and type.
4. "Days since X" is (UTC date of now - UTC date of X) in days; "hours since X" is
   floor((now - X) / 1 hour).
5. Averages of nothing are 0 (customer_clv.average_order_value,
   order_attributes.average_order_amount); sums and counts of nothing are 0.
   Averages and order_frequency_days are compared exactly (as fractions).
6. order_attributes.days_since_last_order and every customer_timebased attribute
   read non-canceled orders (any state but `canceled`, closed included); a customer
   whose only orders are canceled has never ordered (days_without_purchase infinite).
7. days_inactive is always defined: registration (created_at) always exists.
8. product_wishlist: product fields and added_at are row-level over the items of all
   the customer's wishlists; wishlist_shared is row-level over the wishlists
   themselves (a customer with a shared but empty wishlist matches `== 1`);
   wishlist_items_count counts items of all wishlists; days_since_added reads the
   latest item's added_at.
9. product_viewed.view_count counts distinct viewed products (0 without views);
   days_since_last_view and last_viewed_at read the latest view.
10. cart_attributes.is_active is row-level over all the customer's carts; every other
    cart attribute and every cart_items attribute read only active carts (any of them).
11. Select values compare by their text: ids and statuses `1` and `"1"` are equal,
    booleans are `1`/`0`. `()` / `!()` take a list (items as given) or a
    comma-separated string (items trimmed); other operators take string values as
    given, untrimmed. Numeric strings may carry surrounding spaces.
12. `{}` / `!{}` fold case with str.lower(); the generated data never needs a
    non-ASCII letter folded, where SQLite and PostgreSQL differ (a documented limit).
    `%`, `_` and `\\` in a value are literal characters.
13. String orderings (`<`, `>=`, ...) compare code points, as Python does.
14. A time after `now` gives negative days/hours since (floor, so 30 minutes ahead is
    -1 hour); the generated data never has such times.
15. Customers are in scope when active, of one of the websites, of one of the groups
    (no groups = every group) and, if given, among the customer ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from tests.segments import store_rows as rows
from tests.segments.reference_catalog import ATTRIBUTES, LONG_TYPE_PREFIX
from tests.segments.reference_readings import CustomerFacts, read, utc_date


def _items(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [item.strip() for item in str(value).split(",")]


def _number(value: Any) -> Fraction:
    if isinstance(value, str):
        return Fraction(value.strip())
    return Fraction(str(value))


def _select_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _ordered(operator: str, stored: Any, given: Any) -> bool:
    return {
        "==": stored == given,
        "!=": stored != given,
        ">=": stored >= given,
        ">": stored > given,
        "<=": stored <= given,
        "<": stored < given,
    }[operator]


def compare(input_type: str, operator: str, stored: Any, value: Any) -> bool:
    """One stored value against the leaf's value; a missing stored value matches nothing."""
    if stored is None:
        return False
    if input_type == "string":
        if operator == "{}":
            return str(value).lower() in stored.lower()
        if operator == "!{}":
            return str(value).lower() not in stored.lower()
        if operator == "()":
            return stored in [str(i) for i in _items(value)]
        if operator == "!()":
            return stored not in [str(i) for i in _items(value)]
        return _ordered(operator, stored, str(value))
    if input_type == "numeric":
        stored = stored if isinstance(stored, float) else Fraction(stored)
        if operator == "()":
            return any(stored == _number(i) for i in _items(value))
        if operator == "!()":
            return all(stored != _number(i) for i in _items(value))
        return _ordered(operator, stored, _number(value))
    if input_type == "date":
        return _ordered(operator, utc_date(stored), date.fromisoformat(str(value).strip()))
    if input_type == "select":
        texts = [_select_text(i) for i in _items(value)] if operator in ("()", "!()") else []
        return {
            "==": _select_text(stored) == _select_text(value),
            "!=": _select_text(stored) != _select_text(value),
            "()": _select_text(stored) in texts,
            "!()": _select_text(stored) not in texts,
        }[operator]
    raise ValueError(f"unknown input type {input_type}")


def _category_holds(operator: str, categories: frozenset[int], value: Any) -> bool:
    """Positive operators need one category satisfying them; `!=`, `!()` need none excluded."""
    if operator == "!=":
        return _number(value) not in categories
    if operator == "!()":
        return not any(_number(i) in categories for i in _items(value))
    return any(compare("numeric", operator, c, value) for c in categories)


# ---------------------------------------------------------------- tree


@dataclass(frozen=True)
class Leaf:
    type: str
    attribute: str
    operator: str
    value: Any


@dataclass(frozen=True)
class Group:
    aggregator: str
    value: bool
    children: tuple[Leaf | Group, ...]


def short_type(name: str) -> str:
    return name.removeprefix(LONG_TYPE_PREFIX)


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value == "1"
    return bool(value)


def parse(raw: dict[str, Any]) -> Leaf | Group | None:
    """The tree with empty groups removed; None when nothing is left."""
    if short_type(raw["type"]) == "combine":
        children = tuple(
            child for child in (parse(c) for c in raw.get("conditions") or []) if child is not None
        )
        if not children:
            return None
        return Group(raw["aggregator"], _boolean(raw.get("value", True)), children)
    return Leaf(short_type(raw["type"]), raw["attribute"], raw["operator"], raw["value"])


def leaf_holds(leaf: Leaf, facts: CustomerFacts) -> bool:
    reading = read(leaf.type, leaf.attribute, facts)
    if reading.categories is not None:
        return any(_category_holds(leaf.operator, cats, leaf.value) for cats in reading.categories)
    input_type = ATTRIBUTES[leaf.type][leaf.attribute]
    return any(compare(input_type, leaf.operator, v, leaf.value) for v in reading.values)


def holds(node: Leaf | Group, facts: CustomerFacts) -> bool:
    if isinstance(node, Leaf):
        return leaf_holds(node, facts)
    results = [holds(child, facts) for child in node.children]
    wanted = node.value
    if node.aggregator == "all":
        return all(r == wanted for r in results)
    return any(r == wanted for r in results)


def in_scope(
    customer: rows.Customer,
    website_ids: Iterable[int],
    group_ids: Iterable[int],
    customer_ids: Iterable[int] | None,
) -> bool:
    groups = set(group_ids)
    return (
        customer.is_active
        and customer.website_id in set(website_ids)
        and (not groups or customer.group_id in groups)
        and (customer_ids is None or customer.id in set(customer_ids))
    )


def matching_customer_ids(
    tree: dict[str, Any],
    data: rows.StoreData,
    *,
    now: datetime,
    website_ids: Iterable[int],
    group_ids: Iterable[int] = (),
    customer_ids: Iterable[int] | None = None,
) -> set[int]:
    """Ids of the active in-scope customers for whom the tree holds at `now`."""
    root = parse(tree)
    website_ids, group_ids = list(website_ids), list(group_ids)
    ids = None if customer_ids is None else list(customer_ids)
    return {
        c.id
        for c in data.customers
        if in_scope(c, website_ids, group_ids, ids)
        and (root is None or holds(root, CustomerFacts(c, data, now)))
    }
