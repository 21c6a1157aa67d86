"""Email sequence steps over GraphQL, their stats, sales rules and Segment.emailSequences."""

from __future__ import annotations

from typing import Any

from models.automation import stats
from models.automation.orm import EmailSequence, ProgressStatus, TriggerEvent
from tests.automation.step_rows import progress, step
from tests.resolvers.automation.rows import table

STEP = """
id segmentId triggerEvent templateId stepNumber delayMinutes isActive maxSends generateCoupon
couponSalesRuleId couponPrefix couponExpiresDays template { id code }
stats { sequenceId triggerEvent stepNumber total scheduled sending sent failed skipped
        uniqueCustomers }
"""
CREATE = f"""
mutation($input: EmailSequenceInput!) {{
  createEmailSequence(input: $input) {{
    emailSequence {{ {STEP} }} errors {{ field code message }}
  }}
}}"""
UPDATE = """
mutation($id: ID!, $input: EmailSequenceInput!) {
  updateEmailSequence(id: $id, input: $input) {
    emailSequence { id stepNumber isActive } errors { field code message }
  }
}"""
DELETE = """
mutation($id: ID!) { deleteEmailSequence(id: $id) { deletedId errors { field code message } } }
"""
LIST = """
query($segment: ID!, $trigger: TriggerEvent) {
  emailSequences(segmentId: $segment, trigger: $trigger) { id triggerEvent stepNumber }
}"""
SEGMENT_STEPS = """
query($id: ID!) { segment(id: $id) { emailSequences { id triggerEvent stepNumber } } }
"""
RULES = """
query($available: Boolean) {
  salesRules(availableForCoupons: $available) {
    id name description isActive couponType useAutoGeneration simpleAction discountAmount
    availableForCoupons
  }
}"""


def step_input(segment_id: int, **fields: Any) -> dict[str, Any]:
    return {"segmentId": str(segment_id), "templateId": "1", "stepNumber": 1, **fields}


def _steps(edges: list[dict]) -> list[tuple[str, int]]:
    return [(s["triggerEvent"], s["stepNumber"]) for s in edges]


async def test_create_stores_a_coupon_step_with_its_template_and_zero_stats(gql, shop):
    data = await gql.data(
        CREATE,
        {
            "input": step_input(
                shop.segment_id,
                triggerEvent="EXIT",
                delayMinutes=90,
                maxSends=2,
                generateCoupon=True,
                couponSalesRuleId="5",
                couponPrefix="BACK",
                couponExpiresDays=7,
            )
        },
    )

    created = await EmailSequence.get()
    assert data["createEmailSequence"] == {
        "emailSequence": {
            "id": str(created.id),
            "segmentId": str(shop.segment_id),
            "triggerEvent": "EXIT",
            "templateId": "1",
            "stepNumber": 1,
            "delayMinutes": 90,
            "isActive": True,
            "maxSends": 2,
            "generateCoupon": True,
            "couponSalesRuleId": "5",
            "couponPrefix": "BACK",
            "couponExpiresDays": 7,
            "template": {"id": "1", "code": "welcome"},
            "stats": {
                "sequenceId": str(created.id),
                "triggerEvent": "EXIT",
                "stepNumber": 1,
                "total": 0,
                "scheduled": 0,
                "sending": 0,
                "sent": 0,
                "failed": 0,
                "skipped": 0,
                "uniqueCustomers": 0,
            },
        },
        "errors": [],
    }


