"""Which sales rules can back generated coupons, with Maho's reason for those that cannot."""

from __future__ import annotations

import pytest

from models.coupons.rules import (
    RULE_PROBLEMS,
    available_for_coupons,
    list_rules,
    rule_problem,
)
from models.store.reference import SalesRule
from tests.coupons.rows import sales_rule


def test_the_four_problems_are_mahos_messages_in_checking_order():
    assert RULE_PROBLEMS == (
        "Sales rule does not exist.",
        "Sales rule is not active.",
        "Sales rule must be configured for specific coupon codes.",
        "Sales rule must have auto-generation enabled.",
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({}, None),
        ({"is_active": False}, "Sales rule is not active."),
        # The first problem found is the one reported.
        ({"is_active": False, "coupon_type": "none"}, "Sales rule is not active."),
        ({"coupon_type": "none"}, "Sales rule must be configured for specific coupon codes."),
        ({"coupon_type": "auto"}, "Sales rule must be configured for specific coupon codes."),
        (
            {"coupon_type": "none", "use_auto_generation": False},
            "Sales rule must be configured for specific coupon codes.",
        ),
        ({"use_auto_generation": False}, "Sales rule must have auto-generation enabled."),
    ],
)
async def test_a_rule_reports_the_first_problem_or_none(db, fields, problem):
    rule = await sales_rule(7, **fields)

    assert await rule_problem(7) == problem
    assert available_for_coupons(rule) is (problem is None)


async def test_a_missing_rule_does_not_exist(db):
    await sales_rule(7)

    assert await rule_problem(8) == "Sales rule does not exist."


async def _rules_of_every_kind() -> None:
    await sales_rule(4, use_auto_generation=False)
    await sales_rule(1)
    await sales_rule(3, coupon_type="none")
    await sales_rule(2, is_active=False)
    await sales_rule(5, coupon_type="auto")
    await sales_rule(6)


def ids(rules: list[SalesRule]) -> list[int]:
    return [rule.id for rule in rules]


async def test_listing_rules_by_id_all_available_or_unavailable(db):
    await _rules_of_every_kind()

    assert ids(await list_rules(None)) == [1, 2, 3, 4, 5, 6]
    assert ids(await list_rules()) == [1, 2, 3, 4, 5, 6]
    assert ids(await list_rules(True)) == [1, 6]
    assert ids(await list_rules(False)) == [2, 3, 4, 5]


async def test_the_listed_availability_agrees_with_the_rule_check(db):
    await _rules_of_every_kind()

    for rule in await list_rules(None):
        assert available_for_coupons(rule) is (rule.id in {1, 6})
        assert (await rule_problem(rule.id) is None) is (rule.id in {1, 6})


async def test_no_rules_list_empty(db):
    assert await list_rules(None) == []
    assert await list_rules(True) == []
    assert await list_rules(False) == []
