"""The shape of the condition catalog: input types, operators, value kinds, specs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from models.segments.sql.terms import Term


class InputType(StrEnum):
    STRING = "string"
    NUMERIC = "numeric"
    DATE = "date"
    SELECT = "select"


STRING_OPERATORS = ("==", "!=", ">=", ">", "<=", "<", "{}", "!{}", "()", "!()")
NUMERIC_OPERATORS = ("==", "!=", ">=", ">", "<=", "<", "()", "!()")
DATE_OPERATORS = ("==", "!=", ">=", ">", "<=", "<")
SELECT_OPERATORS = ("==", "!=", "()", "!()")

OPERATORS_BY_INPUT: dict[InputType, tuple[str, ...]] = {
    InputType.STRING: STRING_OPERATORS,
    InputType.NUMERIC: NUMERIC_OPERATORS,
    InputType.DATE: DATE_OPERATORS,
    InputType.SELECT: SELECT_OPERATORS,
}
KNOWN_OPERATORS = frozenset(STRING_OPERATORS)
LIST_OPERATORS = frozenset({"()", "!()"})

OPERATOR_LABELS = {
    "==": "is",
    "!=": "is not",
    ">=": "equals or greater than",
    ">": "greater than",
    "<=": "equals or less than",
    "<": "less than",
    "{}": "contains",
    "!{}": "does not contain",
    "()": "is one of",
    "!()": "is not one of",
}


class ValueKind(StrEnum):
    """How a leaf's value is read and checked."""

    TEXT = "text"  # string input: text as given
    NUMBER = "number"  # numeric input: a number or numeric string -> Decimal
    DATE = "date"  # YYYY-MM-DD -> date
    CHOICE = "choice"  # one of fixed text options
    STATUS = "status"  # one of fixed integer options
    FLAG = "flag"  # 1/0 (or true/false) -> bool
    CODE = "code"  # any non-empty text; the store's values are offered as suggestions
    REFERENCE = "reference"  # the id of an existing website, store or customer group


class Suggestions(StrEnum):
    """Store data offering values for a select whose options are not fixed."""

    WEBSITE = "website"
    STORE = "store"
    GROUP = "group"
    ORDER_STATUS = "order_status"
    CURRENCY = "currency"
    PAYMENT_METHOD = "payment_method"
    SHIPPING_METHOD = "shipping_method"
    COUNTRY = "country"


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of a condition type: what the admin sees and what the SQL reads."""

    label: str
    input_type: InputType
    kind: ValueKind
    term: Term
    description: str = ""
    # Fixed options (other values are rejected); None when values come from store data.
    options: tuple[Option, ...] | None = None
    suggestions: Suggestions | None = None
    operators: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.operators:
            object.__setattr__(self, "operators", OPERATORS_BY_INPUT[self.input_type])


@dataclass(frozen=True)
class ConditionTypeSpec:
    type: str
    label: str
    maho_type: str
    attributes: dict[str, AttributeSpec]


@dataclass(frozen=True)
class GroupSpec:
    """The combine node: it holds child conditions; aggregator and value are its own keys."""

    type: str
    label: str
    maho_type: str
    aggregators: tuple[Option, ...]
    aggregator_description: str
    values: tuple[Option, ...]
    value_description: str


MAHO_TYPE_PREFIX = "customersegmentation/segment_condition_"


def maho_type(short: str) -> str:
    """Maho's model alias of a condition type, accepted as an alias of the short name."""
    return MAHO_TYPE_PREFIX + short


def string_attribute(label: str, term: Term, description: str = "") -> AttributeSpec:
    return AttributeSpec(label, InputType.STRING, ValueKind.TEXT, term, description)


def numeric_attribute(label: str, term: Term, description: str = "") -> AttributeSpec:
    return AttributeSpec(label, InputType.NUMERIC, ValueKind.NUMBER, term, description)


def date_attribute(label: str, term: Term, description: str = "") -> AttributeSpec:
    return AttributeSpec(label, InputType.DATE, ValueKind.DATE, term, description)


def select_attribute(
    label: str,
    term: Term,
    kind: ValueKind,
    *,
    options: tuple[Option, ...] | None = None,
    suggestions: Suggestions | None = None,
    description: str = "",
) -> AttributeSpec:
    return AttributeSpec(label, InputType.SELECT, kind, term, description, options, suggestions)
