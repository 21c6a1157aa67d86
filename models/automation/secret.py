"""The key that signs links in mail (one-click unsubscribe).

SEGMENTQL_SECRET_KEY wins. Without it (local use only: `serve` refuses a public host
without one) a random key is generated once and kept in the database, so every process
of the installation signs and checks links alike and links survive restarts.
"""

from __future__ import annotations

import secrets

from tortoise.exceptions import IntegrityError

from models.automation.orm import InstanceSecret

LINK_KEY = "link_signing_key"


async def link_secret(configured: str | None) -> str:
    if configured:
        return configured
    found = await InstanceSecret.get_or_none(name=LINK_KEY)
    if found is not None:
        return found.value
    try:
        created = await InstanceSecret.create(name=LINK_KEY, value=secrets.token_urlsafe(32))
    except IntegrityError:
        # Another process generated it first: everybody uses that one.
        return (await InstanceSecret.get(name=LINK_KEY)).value
    return created.value
