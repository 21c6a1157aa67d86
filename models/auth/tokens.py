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


async def create_first_admin_token() -> str | None:
    """On a database without any token, create an admin token and return it; else None."""
    if await ApiToken.exists():
        return None
    return await create_token("admin", ["admin"])
