"""The condition catalog as GraphQL: what an admin frontend builds its condition editor from."""

from __future__ import annotations

from enum import Enum

import strawberry

from models.segments.catalog import CATALOG, COMBINE_SPEC, catalog_suggestions
from models.segments.catalog.types import (
    OPERATOR_LABELS,
    AttributeSpec,
    GroupSpec,
    Option,
    ValueKind,
)
from models.segments.catalog.types import InputType as ModelInputType
from resolvers.permissions import CanRead


@strawberry.enum(description="How a condition's value is entered.")
class ConditionInputType(Enum):
    STRING = strawberry.enum_value("string", description="Text; `{}` contains ignores case.")
    NUMERIC = strawberry.enum_value(
        "numeric", description='A number, or numeric text as Maho sends it ("1000").'
    )
    DATE = strawberry.enum_value(
        "date", description="YYYY-MM-DD, compared with the UTC calendar date of the stored time."
    )
    SELECT = strawberry.enum_value(
        "select", description="One of `options` (any non-empty value when optionsAreSuggestions)."
    )


@strawberry.type(description="A value with its label.")
class ConditionOption:
    value: str = strawberry.field(description="What a condition's `value` (or operator) holds.")
    label: str = strawberry.field(description="What an admin sees.")


@strawberry.type(description="One attribute a condition of a type can test.")
class ConditionAttribute:
    code: str = strawberry.field(description="The condition's `attribute`, e.g. `lifetime_sales`.")
    label: str = strawberry.field(description="What an admin sees, e.g. `Lifetime Sales`.")
    input_type: ConditionInputType = strawberry.field(
        description="How the value is entered and which operators apply."
    )
    operators: list[str] = strawberry.field(description="Allowed operators, e.g. `==`, `{}`.")
    operator_options: list[ConditionOption] = strawberry.field(
        description="The allowed operators with labels."
    )
    options: list[ConditionOption] = strawberry.field(
        description="Select values: the fixed options, the existing websites, stores or"
        " groups, or (see optionsAreSuggestions) values found in the store data."
    )
    options_are_suggestions: bool = strawberry.field(
        description="True when any non-empty value is accepted and `options` only suggests."
    )
    description: str = strawberry.field(description="What exactly the attribute compares.")


@strawberry.type(description="A condition type and its attributes.")
class ConditionType:
    type: str = strawberry.field(description="Short type name used in condition trees.")
    label: str = strawberry.field(description="What an admin sees, e.g. `Customer Lifetime Value`.")
    maho_type: str = strawberry.field(description="Maho's model alias, accepted as well.")
    attributes: list[ConditionAttribute] = strawberry.field(
        description="What a condition of this type can test, in the catalog's order."
    )
    is_group: bool = strawberry.field(
        default=False,
        description="True for `combine`, the group node (listed first): it holds child nodes"
        " in `conditions`, and its attributes are its own keys `aggregator` and `value`, with"
        " their options and no operators.",
    )


def _options(spec: AttributeSpec, suggested: dict) -> list[ConditionOption]:
    found: list[Option] = list(spec.options or suggested.get(spec.suggestions, []))
    return [ConditionOption(value=o.value, label=o.label) for o in found]


def _attribute(code: str, spec: AttributeSpec, suggested: dict) -> ConditionAttribute:
    return ConditionAttribute(
        code=code,
        label=spec.label,
        input_type=ConditionInputType(ModelInputType(spec.input_type).value),
        operators=list(spec.operators),
        operator_options=[
            ConditionOption(value=o, label=OPERATOR_LABELS[o]) for o in spec.operators
        ],
        options=_options(spec, suggested),
        options_are_suggestions=spec.kind is ValueKind.CODE,
        description=spec.description,
    )


def _group(spec: GroupSpec) -> ConditionType:
    def key(
        code: str, label: str, options: tuple[Option, ...], description: str
    ) -> ConditionAttribute:
        return ConditionAttribute(
            code=code,
            label=label,
            input_type=ConditionInputType.SELECT,
            operators=[],
            operator_options=[],
            options=[ConditionOption(value=o.value, label=o.label) for o in options],
            options_are_suggestions=False,
            description=description,
        )

    return ConditionType(
        type=spec.type,
        label=spec.label,
        maho_type=spec.maho_type,
        is_group=True,
        attributes=[
            key("aggregator", "If", spec.aggregators, spec.aggregator_description),
            key("value", "of these conditions are", spec.values, spec.value_description),
        ],
    )


@strawberry.type
class CatalogQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        description="Every condition type with its attributes, operators and value options.",
    )
    async def condition_catalog(self) -> list[ConditionType]:
        suggested = await catalog_suggestions()
        return [_group(COMBINE_SPEC)] + [
            ConditionType(
                type=spec.type,
                label=spec.label,
                maho_type=spec.maho_type,
                attributes=[_attribute(c, a, suggested) for c, a in spec.attributes.items()],
            )
            for spec in CATALOG.values()
        ]