async def test_create_reports_maho_messages_on_their_fields_and_stores_nothing(gql, shop):
    await step(shop.segment_id, 1)
    before = await table(EmailSequence)

    data = await gql.data(
        CREATE,
        {
            "input": step_input(
                shop.segment_id,
                templateId="9",
                delayMinutes=-1,
                generateCoupon=True,
                couponSalesRuleId="6",
                couponPrefix="NO-DASH",
            )
        },
    )

    assert data["createEmailSequence"] == {
        "emailSequence": None,
        "errors": [
            {
                "field": "templateId",
                "code": "NOT_FOUND",
                "message": "Invalid newsletter template selected.",
            },
            {
                "field": "stepNumber",
                "code": "UNIQUE",
                "message": "Step number 1 already exists for this segment enter trigger.",
            },
            {
                "field": "delayMinutes",
                "code": "INVALID",
                "message": "Delay minutes cannot be negative.",
            },
            {
                "field": "couponSalesRuleId",
                "code": "INVALID",
                "message": "Sales rule is not active.",
            },
            {
                "field": "couponPrefix",
                "code": "INVALID",
                "message": "Coupon prefix may contain only letters and digits.",
            },
        ],
    }
    assert await table(EmailSequence) == before


async def test_ids_that_name_nothing_are_refused_on_their_fields(gql, shop):
    data = await gql.data(
        CREATE, {"input": step_input(999, templateId="x", couponSalesRuleId="-1")}
    )
    missing = await gql.data(CREATE, {"input": step_input(999)})

    assert data["createEmailSequence"]["errors"] == [
        {"field": "templateId", "code": "INVALID", "message": "'x' is not a valid id."},
        {"field": "couponSalesRuleId", "code": "INVALID", "message": "'-1' is not a valid id."},
    ]
    assert missing["createEmailSequence"]["errors"] == [
        {"field": "segmentId", "code": "NOT_FOUND", "message": "Segment 999 does not exist."}
    ]
    assert await EmailSequence.all().count() == 0


async def test_steps_list_enter_before_exit_then_by_number(gql, shop):
    await step(shop.segment_id, 2)
    await step(shop.segment_id, 1, TriggerEvent.EXIT)
    await step(shop.segment_id, 1)
    await step(shop.other_segment_id, 1)

    everything = await gql.data(LIST, {"segment": str(shop.segment_id)})
    exits = await gql.data(LIST, {"segment": str(shop.segment_id), "trigger": "EXIT"})
    on_segment = await gql.data(SEGMENT_STEPS, {"id": str(shop.segment_id)})

    assert _steps(everything["emailSequences"]) == [("ENTER", 1), ("ENTER", 2), ("EXIT", 1)]
    assert _steps(exits["emailSequences"]) == [("EXIT", 1)]
    assert on_segment["segment"]["emailSequences"] == everything["emailSequences"]


async def test_steps_of_a_missing_segment_are_an_error(gql, shop):
    result = await gql.execute(LIST, {"segment": "999"})

    assert result["data"] is None
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        ("segmentId: Segment 999 does not exist.", {"code": "NOT_FOUND", "field": "segmentId"})
    ]


async def test_update_deactivates_a_step_and_skips_its_scheduled_rows(gql, shop):
    first = await step(shop.segment_id, 1)
    row = await progress(first, 1)

    data = await gql.data(
        UPDATE, {"id": str(first.id), "input": step_input(shop.segment_id, isActive=False)}
    )

    assert data["updateEmailSequence"] == {
        "emailSequence": {"id": str(first.id), "stepNumber": 1, "isActive": False},
        "errors": [],
    }
    await row.refresh_from_db()
    assert (row.status, row.last_error) == (ProgressStatus.SKIPPED, "step deactivated")


async def test_update_of_a_missing_step_changes_nothing(gql, shop):
    await step(shop.segment_id, 1)
    before = await table(EmailSequence)

    data = await gql.data(UPDATE, {"id": "999", "input": step_input(shop.segment_id)})

    assert data["updateEmailSequence"] == {
        "emailSequence": None,
        "errors": [
            {"field": "id", "code": "NOT_FOUND", "message": "Email sequence 999 does not exist."}
        ],
    }
    assert await table(EmailSequence) == before


