"""Signed links that name a customer, so a click needs no login and cannot be forged.

Each purpose signs with its own salt: a token made for one link is refused by another.
The tokens carry no timestamp on purpose: an unsubscribe link (RFC 8058) is clicked
months after the mail was sent and must still work.
"""

from __future__ import annotations

from itsdangerous import BadData

from models.mail.signing import serializer

_UNSUBSCRIBE = "segmentql.mail.unsubscribe"


def unsubscribe_token(secret: str, customer_id: int) -> str:
    return serializer(secret, _UNSUBSCRIBE).dumps(customer_id)


def read_unsubscribe_token(secret: str, token: str) -> int | None:
    """The customer id a token names; None when it was not signed with `secret` for this use."""
    try:
        value = serializer(secret, _UNSUBSCRIBE).loads(token)
    except BadData:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(public_url: str, secret: str, customer_id: int) -> str:
    return f"{public_url.rstrip('/')}/unsubscribe/{unsubscribe_token(secret, customer_id)}"
