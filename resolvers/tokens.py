"""API tokens for admins: list them (never their secrets) and revoke one.

Tokens are created with `segmentql token create`; the plaintext is shown only then.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from models.auth import tokens
from models.auth.orm import ApiToken as TokenRow
from models.errors import DomainError
from resolvers.context import Info
from resolvers.errors import Error, errors_from
from resolvers.ids import parse_id
from resolvers.permissions import IsAdmin


@strawberry.enum(description="What a token may do; each implies the ones before it.")
class TokenScope(Enum):
    READ = strawberry.enum_value("read", description="Queries and subscriptions.")
    WRITE = strawberry.enum_value(
        "write", description="Mutations, imports and refreshes, plus `READ`."
    )
    ADMIN = strawberry.enum_value(
        "admin", description="Settings and token management, plus `WRITE`."
    )


@strawberry.type(description="An API token as stored: its secret is never shown again.")
class ApiToken:
    id: strawberry.ID = strawberry.field(description="The token's id (what revocation takes).")
    name: str = strawberry.field(description="The name given at creation; not unique.")
    scopes: list[TokenScope] = strawberry.field(description="What the token may do.")
    created_at: datetime = strawberry.field(description="When the token was created (UTC).")
    last_used_at: datetime | None = strawberry.field(
        description="When a request last authenticated with it (UTC, updated at most every "
        "few seconds per server); null if never."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked (UTC); null while it is live."
    )

    @classmethod
    def of(cls, row: TokenRow) -> ApiToken:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            scopes=[TokenScope(scope) for scope in row.scopes],
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type(description="The outcome of `revokeApiToken`.")
class RevokeApiTokenPayload:
    api_token: ApiToken | None = strawberry.field(
        description="The token, now revoked; null when nothing was revoked."
    )
    errors: list[Error] = strawberry.field(
        description="Why nothing was revoked: `NOT_FOUND` (no such id), `CONFLICT` (already "
        "revoked)."
    )


@strawberry.type
class TokenQuery:
    @strawberry.field(
        permission_classes=[IsAdmin],
        description="API tokens in id order, without their secrets (admin scope).",
    )
    async def api_tokens(
        self,
        include_revoked: Annotated[
            bool,
            strawberry.argument(description="Also list revoked tokens (default true)."),
        ] = True,
    ) -> list[ApiToken]:
        rows = await tokens.list_tokens(include_revoked=include_revoked)
        return [ApiToken.of(row) for row in rows]


@strawberry.type
class TokenMutation:
    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Revokes a token (admin scope): requests with it are refused from now on, "
        "and its open websocket connections are closed (code 4403) with their subscriptions; "
        "other server processes stop honouring it within SEGMENTQL_TOKEN_RECHECK_SECONDS (2).",
    )
    async def revoke_api_token(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The token's id.")],
    ) -> RevokeApiTokenPayload:
        try:
            row = await tokens.revoke_token(str(parse_id(id)))
        except DomainError as exc:
            return RevokeApiTokenPayload(api_token=None, errors=_id_errors(exc))
        if info.context.token_revoked is not None:
            await info.context.token_revoked(row.id)
        return RevokeApiTokenPayload(api_token=ApiToken.of(row), errors=[])


def _id_errors(exc: DomainError) -> list[Error]:
    """The domain names the reference `token`; here it is the `id` argument."""
    return [Error(field="id", code=error.code, message=error.message) for error in errors_from(exc)]
