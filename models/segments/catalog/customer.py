"""Catalog entries read from the customer: attributes, addresses, lifetime value,
newsletter subscription and time-based figures."""

from __future__ import annotations

from models.segments.catalog.sales import DAYS_SINCE_LAST_ORDER, LIVE_ORDERS_NOTE
from models.segments.catalog.types import (
    AttributeSpec,
    Option,
    Suggestions,
    ValueKind,
    date_attribute,
    numeric_attribute,
    select_attribute,
    string_attribute,
)
from models.segments.sql.sources import (
    ADDRESSES,
    CLV_STATS,
    LOGIN_STATS,
    ORDER_STATS,
    REFUND_STATS,
    SUBSCRIBER,
    column,
    difference,
    joined,
    stat,
)
from models.segments.sql.terms import (
    Average,
    Choice,
    Count,
    Number,
    Term,
    Text,
)
from models.segments.sql.terms_time import (
    DateOf,
    Day,
    DaysInactive,
    DaysSince,
    DaysUntilBirthday,
    OrderFrequency,
)

GENDERS = (Option("male", "Male"), Option("female", "Female"))
SUBSCRIBER_STATUSES = (
    Option("1", "Subscribed"),
    Option("2", "Not Activated"),
    Option("3", "Unsubscribed"),
    Option("4", "Unconfirmed"),
)

_REGISTERED = column("c.created_at")
_DOB = column("c.dob", nullable=True)

CUSTOMER_ATTRIBUTES: dict[str, AttributeSpec] = {
    "email": string_attribute("Email", Term(Text(column("c.email")))),
    "firstname": string_attribute("First Name", Term(Text(column("c.firstname", nullable=True)))),
    "lastname": string_attribute("Last Name", Term(Text(column("c.lastname", nullable=True)))),
    "gender": select_attribute(
        "Gender",
        Term(Choice(column("c.gender", nullable=True))),
        ValueKind.CHOICE,
        options=GENDERS,
    ),
    "dob": date_attribute("Date of Birth", Term(Day(_DOB))),
    "created_at": date_attribute(
        "Customer Since", Term(DateOf(_REGISTERED)), "UTC date of registration."
    ),
    "group_id": select_attribute(
        "Customer Group",
        Term(Choice(column("c.group_id"))),
        ValueKind.REFERENCE,
        suggestions=Suggestions.GROUP,
    ),
    "store_id": select_attribute(
        "Account Created In Store",
        Term(Choice(column("c.store_id", nullable=True))),
        ValueKind.REFERENCE,
        suggestions=Suggestions.STORE,
    ),
    "website_id": select_attribute(
        "Website",
        Term(Choice(column("c.website_id"))),
        ValueKind.REFERENCE,
        suggestions=Suggestions.WEBSITE,
    ),
    "days_since_registration": numeric_attribute(
        "Days Since Registration",
        Term(DaysSince(_REGISTERED)),
        "Calendar days (UTC) from registration to now.",
    ),
    "days_until_birthday": numeric_attribute(
        "Days Until Birthday",
        Term(DaysUntilBirthday(_DOB)),
        "0 on the birthday; after this year's birthday, days to next year's."
        " 29 February falls on 28 February in non-leap years.",
    ),
}


def _address_text(label: str, name: str) -> AttributeSpec:
    return string_attribute(label, Term(Text(column(f"a.{name}", nullable=True)), ADDRESSES))


CUSTOMER_ADDRESS: dict[str, AttributeSpec] = {
    "firstname": _address_text("First Name", "firstname"),
    "lastname": _address_text("Last Name", "lastname"),
    "company": _address_text("Company", "company"),
    "street": _address_text("Street Address", "street"),
    "city": _address_text("City", "city"),
    "region": _address_text("State/Province", "region"),
    "postcode": _address_text("ZIP/Postal Code", "postcode"),
    "country_id": select_attribute(
        "Country",
        Term(Choice(column("a.country_id", nullable=True)), ADDRESSES),
        ValueKind.CODE,
        suggestions=Suggestions.COUNTRY,
    ),
    "telephone": _address_text("Telephone", "telephone"),
}

