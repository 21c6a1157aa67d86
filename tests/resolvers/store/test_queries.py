"""Store data reads over GraphQL, on both dialects: exact results, paging, batching."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest

from models.store.customers import CustomerAddress, NewsletterSubscriber
from models.store.reads import customer_cursor, order_cursor
from models.store.reference import CustomerGroup, Store, Website
from models.store.sales import Creditmemo, Order, OrderItem
from tests.segments.store_rows import add_customers, customer_row


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 3, day, hour, tzinfo=UTC)


async def given_reference_data() -> None:
    await Website.create(id=1, code="base", name="Main Website")
    await Website.create(id=2, code="eu", name="EU Website")
    await Store.create(id=1, website_id=1, code="default", name="Default Store View")
    await Store.create(id=2, website_id=2, code="fr", name="French")
    await Store.create(id=3, website_id=1, code="en", name="English")
    await CustomerGroup.create(id=1, code="General")
    await CustomerGroup.create(id=2, code="Wholesale")


async def given_customer(customer_id: int, **fields) -> None:
    """store_rows.customer_row's customer, but of store 1 and registered on March 1."""
    await add_customers(customer_row(customer_id, **{"store_id": 1, "created_at": at(1), **fields}))


async def given_order(order_id: int, customer_id: int, created: datetime, total: str) -> Order:
    return await Order.create(
        id=order_id,
        increment_id=f"1000{order_id}",
        customer_id=customer_id,
        store_id=1,
        state="complete",
        status="complete",
        created_at=created,
        grand_total=total,
        subtotal=total,
        order_currency_code="EUR",
    )


CUSTOMER = """
query ($id: ID!) {
  customer(id: $id) {
    id email firstname lastname gender dob createdAt isActive websiteId storeId groupId
    website { id code name }
    store { id code website { code } }
    group { id code }
    addresses { id street city countryId company }
    newsletterSubscription { status label changedAt }
    ordersCount lifetimeSales refundedTotal
    orders {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id incrementId grandTotal createdAt
        items { sku qtyOrdered price rowTotal }
        creditmemos { id grandTotal } } }
    }
  }
}
"""


async def test_customer_with_everything_hanging_on_it(gql):
    await given_reference_data()
    await given_customer(
        7,
        email="ada@example.com",
        firstname="Ada",
        lastname="Lovelace",
        gender="female",
        dob=date(1990, 12, 10),
        group_id=2,
        store_id=3,
    )
    await CustomerAddress.create(
        id=70, customer_id=7, street="1 Main St", city="London", country_id="GB"
    )
    await CustomerAddress.create(
        id=71, customer_id=7, street="2 Side St", city="Paris", country_id="FR", company="ACME"
    )
    await NewsletterSubscriber.create(customer_id=7, subscriber_status=3, change_status_at=at(2))
    await given_order(100, 7, at(3), "10.50")
    await given_order(101, 7, at(5), "99.9900")
    await OrderItem.create(order_id=100, sku="A", qty_ordered=2, price="5.25", row_total="10.5")
    await OrderItem.create(order_id=101, sku="B", qty_ordered=1, price="99.99", row_total="99.99")
    await OrderItem.create(order_id=101, sku="C", qty_ordered=1, price="0", row_total="0")
    await Creditmemo.create(id=500, order_id=101, grand_total="20.01", created_at=at(6))
    await given_customer(8)  # another customer's rows must not leak in
    await given_order(102, 8, at(4), "1")

    data = await gql.data(CUSTOMER, {"id": "7"})

    assert data == {
        "customer": {
            "id": "7",
            "email": "ada@example.com",
            "firstname": "Ada",
            "lastname": "Lovelace",
            "gender": "FEMALE",
            "dob": "1990-12-10",
            "createdAt": "2024-03-01T12:00:00+00:00",
            "isActive": True,
            "websiteId": 1,
            "storeId": 3,
            "groupId": 2,
            "website": {"id": 1, "code": "base", "name": "Main Website"},
            "store": {"id": 3, "code": "en", "website": {"code": "base"}},
            "group": {"id": 2, "code": "Wholesale"},
            "addresses": [
                {
                    "id": "70",
                    "street": "1 Main St",
                    "city": "London",
                    "countryId": "GB",
                    "company": None,
                },
                {
                    "id": "71",
                    "street": "2 Side St",
                    "city": "Paris",
                    "countryId": "FR",
                    "company": "ACME",
                },
            ],
            "newsletterSubscription": {
                "status": "UNSUBSCRIBED",
                "label": "Unsubscribed",
                "changedAt": "2024-03-02T12:00:00+00:00",
            },
            "ordersCount": 2,
            "lifetimeSales": "110.4900",
            "refundedTotal": "20.0100",
            "orders": {
                "pageInfo": {"hasNextPage": False, "endCursor": order_cursor(100)},
                "edges": [
                    {
                        "cursor": order_cursor(101),
                        "node": {
                            "id": "101",
                            "incrementId": "1000101",
                            "grandTotal": "99.9900",
                            "createdAt": "2024-03-05T12:00:00+00:00",
                            "items": [
                                {
                                    "sku": "B",
                                    "qtyOrdered": "1.0000",
                                    "price": "99.9900",
                                    "rowTotal": "99.9900",
                                },
                                {
                                    "sku": "C",
                                    "qtyOrdered": "1.0000",
                                    "price": "0.0000",
                                    "rowTotal": "0.0000",
                                },
                            ],
                            "creditmemos": [{"id": "500", "grandTotal": "20.0100"}],
                        },
                    },
                    {
                        "cursor": order_cursor(100),
                        "node": {
                            "id": "100",
                            "incrementId": "1000100",
                            "grandTotal": "10.5000",
                            "createdAt": "2024-03-03T12:00:00+00:00",
                            "items": [
                                {
                                    "sku": "A",
                                    "qtyOrdered": "2.0000",
                                    "price": "5.2500",
                                    "rowTotal": "10.5000",
                                }
                            ],
                            "creditmemos": [],
                        },
                    },
                ],
            },
        }
    }


