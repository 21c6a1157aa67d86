"""conditionCatalog lists the combine node, so an editor can build groups from it alone."""

from __future__ import annotations

import pytest

from models.segments.tree import Group, Leaf
from models.segments.validation import parse_conditions

CATALOG = """
{
  conditionCatalog {
    type label mahoType isGroup
    attributes {
      code label inputType operators optionsAreSuggestions
      operatorOptions { value label }
      options { value label }
    }
  }
}
"""

AGGREGATOR_OPTIONS = [{"value": "all", "label": "ALL"}, {"value": "any", "label": "ANY"}]
VALUE_OPTIONS = [{"value": "true", "label": "TRUE"}, {"value": "false", "label": "FALSE"}]


def _key(code: str, label: str, options: list[dict]) -> dict:
    return {
        "code": code,
        "label": label,
        "inputType": "SELECT",
        "operators": [],
        "optionsAreSuggestions": False,
        "operatorOptions": [],
        "options": options,
    }


async def test_catalog_lists_the_combine_node_first(make_client, store):
    reader = await make_client("read")

    types = (await reader.data(CATALOG))["conditionCatalog"]

    assert types[0] == {
        "type": "combine",
        "label": "Conditions Combination",
        "mahoType": "customersegmentation/segment_condition_combine",
        "isGroup": True,
        "attributes": [
            _key("aggregator", "If", AGGREGATOR_OPTIONS),
            _key("value", "of these conditions are", VALUE_OPTIONS),
        ],
    }
    assert [t["type"] for t in types if t["isGroup"]] == ["combine"]


@pytest.mark.parametrize("aggregator", [o["value"] for o in AGGREGATOR_OPTIONS])
@pytest.mark.parametrize("value", [o["value"] for o in VALUE_OPTIONS])
def test_every_combine_option_the_catalog_offers_is_accepted(aggregator, value):
    email = {"type": "customer_attributes", "attribute": "email", "operator": "{}", "value": "@"}
    tree = {"type": "combine", "aggregator": aggregator, "value": value, "conditions": [email]}

    parsed = parse_conditions(tree, None)

    assert parsed == Group(
        aggregator, value == "true", (Leaf("customer_attributes", "email", "{}", "@"),)
    )
