"""The compiled SQL's member set equals the reference evaluator's, on random trees and data.

Each example empties the store tables of the test's database, writes the drawn rows
through the ORM, and compares the SQL's answer with tests/segments/reference_evaluator.py.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st

from models.db import connection, dialect
from models.segments.catalog import CATALOG
from models.segments.compiler import compile_members_query
from models.segments.references import load_reference_ids
from models.segments.validation import parse_conditions
from tests.segments import store_rows as rows
from tests.segments.reference_catalog import ATTRIBUTES
from tests.segments.reference_evaluator import in_scope, matching_customer_ids
from tests.segments.strategies import Scenario, leaves, scenarios
from tests.segments.trees import root

# One database per test (the `store_db` fixture), emptied between examples.
per_database = settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
# The targeted properties check less: a fifth of the examples.
targeted = settings(per_database, max_examples=max(10, per_database.max_examples // 5))


async def compiled_members(
    tree: dict[str, Any], scenario: Scenario, customer_ids: list[int] | None = None
) -> set[int]:
    parsed = parse_conditions(tree, await load_reference_ids())
    query = compile_members_query(
        parsed,
        website_ids=scenario.website_ids,
        group_ids=scenario.group_ids,
        now=scenario.now,
        dialect=dialect(),
        customer_ids=customer_ids,
    )
    if currently_in_test_context():
        note(f"tree: {tree}\nSQL:\n{query.sql}\nparams: {query.params}")
    result = await connection().execute_query_dict(query.sql, query.params)
    ids = [row["customer_id"] for row in result]
    assert len(ids) == len(set(ids)), "a customer is listed twice"
    websites = {c.id: c.website_id for c in scenario.data.customers}
    assert all(row["website_id"] == websites[row["customer_id"]] for row in result)
    return set(ids)


def expected_members(
    tree: dict[str, Any], scenario: Scenario, customer_ids: list[int] | None = None
) -> set[int]:
    return matching_customer_ids(
        tree,
        scenario.data,
        now=scenario.now,
        website_ids=scenario.website_ids,
        group_ids=scenario.group_ids,
        customer_ids=customer_ids,
    )


def _in_segment(scenario: Scenario) -> set[int]:
    """Every customer the segment's scope admits, whatever the tree."""
    customers = scenario.data.customers
    return {c.id for c in customers if in_scope(c, scenario.website_ids, scenario.group_ids, None)}


def test_catalog_lists_the_attributes_of_semantics() -> None:
    catalog = {
        short: {code: spec.input_type.value for code, spec in condition.attributes.items()}
        for short, condition in CATALOG.items()
    }
    assert catalog == ATTRIBUTES


@per_database
@given(scenario=scenarios())
async def test_compiled_members_equal_the_reference(store_db, scenario: Scenario) -> None:
    await rows.replace_store_data(scenario.data)
    in_segment = _in_segment(scenario)
    for tree in scenario.trees:
        expected = expected_members(tree, scenario)
        event(
            "members: " + ("none" if not expected else "all" if expected == in_segment else "some")
        )
        assert await compiled_members(tree, scenario) == expected


Children = list[dict[str, Any]]


@st.composite
def negation_cases(draw: st.DrawFn) -> tuple[Scenario, list[Children]]:
    """Data and several lists of 1-3 leaves over it."""
    scenario = draw(scenarios())
    children = st.lists(leaves(scenario.data, scenario.now), min_size=1, max_size=3)
    return scenario, draw(st.lists(children, min_size=4, max_size=8))


@targeted
@given(case=negation_cases())
async def test_any_false_is_the_complement_of_all_true(
    store_db, case: tuple[Scenario, list[Children]]
) -> None:
    scenario, children_lists = case
    await rows.replace_store_data(scenario.data)
    in_segment = _in_segment(scenario)
    for children in children_lists:
        all_true = await compiled_members(root(*children), scenario)
        any_false = await compiled_members(root(*children, aggregator="any", value=False), scenario)
        assert any_false == in_segment - all_true


@targeted
@given(scenario=scenarios(), data=st.data())
async def test_customer_ids_restrict_to_the_intersection(
    store_db, scenario: Scenario, data: st.DataObject
) -> None:
    await rows.replace_store_data(scenario.data)
    everyone = [c.id for c in scenario.data.customers]
    chosen = data.draw(st.lists(st.sampled_from([*everyone, 999]), unique=True))
    for tree in scenario.trees:
        members = await compiled_members(tree, scenario)
        assert await compiled_members(tree, scenario, chosen) == members & set(chosen)