async def test_delete_renumbers_the_later_steps_of_the_trigger(gql, shop):
    first = await step(shop.segment_id, 1)
    await step(shop.segment_id, 2)
    await step(shop.segment_id, 2, TriggerEvent.EXIT)

    data = await gql.data(DELETE, {"id": str(first.id)})
    again = await gql.data(DELETE, {"id": str(first.id)})

    assert data["deleteEmailSequence"] == {"deletedId": str(first.id), "errors": []}
    assert again["deleteEmailSequence"] == {
        "deletedId": None,
        "errors": [
            {
                "field": "id",
                "code": "NOT_FOUND",
                "message": f"Email sequence {first.id} does not exist.",
            }
        ],
    }
    listed = await gql.data(LIST, {"segment": str(shop.segment_id)})
    assert _steps(listed["emailSequences"]) == [("ENTER", 1), ("EXIT", 2)]


async def test_step_stats_count_its_rows_by_status(gql, shop):
    first = await step(shop.segment_id, 1)
    second = await step(shop.segment_id, 2)
    await progress(first, 1, ProgressStatus.SENT)
    await progress(first, 2, ProgressStatus.SKIPPED)
    await progress(first, 1, ProgressStatus.SCHEDULED)
    await progress(second, 2, ProgressStatus.FAILED)

    data = await gql.data(
        "query($s: ID!) { emailSequences(segmentId: $s) { stats { sequenceId total scheduled "
        "sent failed skipped uniqueCustomers } } }",
        {"s": str(shop.segment_id)},
    )

    assert [s["stats"] for s in data["emailSequences"]] == [
        {
            "sequenceId": str(first.id),
            "total": 3,
            "scheduled": 1,
            "sent": 1,
            "failed": 0,
            "skipped": 1,
            "uniqueCustomers": 2,
        },
        {
            "sequenceId": str(second.id),
            "total": 1,
            "scheduled": 0,
            "sent": 0,
            "failed": 1,
            "skipped": 0,
            "uniqueCustomers": 1,
        },
    ]


async def test_sales_rules_all_or_by_availability_for_coupons(gql, shop):
    everything = await gql.data(RULES)
    usable = await gql.data(RULES, {"available": True})
    unusable = await gql.data(RULES, {"available": False})

    rule_5 = {
        "id": "5",
        "name": "15% off",
        "description": "Welcome discount",
        "isActive": True,
        "couponType": "specific",
        "useAutoGeneration": True,
        "simpleAction": "by_percent",
        "discountAmount": "15.0000",
        "availableForCoupons": True,
    }
    rule_6 = {
        "id": "6",
        "name": "Old rule",
        "description": None,
        "isActive": False,
        "couponType": "specific",
        "useAutoGeneration": True,
        "simpleAction": "by_fixed",
        "discountAmount": "10.5000",
        "availableForCoupons": False,
    }
    assert everything == {"salesRules": [rule_5, rule_6]}
    assert usable == {"salesRules": [rule_5]}
    assert unusable == {"salesRules": [rule_6]}


async def test_steps_templates_and_stats_of_many_segments_load_in_one_batch_each(
    gql, shop, monkeypatch
):
    vips = await step(shop.segment_id, 1)
    others = await step(shop.other_segment_id, 1)
    await progress(vips, 1, ProgressStatus.SENT)
    calls: list[list[int]] = []
    original = stats.step_stats_for

    async def counting(ids):
        calls.append(sorted(ids))
        return await original(ids)

    monkeypatch.setattr(stats, "step_stats_for", counting)

    data = await gql.data(
        "{ segments { edges { node { name emailSequences { id template { code } "
        "stats { total sent } } } } } }"
    )

    assert [e["node"] for e in data["segments"]["edges"]] == [
        {
            "name": "VIPs",
            "emailSequences": [
                {
                    "id": str(vips.id),
                    "template": {"code": "welcome"},
                    "stats": {"total": 1, "sent": 1},
                }
            ],
        },
        {
            "name": "Others",
            "emailSequences": [
                {
                    "id": str(others.id),
                    "template": {"code": "welcome"},
                    "stats": {"total": 0, "sent": 0},
                }
            ],
        },
    ]
    assert calls == [sorted([vips.id, others.id])]
