"""Newsletter templates over GraphQL: list, read, create, update, delete, and the preview."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from models.automation.orm import SequenceProgress
from models.coupons.orm import Coupon
from models.mail.links import unsubscribe_url
from models.store.reference import NewsletterTemplate
from tests.automation.step_rows import step
from tests.resolvers.automation.rows import PUBLIC_URL, SECRET, table

FIELDS = "id code subject text senderName senderEmail"
CREATE = f"""
mutation($input: NewsletterTemplateInput!) {{
  createNewsletterTemplate(input: $input) {{
    newsletterTemplate {{ {FIELDS} }} errors {{ field code message }}
  }}
}}"""
UPDATE = f"""
mutation($id: ID!, $input: NewsletterTemplateInput!) {{
  updateNewsletterTemplate(id: $id, input: $input) {{
    newsletterTemplate {{ {FIELDS} }} errors {{ field code message }}
  }}
}}"""
DELETE = """
mutation($id: ID!) {
  deleteNewsletterTemplate(id: $id) { deletedId errors { field code message } }
}"""
ONE = f"query($id: ID!) {{ newsletterTemplate(id: $id) {{ {FIELDS} }} }}"
PAGE = """
query($first: Int, $after: String) {
  newsletterTemplates(first: $first, after: $after) {
    edges { cursor node { id code } } pageInfo { hasNextPage endCursor }
  }
}"""
RENDER = """
mutation($template: ID!, $customer: ID!, $segment: ID, $step: Int) {
  renderNewsletterTemplate(
    templateId: $template, customerId: $customer, segmentId: $segment, stepNumber: $step
  ) { subject html text errors { field code message } }
}"""

SPRING = {
    "code": "spring",
    "subject": "Spring for {{var customer_name}}",
    "text": "<p>Hello {{var customer_firstname}}</p>",
    "senderName": "Shop",
    "senderEmail": "news@example.com",
}


async def test_create_stores_the_template_and_reads_it_back(gql, shop):
    data = await gql.data(CREATE, {"input": SPRING})

    assert data["createNewsletterTemplate"] == {
        "newsletterTemplate": {"id": "2", **SPRING},
        "errors": [],
    }
    assert (await gql.data(ONE, {"id": "2"})) == {"newsletterTemplate": {"id": "2", **SPRING}}


async def test_create_reports_every_problem_on_its_field_and_stores_nothing(gql, shop):
    before = await table(NewsletterTemplate)

    data = await gql.data(
        CREATE,
        {
            "input": {
                "code": " ",
                "subject": "Hi {{var nickname}}",
                "text": "{{var customer_name",
                "senderEmail": "not an address",
            }
        },
    )

    assert data["createNewsletterTemplate"] == {
        "newsletterTemplate": None,
        "errors": [
            {"field": "code", "code": "REQUIRED", "message": "Template code is required."},
            {
                "field": "subject",
                "code": "INVALID",
                "message": "Unknown variable nickname. Allowed: customer_name, "
                "customer_firstname, customer_lastname, customer_email, segment_name, "
                "step_number, store_name, unsubscribe_url, coupon_code, coupon_expires_date, "
                "coupon_expires_formatted, coupon_discount_amount, coupon_discount_text, "
                "coupon_description",
            },
            {
                "field": "text",
                "code": "INVALID",
                "message": "Syntax error: {{ at line 1 is not closed with }}",
            },
            {
                "field": "senderEmail",
                "code": "INVALID",
                "message": "Sender email is not a valid address.",
            },
        ],
    }
    assert await table(NewsletterTemplate) == before


async def test_update_replaces_every_field(gql, shop):
    data = await gql.data(UPDATE, {"id": "1", "input": {"code": "welcome2", "subject": "Hi"}})

    assert data["updateNewsletterTemplate"] == {
        "newsletterTemplate": {
            "id": "1",
            "code": "welcome2",
            "subject": "Hi",
            "text": "",
            "senderName": None,
            "senderEmail": None,
        },
        "errors": [],
    }


async def test_update_of_a_missing_or_malformed_id_changes_nothing(gql, shop):
    before = await table(NewsletterTemplate)

    missing = await gql.data(UPDATE, {"id": "99", "input": SPRING})
    malformed = await gql.data(UPDATE, {"id": "x", "input": SPRING})

    assert missing["updateNewsletterTemplate"] == {
        "newsletterTemplate": None,
        "errors": [
            {
                "field": "id",
                "code": "NOT_FOUND",
                "message": "Newsletter template 99 does not exist.",
            }
        ],
    }
    assert malformed["updateNewsletterTemplate"] == {
        "newsletterTemplate": None,
        "errors": [{"field": "id", "code": "INVALID", "message": "'x' is not a valid id."}],
    }
    assert await table(NewsletterTemplate) == before


async def test_delete_removes_the_template_also_while_a_step_uses_it(gql, shop):
    await step(shop.segment_id)

    data = await gql.data(DELETE, {"id": "1"})
    again = await gql.data(DELETE, {"id": "1"})

    assert data["deleteNewsletterTemplate"] == {"deletedId": "1", "errors": []}
    assert again["deleteNewsletterTemplate"] == {
        "deletedId": None,
        "errors": [
            {"field": "id", "code": "NOT_FOUND", "message": "Newsletter template 1 does not exist."}
        ],
    }
    assert await gql.data(ONE, {"id": "1"}) == {"newsletterTemplate": None}


async def test_templates_page_by_id(gql, shop):
    for code in ("b", "c"):
        await gql.data(CREATE, {"input": {"code": code, "subject": code.upper()}})

    first = await gql.data(PAGE, {"first": 2})
    cursor = first["newsletterTemplates"]["pageInfo"]["endCursor"]
    rest = await gql.data(PAGE, {"first": 2, "after": cursor})

    assert [e["node"] for e in first["newsletterTemplates"]["edges"]] == [
        {"id": "1", "code": "welcome"},
        {"id": "2", "code": "b"},
    ]
    assert first["newsletterTemplates"]["pageInfo"]["hasNextPage"] is True
    assert rest["newsletterTemplates"]["edges"][0]["node"] == {"id": "3", "code": "c"}
    assert rest["newsletterTemplates"]["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": rest["newsletterTemplates"]["edges"][0]["cursor"],
    }


async def test_render_shows_a_sample_coupon_of_a_coupon_step_and_writes_nothing(gql, shop):
    await NewsletterTemplate.filter(id=1).update(
        text="<p>Hi {{var customer_firstname}}, welcome to {{var store_name}}.</p>"
        "<p>Code {{var coupon_code}}: {{var coupon_discount_text}} (step {{var step_number}} "
        "of {{var segment_name}})</p>"
        '<a href="{{var unsubscribe_url}}">Unsubscribe</a>',
    )
    await step(
        shop.segment_id, 2, generate_coupon=True, coupon_sales_rule_id=5, coupon_expires_days=0
    )

    data = await gql.data(
        RENDER, {"template": "1", "customer": "1", "segment": str(shop.segment_id), "step": 2}
    )

    link = unsubscribe_url(PUBLIC_URL, SECRET, 1)
    assert data["renderNewsletterTemplate"] == {
        "subject": "Welcome Ann",
        "html": "<p>Hi Ann, welcome to Example Store.</p>"
        "<p>Code SAMPLE-CODE: 15% off (step 2 of VIPs)</p>"
        f'<a href="{link}">Unsubscribe</a>',
        "text": f"Hi Ann, welcome to Example Store.\n\nCode SAMPLE-CODE: 15% off (step 2 of "
        f"VIPs)\n\nUnsubscribe ({link})",
        "errors": [],
    }
    assert (await Coupon.all().count(), await SequenceProgress.all().count()) == (0, 0)


async def test_render_shows_the_expiry_a_coupon_made_now_would_get(gql, shop):
    await NewsletterTemplate.filter(id=1).update(
        text="<p>{{var coupon_code}} until {{var coupon_expires_formatted}} "
        "({{var coupon_expires_date}})</p>"
    )
    await step(shop.segment_id, 1, generate_coupon=True, coupon_sales_rule_id=5)

    with time_machine.travel(datetime(2025, 11, 13, 9, 0, tzinfo=UTC), tick=True):
        data = await gql.data(
            RENDER, {"template": "1", "customer": "1", "segment": str(shop.segment_id), "step": 1}
        )

    assert data["renderNewsletterTemplate"]["html"] == (
        "<p>SAMPLE-CODE until Dec 13, 2025 (2025-12-13)</p>"
    )


async def test_render_without_a_coupon_step_leaves_the_coupon_empty(gql, shop):
    data = await gql.data(RENDER, {"template": "1", "customer": "2"})

    assert data["renderNewsletterTemplate"] == {
        "subject": "Welcome Bob",
        "html": "<p>Hi Bob, welcome to Example Store.</p><p>Code : </p>",
        "text": "Hi Bob, welcome to Example Store.\n\nCode :",
        "errors": [],
    }


async def test_render_names_each_missing_input(gql, shop):
    data = await gql.data(RENDER, {"template": "9", "customer": "99", "segment": "77"})

    assert data["renderNewsletterTemplate"] == {
        "subject": None,
        "html": None,
        "text": None,
        "errors": [
            {
                "field": "templateId",
                "code": "NOT_FOUND",
                "message": "Newsletter template 9 does not exist.",
            },
            {"field": "customerId", "code": "NOT_FOUND", "message": "Customer 99 does not exist."},
            {"field": "segmentId", "code": "NOT_FOUND", "message": "Segment 77 does not exist."},
        ],
    }


async def test_render_refuses_a_coupon_step_whose_rule_is_no_longer_usable(gql, shop):
    await step(shop.segment_id, 1, generate_coupon=True, coupon_sales_rule_id=6)

    data = await gql.data(
        RENDER, {"template": "1", "customer": "1", "segment": str(shop.segment_id), "step": 1}
    )

    assert data["renderNewsletterTemplate"]["errors"] == [
        {
            "field": "stepNumber",
            "code": "INVALID",
            "message": "Coupon not generated: Sales rule is not active.",
        }
    ]
