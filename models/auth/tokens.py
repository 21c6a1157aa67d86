"""API tokens: creation, verification and the first-start admin token.

Only a SHA-256 of each token is stored, so a leaked database does not leak usable
tokens; the plaintext is shown once, when the token is created.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

from models.auth.orm import ApiToken
from models.errors import DomainError, ErrorCode

SCOPES: tuple[str, ...] = ("read", "write", "admin")
TOKEN_PREFIX = "sq_"
MAX_ID = 2**31 - 1


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _validated_scopes(scopes: Iterable[str]) -> list[str]:
    given = list(scopes)
    if not given:
        raise DomainError.single("scopes", ErrorCode.REQUIRED, "A token needs at least one scope.")
    for i, scope in enumerate(given):
        if scope not in SCOPES:
            raise DomainError.single(
                f"scopes[{i}]",
                ErrorCode.VALUE_NOT_ALLOWED,
                f"Unknown scope {scope!r}; expected one of {', '.join(SCOPES)}.",
            )
    return [scope for scope in SCOPES if scope in given]


async def create_token(name: str, scopes: Iterable[str]) -> str:
    """Store a new token and return its plaintext (the only time it is available)."""
    if not name.strip():
        raise DomainError.single("name", ErrorCode.REQUIRED, "A token needs a name.")
    valid_scopes = _validated_scopes(scopes)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.create(name=name.strip(), token_hash=hash_token(plaintext), scopes=valid_scopes)
    return plaintext


async def verify(plaintext: str) -> ApiToken | None:
    """The live token this plaintext belongs to, or None (unknown or revoked)."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    return await ApiToken.get_or_none(token_hash=hash_token(plaintext), revoked_at__isnull=True)


async def mark_used(token_id: int) -> None:
    await ApiToken.filter(id=token_id).update(last_used_at=datetime.now(UTC))


async def revoke(token_id: int) -> bool:
    """Revoke a token; False if it does not exist or was already revoked."""
    updated = await ApiToken.filter(id=token_id, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC)
    )
    return bool(updated)


async def list_tokens(*, include_revoked: bool = True) -> list[ApiToken]:
    """Every token in id order (revoked ones too unless asked not to); no secrets in them."""
    query = ApiToken.all() if include_revoked else ApiToken.filter(revoked_at__isnull=True)
    return await query.order_by("id")


async def find_token(reference: str) -> ApiToken:
    """The token an id or a name refers to; NOT_FOUND, or CONFLICT when a name is shared.

    An all-digit reference is an id. Names are not unique, so a name shared by live tokens
    must be revoked by id; revoked tokens of the same name do not count.
    """
    text = reference.strip()
    if text.isascii() and text.isdigit():
        # Ids are INTEGER keys: a longer run of digits names no token.
        fits = len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID
        found = await ApiToken.get_or_none(id=int(text)) if fits else None
        if found is not None:
            return found
        raise DomainError.single("token", ErrorCode.NOT_FOUND, f"No token with id {text}.")
    named = await ApiToken.filter(name=text).order_by("id")
    live = [row for row in named if row.revoked_at is None]
    if len(live) > 1:
        ids = ", ".join(str(row.id) for row in live)
        raise DomainError.single(
            "token",
            ErrorCode.CONFLICT,
            f"{len(live)} live tokens are named {text!r} (ids {ids}); give the id instead.",
        )
    if live or named:
        return (live or named)[0]
    raise DomainError.single("token", ErrorCode.NOT_FOUND, f"No token named {text!r}.")


async def revoke_token(reference: str) -> ApiToken:
    """Revoke the token an id or name refers to (see `find_token`) and return it.

    CONFLICT if it was already revoked: nothing changes then.
    """
    row = await find_token(reference)
    if row.revoked_at is not None or not await revoke(row.id):
        raise DomainError.single(
            "token", ErrorCode.CONFLICT, f"Token {row.id} ({row.name}) is already revoked."
        )
    await row.refresh_from_db()
    return row


async def revoked_among(token_ids: Iterable[int]) -> set[int]:
    """Those of these ids whose token is revoked or gone: what open connections must drop."""
    wanted = set(token_ids)
    if not wanted:
        return set()
    live = await ApiToken.filter(id__in=wanted, revoked_at__isnull=True).values_list(
        "id", flat=True
    )
    return wanted - set(live)


async def create_first_admin_token() -> str | None:
    """On a database without any token, create an admin token and return it; else None."""
    if await ApiToken.exists():
        return None
    return await create_token("admin", ["admin"])
