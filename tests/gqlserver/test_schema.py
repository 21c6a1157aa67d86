"""The assembled schema: every root field guarded by one scope, and schema.graphql in sync."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gqlserver import schema as assembled
from gqlserver.cli import main
from resolvers.permissions import SCOPE_PERMISSIONS

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def root_types() -> dict[str, type]:
    roots = {
        "Query": assembled.Query,
        "Mutation": assembled.Mutation,
        "Subscription": assembled.Subscription,
    }
    return {name: root for name, root in roots.items() if root is not None}


def test_every_root_field_declares_exactly_one_scope_permission():
    unguarded = []
    for type_name, root in root_types().items():
        for field in root.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            scoped = [p for p in field.permission_classes if p in SCOPE_PERMISSIONS]
            if len(scoped) != 1 or len(field.permission_classes) != 1:
                names = [p.__name__ for p in field.permission_classes]
                unguarded.append(f"{type_name}.{field.python_name} has {names or 'none'}")

    assert unguarded == [], "each root field needs permission_classes=[CanRead|CanWrite|IsAdmin]"


def test_no_root_field_is_defined_twice():
    for type_name, parts in {
        "Query": assembled.QUERIES,
        "Mutation": assembled.MUTATIONS,
        "Subscription": assembled.SUBSCRIPTIONS,
    }.items():
        names = [
            f.python_name
            for part in parts
            for f in part.__strawberry_definition__.fields  # type: ignore[attr-defined]
        ]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        assert duplicates == [], f"{type_name} fields defined by two domains: {duplicates}"


def test_schema_graphql_matches_export_schema():
    result = CliRunner().invoke(main, ["export-schema"])

    assert result.exit_code == 0, result.output
    assert SCHEMA_FILE.read_text() == result.output, (
        "schema.graphql is out of date: run `.venv/bin/segmentql export-schema > schema.graphql`"
    )
