"""Signed tracking links of a sent message: the open pixel and the click redirects.

The open token signs the progress row; a click token signs the row and the link's URL,
so the redirect only ever goes where the sent message pointed (no open redirect).
Each has its own salt, apart from the unsubscribe link's: a token made for one purpose
is refused by the others. No timestamp, as for unsubscribe: mail is read months later.
"""

from __future__ import annotations

from itsdangerous import BadData

from models.mail.signing import serializer

_OPEN = "segmentql.mail.open"
_CLICK = "segmentql.mail.click"
OPEN_PATH = "/t/o/"
CLICK_PATH = "/t/c/"


def open_token(secret: str, progress_id: int) -> str:
    return serializer(secret, _OPEN).dumps(progress_id)


def read_open_token(secret: str, token: str) -> int | None:
    """The progress id a pixel token names; None when it was not signed with `secret` for opens."""
    try:
        value = serializer(secret, _OPEN).loads(token)
    except BadData:
        return None
    return value if type(value) is int else None


def click_token(secret: str, progress_id: int, url: str) -> str:
    return serializer(secret, _CLICK).dumps([progress_id, url])


def read_click_token(secret: str, token: str) -> tuple[int, str] | None:
    """(progress id, original URL) of a click token; None when not signed for clicks."""
    try:
        value = serializer(secret, _CLICK).loads(token)
    except BadData:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and type(value[0]) is int
        and isinstance(value[1], str)
    ):
        return value[0], value[1]
    return None


def pixel_url(public_url: str, secret: str, progress_id: int) -> str:
    return f"{public_url.rstrip('/')}{OPEN_PATH}{open_token(secret, progress_id)}.gif"


def click_url(public_url: str, secret: str, progress_id: int, url: str) -> str:
    return f"{public_url.rstrip('/')}{CLICK_PATH}{click_token(secret, progress_id, url)}"
