"""Customer.lifetimeSales shows what the customer_clv.lifetime_sales condition compares."""

from __future__ import annotations

from datetime import UTC, datetime

from models.segments.orm import Segment
from models.store.reference import CustomerGroup, Store, Website
from models.store.sales import Creditmemo, Order
from tests.segments.store_rows import add_customers, customer_row

AT = datetime(2024, 3, 5, 12, tzinfo=UTC)

TOTALS = """
query($id: ID!) { customer(id: $id) { ordersCount lifetimeSales refundedTotal } }
"""
PREVIEW = """
mutation($input: SegmentInput!) {
  previewSegment(input: $input) { count sampleCustomerIds errors { field message } }
}
"""


async def _order(order_id: int, state: str, total: str) -> None:
    await Order.create(
        id=order_id,
        customer_id=7,
        store_id=1,
        state=state,
        status=state,
        created_at=AT,
        grand_total=total,
        subtotal=total,
    )


async def _customer_with_canceled_and_closed_orders() -> None:
    await Website.create(id=1, code="base", name="Main Website")
    await Store.create(id=1, website_id=1, code="default", name="Default Store View")
    await CustomerGroup.create(id=1, code="General")
    await add_customers(customer_row(7, store_id=1, created_at=AT))
    await _order(1, "complete", "100.00")
    await _order(2, "processing", "20.50")
    await _order(3, "canceled", "50.00")
    await _order(4, "closed", "30.00")  # fully refunded
    await Creditmemo.create(id=40, order_id=4, grand_total="30.00", created_at=AT)


async def test_lifetime_sales_leaves_out_canceled_and_closed_orders(make_client, db):
    await _customer_with_canceled_and_closed_orders()
    reader = await make_client("read")

    data = await reader.data(TOTALS, {"id": "7"})

    assert data["customer"] == {
        "ordersCount": 4,
        "lifetimeSales": "120.5000",
        "refundedTotal": "30.0000",
    }


async def test_the_lifetime_sales_condition_matches_the_value_the_customer_shows(make_client, db):
    await _customer_with_canceled_and_closed_orders()
    reader = await make_client("read")
    shown = (await reader.data(TOTALS, {"id": "7"}))["customer"]["lifetimeSales"]

    def preview(operator: str) -> dict:
        leaf = {
            "type": "customer_clv",
            "attribute": "lifetime_sales",
            "operator": operator,
            "value": shown,
        }
        conditions = {"type": "combine", "aggregator": "all", "conditions": [leaf]}
        return {"input": {"name": "Exact", "websiteIds": [1], "conditions": conditions}}

    equal = await reader.data(PREVIEW, preview("=="))
    above = await reader.data(PREVIEW, preview(">"))

    assert equal["previewSegment"] == {"count": 1, "sampleCustomerIds": ["7"], "errors": []}
    assert above["previewSegment"] == {"count": 0, "sampleCustomerIds": [], "errors": []}
    assert await Segment.all().count() == 0