async def test_customer_without_related_rows(gql):
    await given_reference_data()
    await given_customer(9, store_id=None)

    data = await gql.data(CUSTOMER, {"id": "9"})

    customer = data["customer"]
    assert (customer["store"], customer["addresses"], customer["newsletterSubscription"]) == (
        None,
        [],
        None,
    )
    assert (customer["ordersCount"], customer["lifetimeSales"], customer["refundedTotal"]) == (
        0,
        "0.0000",
        "0.0000",
    )
    assert customer["orders"] == {
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


async def test_unknown_customer_is_null(gql):
    assert await gql.data(CUSTOMER, {"id": "404"}) == {"customer": None}


async def test_malformed_customer_id_is_a_readable_error(gql):
    errors = await gql.errors(CUSTOMER, {"id": "abc"})

    assert [(e["message"], e["extensions"]) for e in errors] == [
        ("id: 'abc' is not a valid id.", {"code": "INVALID", "field": "id"})
    ]


ORDER_PAGE = """
query ($id: ID!, $first: Int, $after: String) {
  customer(id: $id) {
    orders(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id }
    }
  }
}
"""


async def test_orders_page_newest_first_with_ties_broken_by_id(gql):
    await given_reference_data()
    await given_customer(1)
    await given_order(10, 1, at(1), "1")
    await given_order(11, 1, at(3), "1")
    await given_order(12, 1, at(3), "1")  # same time as 11: higher id comes first
    await given_order(13, 1, at(2), "1")
    await given_order(14, 1, at(4), "1")

    pages = []
    after = None
    while True:
        data = await gql.data(ORDER_PAGE, {"id": "1", "first": 2, "after": after})
        orders = data["customer"]["orders"]
        pages.append([n["id"] for n in orders["nodes"]])
        if not orders["pageInfo"]["hasNextPage"]:
            break
        after = orders["pageInfo"]["endCursor"]

    assert pages == [["14", "12"], ["11", "13"], ["10"]]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"first": 101}, ("first", "Must be between 0 and 100, got 101.")),
        ({"first": -1}, ("first", "Must be between 0 and 100, got -1.")),
        ({"after": "garbage"}, ("after", "Invalid cursor.")),
        ({"after": customer_cursor(3)}, ("after", "Invalid cursor.")),
    ],
)
async def test_bad_order_paging_is_refused(gql, variables, expected):
    await given_reference_data()
    await given_customer(1)

    errors = await gql.errors(ORDER_PAGE, {"id": "1", **variables})

    assert [(e["extensions"]["field"], e["message"].split(": ", 1)[1]) for e in errors] == [
        expected
    ]


CUSTOMERS = """
query ($first: Int, $after: String, $filter: CustomerFilter) {
  customers(first: $first, after: $after, filter: $filter) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}
"""


