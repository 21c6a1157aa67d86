"""Every type, field, argument and enum value of the API is described, and every root field
says which scope it needs: the schema is the integrators' reference (GraphiQL's docs pane)."""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    specified_scalar_types,
)

from gqlserver import schema as assembled
from resolvers.permissions import SCOPE_PERMISSIONS, scope_sentence

HOW_TO_FIX = (
    "Describe each of these (units, defaults, limits, which scope) with description= on "
    "strawberry.type/field/argument/enum_value, then run "
    "`.venv/bin/segmentql export-schema > schema.graphql`:\n  "
)


def _own_types() -> list[GraphQLNamedType]:
    return [
        named
        for name, named in sorted(assembled.schema._schema.type_map.items())
        if not name.startswith("__") and name not in specified_scalar_types
    ]


def _undocumented(named: GraphQLNamedType) -> list[str]:
    found = [] if (named.description or "").strip() else [f"type {named.name}"]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        for field_name, field in named.fields.items():
            if not (field.description or "").strip():
                found.append(f"field {named.name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not (arg.description or "").strip():
                    found.append(f"argument {named.name}.{field_name}({arg_name})")
    if isinstance(named, GraphQLEnumType):
        for value_name, value in named.values.items():
            if not (value.description or "").strip():
                found.append(f"enum value {named.name}.{value_name}")
    return found


def test_every_type_field_argument_and_enum_value_has_a_description():
    undocumented = [item for named in _own_types() for item in _undocumented(named)]

    assert not undocumented, HOW_TO_FIX + "\n  ".join(undocumented)


@strawberry.enum
class Shade(Enum):
    DARK = "dark"


@strawberry.type(description="Documented.")
class Probe:
    bare: int
    shade: Shade = strawberry.field(description="Documented.")

    @strawberry.field(description="Documented.")
    def sized(self, size: int) -> int:
        return size


@strawberry.type(description="Documented.")
class ProbeQuery:
    probe: Probe = strawberry.field(description="Documented.")


def test_the_walk_names_each_undocumented_element():
    built = strawberry.Schema(query=ProbeQuery)._schema

    assert _undocumented(built.type_map["Probe"]) == [
        "field Probe.bare",
        "argument Probe.sized(size)",
    ]
    assert _undocumented(built.type_map["Shade"]) == ["type Shade", "enum value Shade.DARK"]


def test_the_walk_covers_every_kind_of_schema_element():
    kinds = (GraphQLObjectType, GraphQLInputObjectType, GraphQLEnumType, GraphQLScalarType)

    assert [k.__name__ for k in kinds if not any(isinstance(t, k) for t in _own_types())] == []


def test_every_root_field_names_the_scope_it_needs():
    wrong = []
    for type_name, root in {
        "Query": assembled.Query,
        "Mutation": assembled.Mutation,
        "Subscription": assembled.Subscription,
    }.items():
        graphql_root = assembled.schema._schema.get_type(type_name)
        assert isinstance(graphql_root, GraphQLObjectType)
        for field in root.__strawberry_definition__.fields:  # type: ignore[union-attr,attr-defined]
            (permission,) = [p for p in field.permission_classes if p in SCOPE_PERMISSIONS]
            name = assembled.schema.config.name_converter.get_graphql_name(field)
            described = graphql_root.fields[name].description or ""
            if not described.endswith(scope_sentence(permission.scope)):
                wrong.append(f"{type_name}.{field.name}: {described!r}")

    assert not wrong, "root fields not ending with their scope sentence:\n  " + "\n  ".join(wrong)


def test_scope_sentences_name_the_wider_scopes_that_include_it():
    assert [scope_sentence(s) for s in ("read", "write", "admin")] == [
        "Scope: read (write, admin too).",
        "Scope: write (admin too).",
        "Scope: admin.",
    ]
