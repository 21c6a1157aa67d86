"""A select value outside its options is refused with the options listed, labels included."""

from __future__ import annotations

from typing import Any

import pytest

from tests.resolvers.segments.conftest import segment_count
from tests.segments.trees import leaf, root

CREATE = """
mutation($input: SegmentInput!) {
  createSegment(input: $input) { segment { id } errors { field code message } }
}
"""

STATUSES = "1 (Subscribed), 2 (Not Activated), 3 (Unsubscribed), 4 (Unconfirmed)"


@pytest.mark.parametrize(
    ("type_", "attribute", "operator", "value", "code", "message"),
    [
        (
            "customer_newsletter",
            "subscriber_status",
            "==",
            "subscribed",
            "INVALID_VALUE",
            f"'subscribed' is not one of: {STATUSES}.",
        ),
        (
            "customer_newsletter",
            "subscriber_status",
            "==",
            5,
            "VALUE_NOT_ALLOWED",
            f"5 is not one of: {STATUSES}.",
        ),
        (
            "customer_attributes",
            "gender",
            "==",
            "other",
            "VALUE_NOT_ALLOWED",
            "'other' is not one of: male (Male), female (Female).",
        ),
        (
            "customer_attributes",
            "gender",
            "==",
            1,
            "INVALID_VALUE",
            "1 is not one of: male (Male), female (Female).",
        ),
        (
            "cart_attributes",
            "is_active",
            "==",
            "yes",
            "VALUE_NOT_ALLOWED",
            "'yes' is not one of: 1 (Active), 0 (Inactive); true and false are accepted too.",
        ),
        (
            "product_wishlist",
            "wishlist_shared",
            "==",
            "shared",
            "VALUE_NOT_ALLOWED",
            "'shared' is not one of: 1 (Yes), 0 (No); true and false are accepted too.",
        ),
        (
            "customer_attributes",
            "website_id",
            "==",
            "main",
            "INVALID_VALUE",
            "Must be the id of a website, got 'main'. Existing ids: 1, 2.",
        ),
        (
            "customer_attributes",
            "group_id",
            "==",
            9,
            "VALUE_NOT_ALLOWED",
            "No customer group with id 9. Existing ids: 1, 2.",
        ),
        (
            "customer_attributes",
            "gender",
            "==",
            "x" * 5000,
            "VALUE_NOT_ALLOWED",
            "'" + "x" * 36 + "... is not one of: male (Male), female (Female).",
        ),
    ],
)
async def test_select_value_error_lists_the_allowed_options(
    gql, store, type_, attribute, operator, value, code, message
):
    conditions = root(leaf(type_, attribute, operator, value))
    variables: dict[str, Any] = {
        "input": {"name": "Picky", "websiteIds": [1], "conditions": conditions}
    }

    data = await gql.data(CREATE, variables)

    assert data["createSegment"] == {
        "segment": None,
        "errors": [{"field": "conditions.conditions[0].value", "code": code, "message": message}],
    }
    assert await segment_count() == 0
