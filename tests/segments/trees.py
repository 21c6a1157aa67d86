"""Condition trees written the way an admin sends them (plain dicts, no domain imports)."""

from __future__ import annotations

from typing import Any


def root(*conditions: dict[str, Any], aggregator: str = "all", value: Any = True) -> dict[str, Any]:
    """A combine node: the root of a tree, or a group inside one."""
    return {
        "type": "combine",
        "aggregator": aggregator,
        "value": value,
        "conditions": list(conditions),
    }


def leaf(type_: str, attribute: str, operator: str, value: Any) -> dict[str, Any]:
    return {"type": type_, "attribute": attribute, "operator": operator, "value": value}
