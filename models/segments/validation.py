"""Checking a condition tree as sent (SEMANTICS §2) and turning it into typed nodes.

Pure: nothing is read or written except the reference ids passed in. Every problem is
reported with the input path of the offending field; nothing is silently dropped.
"""

from __future__ import annotations

import json
from typing import Any

from models.errors import DomainError, ErrorCode, FieldError
from models.segments.catalog import CATALOG, resolve_type
from models.segments.catalog.types import KNOWN_OPERATORS, LIST_OPERATORS, AttributeSpec
from models.segments.references import ReferenceIds
from models.segments.tree import COMBINE, EMPTY_ROOT, Group, Leaf, Node
from models.segments.values import INVALID, ValueProblem, flag_value, normalise_item, split_items

MAX_DEPTH = 20
MAX_LEAVES = 300
MAX_LIST_ITEMS = 1000
# Every value becomes a bound parameter; both databases cap those near 32767 per query.
MAX_TOTAL_VALUES = 10000


def parse_conditions(raw: Any, refs: ReferenceIds | None, *, path: str = "conditions") -> Group:
    """The validated, typed tree; raises DomainError listing every problem.

    `refs` None skips the existence check of ids (reading a tree stored earlier).
    None or `{}` is the empty root, which matches every customer in scope.
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise DomainError.single(path, ErrorCode.INVALID, "Not valid JSON.") from None
    if raw is None or raw == {}:
        return EMPTY_ROOT
    parser = _Parser(refs)
    node = parser.node(raw, path, depth=0)
    if not parser.errors and not isinstance(node, Group):
        parser.fail(path, ErrorCode.INVALID, "The root must be a combine group.")
    if parser.leaf_count > MAX_LEAVES:
        parser.fail(path, ErrorCode.INVALID, f"At most {MAX_LEAVES} conditions are allowed.")
    elif parser.value_count > MAX_TOTAL_VALUES:
        parser.fail(path, ErrorCode.INVALID, f"At most {MAX_TOTAL_VALUES} values in all.")
    if parser.errors:
        raise DomainError(parser.errors)
    assert isinstance(node, Group)
    return node


def tree_from_json(data: Any) -> Group:
    """Read a tree stored by `tree_to_json` back; ids are not checked against the store."""
    return parse_conditions(data, None)


class _Parser:
    def __init__(self, refs: ReferenceIds | None) -> None:
        self.refs = refs
        self.errors: list[FieldError] = []
        self.leaf_count = 0
        self.value_count = 0

    def fail(self, field: str, code: ErrorCode, message: str) -> None:
        self.errors.append(FieldError(field, code, message))

    def node(self, raw: Any, path: str, depth: int) -> Node | None:
        if not isinstance(raw, dict):
            self.fail(path, ErrorCode.INVALID, "A condition must be an object.")
            return None
        kind = raw.get("type")
        if kind is None and ("conditions" in raw or "aggregator" in raw):
            kind = COMBINE
        if not isinstance(kind, str) or not kind:
            self.fail(f"{path}.type", ErrorCode.INVALID, "A condition needs a type.")
            return None
        short = resolve_type(kind)
        if short is None:
            self.fail(f"{path}.type", ErrorCode.UNKNOWN_TYPE, f"Unknown condition type {kind!r}.")
            return None
        if short == COMBINE:
            return self.group(raw, path, depth)
        self.leaf_count += 1
        return self.leaf(short, raw, path)

    def group(self, raw: dict[str, Any], path: str, depth: int) -> Group | None:
        if depth >= MAX_DEPTH:
            self.fail(path, ErrorCode.INVALID, f"Groups nest at most {MAX_DEPTH} deep.")
            return None
        aggregator = raw.get("aggregator", "all")
        if aggregator not in ("all", "any"):
            self.fail(f"{path}.aggregator", ErrorCode.INVALID_VALUE, "Must be 'all' or 'any'.")
        value = _group_value(raw.get("value"))
        if value is None:
            self.fail(f"{path}.value", ErrorCode.INVALID_VALUE, "Must be true or false (1 or 0).")
        children_raw = raw.get("conditions")
        if children_raw is None:
            children_raw = []
        if not isinstance(children_raw, list):
            self.fail(f"{path}.conditions", ErrorCode.INVALID, "Must be a list of conditions.")
            return None
        children = [
            self.node(child, f"{path}.conditions[{i}]", depth + 1)
            for i, child in enumerate(children_raw)
        ]
        if aggregator not in ("all", "any") or value is None:
            return None
        kept = tuple(child for child in children if child is not None)
        return Group(aggregator, value, kept)

    def leaf(self, short: str, raw: dict[str, Any], path: str) -> Leaf | None:
        attribute = raw.get("attribute")
        operator = raw.get("operator")
        spec: AttributeSpec | None = None
        if not isinstance(attribute, str) or not attribute:
            self.fail(f"{path}.attribute", ErrorCode.INVALID, "A condition needs an attribute.")
        else:
            spec = CATALOG[short].attributes.get(attribute)
            if spec is None:
                self.fail(
                    f"{path}.attribute",
                    ErrorCode.UNKNOWN_ATTRIBUTE,
                    f"Unknown attribute {attribute!r} for {short}.",
                )
        operator_ok = False
        if not isinstance(operator, str) or not operator:
            self.fail(f"{path}.operator", ErrorCode.INVALID, "A condition needs an operator.")
        elif operator not in KNOWN_OPERATORS:
            self.fail(
                f"{path}.operator", ErrorCode.UNKNOWN_OPERATOR, f"Unknown operator {operator!r}."
            )
        elif spec is not None and operator not in spec.operators:
            self.fail(
                f"{path}.operator",
                ErrorCode.OPERATOR_NOT_ALLOWED,
                f"Operator {operator!r} is not allowed for {short}.{attribute}"
                f" ({spec.input_type.value}); allowed: {' '.join(spec.operators)}.",
            )
        else:
            operator_ok = True
        if spec is None or not operator_ok:
            return None
        assert isinstance(attribute, str) and isinstance(operator, str)
        value = self.value(spec, operator, raw.get("value"), f"{path}.value")
        if value is INVALID:
            return None
        return Leaf(short, attribute, operator, value)

    def value(self, spec: AttributeSpec, operator: str, raw: Any, path: str) -> Any:
        if raw is None:
            self.fail(path, ErrorCode.INVALID_VALUE, "A value is required.")
            return INVALID
        if operator not in LIST_OPERATORS:
            return self.item(spec, raw, path, trim=False)
        items, item_paths = split_items(raw, path)
        if items is None:
            self.fail(path, ErrorCode.INVALID_VALUE, "Must be a list or comma-separated text.")
            return INVALID
        if not items:
            self.fail(path, ErrorCode.INVALID_VALUE, "At least one value is required.")
            return INVALID
        if len(items) > MAX_LIST_ITEMS:
            self.fail(path, ErrorCode.INVALID_VALUE, f"At most {MAX_LIST_ITEMS} values.")
            return INVALID
        self.value_count += len(items)
        values = [
            self.item(spec, item, p, trim=isinstance(raw, str))
            for item, p in zip(items, item_paths, strict=True)
        ]
        return INVALID if any(v is INVALID for v in values) else values

    def item(self, spec: AttributeSpec, raw: Any, path: str, *, trim: bool) -> Any:
        try:
            return normalise_item(spec, raw, self.refs, trim=trim)
        except ValueProblem as problem:
            self.fail(path, problem.code, problem.message)
            return INVALID


def _group_value(raw: Any) -> bool | None:
    return True if raw is None else flag_value(raw)
