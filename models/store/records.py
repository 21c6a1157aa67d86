"""The records of the store import format (CONTRACT "Store data import"), one model per type.

A record is the full state of its row: an omitted optional field is stored as null or
its default, and `items` / `category_ids` replace what the parent had.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.errors import DomainError, ErrorCode, FieldError
from models.store.values import (
    ZERO,
    Count,
    Day,
    Flag,
    Id,
    Money,
    Required32,
    Required64,
    Required128,
    Required150,
    Required255,
    Str2,
    Str3,
    Str32,
    Str50,
    Str64,
    Str128,
    Str255,
    Text,
    Timestamp,
)

# Items of one order, cart or wishlist. Real ones have a few dozen; the cap keeps one
# record (an import line or an upsert) from holding the server for seconds and gigabytes.
MAX_ITEMS = 1000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class StoreRecord(_Strict):
    type: str


class WebsiteRecord(StoreRecord):
    id: Id
    code: Required64
    name: Str255 = ""


class StoreViewRecord(StoreRecord):
    id: Id
    website_id: Id
    code: Required64
    name: Str255 = ""


class CustomerGroupRecord(StoreRecord):
    id: Id
    code: Required64


class CustomerRecord(StoreRecord):
    id: Id
    website_id: Id
    store_id: Id | None = None
    group_id: Id
    email: Required255
    firstname: Str255 | None = None
    lastname: Str255 | None = None
    gender: Literal["male", "female"] | None = None
    dob: Day | None = None
    created_at: Timestamp
    is_active: Flag = True


class CustomerAddressRecord(StoreRecord):
    id: Id
    customer_id: Id
    firstname: Str255 | None = None
    lastname: Str255 | None = None
    company: Str255 | None = None
    street: Str255 | None = None
    city: Str255 | None = None
    region: Str255 | None = None
    postcode: Str32 | None = None
    country_id: Str2 | None = None
    telephone: Str64 | None = None


class NewsletterSubscriberRecord(StoreRecord):
    customer_id: Id
    email: Str255 | None = None
    subscriber_status: Literal[1, 2, 3, 4]
    change_status_at: Timestamp | None = None


class CategoryRecord(StoreRecord):
    id: Id
    name: Str255 = ""
    parent_id: Id | None = None


class ProductRecord(StoreRecord):
    id: Id
    sku: Required128
    name: Str255 = ""
    type_id: Required32 = "simple"
    price: Money | None = None
    category_ids: list[Id] = Field(default_factory=list)


class _ItemRecord(_Strict):
    """The product an order or cart item names, as the item recorded it."""

    product_id: Id | None = None
    sku: Str128 | None = None
    name: Str255 | None = None
    product_type: Str32 | None = None


class OrderItemRecord(_ItemRecord):
    qty_ordered: Money = ZERO
    price: Money = ZERO
    row_total: Money = ZERO
    discount_amount: Money = ZERO


class OrderRecord(StoreRecord):
    id: Id
    increment_id: Str50 | None = None
    customer_id: Id | None = None
    store_id: Id | None = None
    state: Required32
    status: Required32
    created_at: Timestamp
    updated_at: Timestamp | None = None
    grand_total: Money = ZERO
    subtotal: Money = ZERO
    tax_amount: Money = ZERO
    shipping_amount: Money = ZERO
    discount_amount: Money = ZERO
    total_qty_ordered: Money = ZERO
    order_currency_code: Str3 | None = None
    payment_method: Str64 | None = None
    shipping_method: Str64 | None = None
    coupon_code: Str64 | None = None
    items: list[OrderItemRecord] = Field(default_factory=list, max_length=MAX_ITEMS)


class CreditmemoRecord(StoreRecord):
    id: Id
    order_id: Id
    grand_total: Money = ZERO
    created_at: Timestamp


class QuoteItemRecord(_ItemRecord):
    qty: Money = ZERO
    price: Money = ZERO
    row_total: Money = ZERO
    created_at: Timestamp | None = None


class QuoteRecord(StoreRecord):
    id: Id
    customer_id: Id
    store_id: Id | None = None
    is_active: Flag = True
    created_at: Timestamp
    updated_at: Timestamp | None = None
    items_count: Count = 0
    items_qty: Money = ZERO
    base_subtotal: Money = ZERO
    base_grand_total: Money = ZERO
    applied_rule_ids: Str255 | None = None
    coupon_code: Str64 | None = None
    items: list[QuoteItemRecord] = Field(default_factory=list, max_length=MAX_ITEMS)


class ProductViewRecord(StoreRecord):
    customer_id: Id
    product_id: Id
    store_id: Id | None = None
    added_at: Timestamp


class WishlistItemRecord(_Strict):
    product_id: Id
    added_at: Timestamp


class WishlistRecord(StoreRecord):
    id: Id
    customer_id: Id
    shared: Flag = False
    items: list[WishlistItemRecord] = Field(default_factory=list, max_length=MAX_ITEMS)


class CustomerLoginRecord(StoreRecord):
    customer_id: Id
    login_at: Timestamp


class SalesRuleRecord(StoreRecord):
    id: Id
    name: Required255
    description: Text | None = None
    is_active: Flag = True
    coupon_type: Literal["specific", "auto", "none"] = "none"
    use_auto_generation: Flag = False
    simple_action: Literal["by_percent", "by_fixed", "cart_fixed"] = "by_percent"
    discount_amount: Money = ZERO


class NewsletterTemplateRecord(StoreRecord):
    id: Id
    code: Required150
    subject: Str255 = ""
    text: Text = ""
    sender_name: Str255 | None = None
    sender_email: Str255 | None = None


class CustomerDeleteRecord(StoreRecord):
    id: Id


RECORD_MODELS: dict[str, type[StoreRecord]] = {
    "website": WebsiteRecord,
    "store": StoreViewRecord,
    "customer_group": CustomerGroupRecord,
    "customer": CustomerRecord,
    "customer_address": CustomerAddressRecord,
    "newsletter_subscriber": NewsletterSubscriberRecord,
    "category": CategoryRecord,
    "product": ProductRecord,
    "order": OrderRecord,
    "creditmemo": CreditmemoRecord,
    "quote": QuoteRecord,
    "product_view": ProductViewRecord,
    "wishlist": WishlistRecord,
    "customer_login": CustomerLoginRecord,
    "sales_rule": SalesRuleRecord,
    "newsletter_template": NewsletterTemplateRecord,
    "customer_delete": CustomerDeleteRecord,
}

_MESSAGES = {"missing": "field required", "extra_forbidden": "unknown field"}
_CODES = {"missing": ErrorCode.REQUIRED, "extra_forbidden": ErrorCode.INVALID}


def record_type_of(obj: Any) -> str:
    """The record's `type`, or a DomainError saying why it has none we know."""
    if not isinstance(obj, dict):
        raise DomainError.single(None, ErrorCode.INVALID, "a record must be a JSON object")
    kind = obj.get("type")
    if kind is None:
        raise DomainError.single("type", ErrorCode.REQUIRED, "field required")
    if not isinstance(kind, str) or kind not in RECORD_MODELS:
        raise DomainError.single("type", ErrorCode.UNKNOWN_TYPE, f"unknown record type {kind!r}")
    return kind


def validate_record(obj: Any) -> StoreRecord:
    """The typed record; a DomainError lists every bad field by its path inside the record."""
    model = RECORD_MODELS[record_type_of(obj)]
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise DomainError([_field_error(e) for e in exc.errors(include_url=False)]) from None


def _field_error(error: Any) -> FieldError:
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    kind = error["type"]
    message = _MESSAGES.get(kind) or error["msg"][:1].lower() + error["msg"][1:]
    if kind == "too_long":  # pydantic's says "after validation", which is no help here
        context = error.get("ctx", {})
        message = f"at most {context.get('max_length')} items, not {context.get('actual_length')}"
    return FieldError(path or None, _CODES.get(kind, ErrorCode.INVALID_VALUE), message)
