"""The condition tree (SEMANTICS §2) after validation: short type names, typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

COMBINE = "combine"


@dataclass(frozen=True)
class Leaf:
    """One condition; `value` is typed: Decimal for numbers, date, bool, int ids, str, or a
    list of those for `()` / `!()`."""

    type: str
    attribute: str
    operator: str
    value: Any


@dataclass(frozen=True)
class Group:
    aggregator: Literal["all", "any"]
    value: bool
    conditions: tuple[Node, ...]


Node = Leaf | Group

EMPTY_ROOT = Group("all", True, ())


def _value_to_json(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_value_to_json(item) for item in value]
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        # A float keeps the JSON readable; fall back to text when it would lose digits.
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def tree_to_json(node: Group) -> dict[str, Any]:
    """The normalised JSON stored in `Segment.conditions` (short names, typed values)."""
    return _node_to_json(node)


def _node_to_json(node: Node) -> dict[str, Any]:
    if isinstance(node, Group):
        return {
            "type": COMBINE,
            "aggregator": node.aggregator,
            "value": node.value,
            "conditions": [_node_to_json(child) for child in node.conditions],
        }
    return {
        "type": node.type,
        "attribute": node.attribute,
        "operator": node.operator,
        "value": _value_to_json(node.value),
    }


# What a segment without conditions stores (and what a missing tree reads as).
EMPTY_ROOT_JSON: dict[str, Any] = tree_to_json(EMPTY_ROOT)


def prune_empty(node: Group) -> Group:
    """Drop every group that has no leaf below it; the root stays (possibly empty)."""
    pruned = _prune(node)
    return pruned if pruned is not None else Group(node.aggregator, node.value, ())


def _prune(node: Group) -> Group | None:
    children: list[Node] = []
    for child in node.conditions:
        if isinstance(child, Group):
            kept = _prune(child)
            if kept is not None:
                children.append(kept)
        else:
            children.append(child)
    if not children:
        return None
    return Group(node.aggregator, node.value, tuple(children))


def leaves(node: Node) -> list[Leaf]:
    """Every leaf below `node`, depth first."""
    if isinstance(node, Leaf):
        return [node]
    found: list[Leaf] = []
    for child in node.conditions:
        found.extend(leaves(child))
    return found