async def given_customers_for_filters() -> None:
    await given_reference_data()
    await given_customer(1, email="anna@shop.example", website_id=1, group_id=1)
    await given_customer(2, email="bob@Shop.example", website_id=2, group_id=1, store_id=2)
    await given_customer(3, email="carl@other.example", website_id=1, group_id=2)
    await given_customer(4, email="dora@SHOP.example", website_id=1, group_id=2)


@pytest.mark.parametrize(
    ("customer_filter", "expected"),
    [
        (None, ["1", "2", "3", "4"]),
        ({"websiteId": 1}, ["1", "3", "4"]),
        ({"groupId": 2}, ["3", "4"]),
        ({"emailContains": "shop"}, ["1", "2", "4"]),
        ({"emailContains": "SHOP", "websiteId": 1, "groupId": 2}, ["4"]),
        ({"websiteId": 3}, []),
    ],
)
async def test_customers_filtered(gql, customer_filter, expected):
    await given_customers_for_filters()

    data = await gql.data(CUSTOMERS, {"filter": customer_filter})

    assert [e["node"]["id"] for e in data["customers"]["edges"]] == expected


async def test_customers_keyset_pages(gql):
    await given_customers_for_filters()

    first = (await gql.data(CUSTOMERS, {"first": 3}))["customers"]
    rest = (await gql.data(CUSTOMERS, {"first": 3, "after": first["pageInfo"]["endCursor"]}))[
        "customers"
    ]

    assert [e["node"]["id"] for e in first["edges"]] == ["1", "2", "3"]
    assert first["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": customer_cursor(1),
        "endCursor": customer_cursor(3),
    }
    assert [e["node"]["id"] for e in rest["edges"]] == ["4"]
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": customer_cursor(4),
        "endCursor": customer_cursor(4),
    }


async def test_reference_lists(gql):
    await given_reference_data()

    data = await gql.data(
        "{ websites { id code name stores { id code } } stores { id websiteId code name }"
        " customerGroups { id code } }"
    )

    assert data == {
        "websites": [
            {
                "id": 1,
                "code": "base",
                "name": "Main Website",
                "stores": [{"id": 1, "code": "default"}, {"id": 3, "code": "en"}],
            },
            {"id": 2, "code": "eu", "name": "EU Website", "stores": [{"id": 2, "code": "fr"}]},
        ],
        "stores": [
            {"id": 1, "websiteId": 1, "code": "default", "name": "Default Store View"},
            {"id": 2, "websiteId": 2, "code": "fr", "name": "French"},
            {"id": 3, "websiteId": 1, "code": "en", "name": "English"},
        ],
        "customerGroups": [{"id": 1, "code": "General"}, {"id": 2, "code": "Wholesale"}],
    }


EVERYTHING_FOR_MANY = """
query ($first: Int) {
  customers(first: $first) {
    nodes {
      id website { code } store { code } group { code }
      addresses { city } newsletterSubscription { status }
      ordersCount lifetimeSales refundedTotal
      orders(first: 2) { nodes { id items { sku } creditmemos { id } } }
    }
  }
}
"""


class QueryCounter(logging.Handler):
    """Counts store queries Tortoise logs (token checks are left out: they are cached)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith(("SELECT", "WITH")) and "api_token" not in message:
            self.count += 1


async def count_queries(gql, first: int) -> int:
    tortoise_log = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous_level = tortoise_log.level
    tortoise_log.setLevel(logging.DEBUG)
    tortoise_log.addHandler(counter)
    try:
        data = await gql.data(EVERYTHING_FOR_MANY, {"first": first})
    finally:
        tortoise_log.removeHandler(counter)
        tortoise_log.setLevel(previous_level)
    assert len(data["customers"]["nodes"]) == first
    return counter.count


async def test_dataloaders_batch_relations_of_a_list(gql):
    await given_reference_data()
    for customer_id in range(1, 9):
        await given_customer(customer_id, store_id=1 + customer_id % 3)
        await CustomerAddress.create(id=customer_id, customer_id=customer_id, city="X")
        await NewsletterSubscriber.create(customer_id=customer_id, subscriber_status=1)
        for n in range(3):
            order = await given_order(customer_id * 10 + n, customer_id, at(1 + n), "5")
            await OrderItem.create(order_id=order.id, sku="S")
            await Creditmemo.create(id=order.id, order_id=order.id, created_at=at(9))

    for_two = await count_queries(gql, 2)
    for_eight = await count_queries(gql, 8)

    # customers, website, store, group, addresses, subscriber, 2 sales totals,
    # ranked order ids + orders, items, credit memos
    assert for_two == for_eight == 12