_CLV_SALES = stat(CLV_STATS, "sales_total", zero=0)
_CLV_ORDERS = stat(CLV_STATS, "order_count", zero=0)
_CLV_REFUNDS = stat(REFUND_STATS, "refund_total", zero=0)
_CLV_NOTE = " Orders canceled or closed are not counted."

CUSTOMER_CLV: dict[str, AttributeSpec] = {
    "lifetime_sales": numeric_attribute(
        "Lifetime Sales Amount", Term(Number(_CLV_SALES)), "Sum of grand totals." + _CLV_NOTE
    ),
    "number_of_orders": numeric_attribute(
        "Number of Orders",
        Term(Count(CLV_STATS, "order_count")),
        "0 without orders." + _CLV_NOTE,
    ),
    "average_order_value": numeric_attribute(
        "Average Order Value",
        Term(Average(_CLV_SALES, _CLV_ORDERS)),
        "Exact average of grand totals, 0 without orders." + _CLV_NOTE,
    ),
    "lifetime_refunds": numeric_attribute(
        "Lifetime Refunds Amount",
        Term(Number(_CLV_REFUNDS)),
        "Sum of the credit memos of the counted orders." + _CLV_NOTE,
    ),
    "lifetime_profit": numeric_attribute(
        "Lifetime Profit (Sales - Refunds)",
        Term(Number(difference(_CLV_SALES, _CLV_REFUNDS))),
        "Lifetime sales minus lifetime refunds." + _CLV_NOTE,
    ),
}

CUSTOMER_NEWSLETTER: dict[str, AttributeSpec] = {
    "subscriber_status": select_attribute(
        "Subscription Status",
        Term(Choice(joined(SUBSCRIBER, "subscriber_status"))),
        ValueKind.STATUS,
        options=SUBSCRIBER_STATUSES,
        description="A customer without a subscriber record matches no operator.",
    ),
    "change_status_at": date_attribute(
        "Status Changed On",
        Term(DateOf(joined(SUBSCRIBER, "change_status_at"))),
        "UTC date of the last status change; missing matches nothing.",
    ),
}

_LAST_LOGIN = stat(LOGIN_STATS, "last_login_at")
_LAST_ORDER = stat(ORDER_STATS, "last_order_at")
_FIRST_ORDER = stat(ORDER_STATS, "first_order_at")

CUSTOMER_TIMEBASED: dict[str, AttributeSpec] = {
    "days_since_last_login": numeric_attribute(
        "Days Since Last Login",
        Term(DaysSince(_LAST_LOGIN)),
        "Calendar days (UTC); never logged in matches nothing.",
    ),
    "days_since_last_order": DAYS_SINCE_LAST_ORDER,
    "days_since_first_order": numeric_attribute(
        "Days Since First Order",
        Term(DaysSince(_FIRST_ORDER)),
        "Calendar days (UTC); never ordered matches nothing." + LIVE_ORDERS_NOTE,
    ),
    "days_inactive": numeric_attribute(
        "Days Inactive",
        Term(DaysInactive(_REGISTERED, (_LAST_LOGIN, _LAST_ORDER))),
        "Calendar days (UTC) since the latest of registration, last login and last order."
        + LIVE_ORDERS_NOTE,
    ),
    "order_frequency_days": numeric_attribute(
        "Order Frequency (Days)",
        Term(OrderFrequency(_FIRST_ORDER, _LAST_ORDER, stat(ORDER_STATS, "order_count", zero=0))),
        "(last - first order) in calendar days / (orders - 1), not rounded;"
        " fewer than two orders matches nothing." + LIVE_ORDERS_NOTE,
    ),
    "days_without_purchase": numeric_attribute(
        "Days Without Purchase",
        Term(DaysSince(_LAST_ORDER, missing_is_infinite=True)),
        "Days since the last order; never ordered counts as infinitely many days"
        " (matches >, >=, !=, !() only)." + LIVE_ORDERS_NOTE,
    ),
}
