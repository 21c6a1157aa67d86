"""`segmentql token create|list|revoke`: API tokens from the command line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import click

from gqlserver.db import open_database
from gqlserver.settings import get_settings
from models.auth.orm import ApiToken
from models.auth.tokens import create_token, list_tokens, revoke_token
from models.errors import DomainError

LIST_HEADER = ("ID", "NAME", "SCOPES", "CREATED", "LAST USED", "STATUS")


@asynccontextmanager
async def _tokens_database() -> AsyncIterator[None]:
    from gqlserver.migrate import apply_migrations

    database_url = get_settings().database_url
    await apply_migrations(database_url)
    async with open_database(database_url):
        yield


async def run_token_create(name: str, scopes: list[str]) -> str:
    async with _tokens_database():
        try:
            return await create_token(name, scopes)
        except DomainError as exc:
            raise click.UsageError(str(exc)) from exc


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "-"


def token_table(rows: list[ApiToken]) -> str:
    """Aligned columns, one token a line, under a header; secrets are not stored to show."""
    lines = [LIST_HEADER] + [
        (
            str(row.id),
            row.name,
            ",".join(row.scopes),
            _when(row.created_at),
            _when(row.last_used_at),
            f"revoked {_when(row.revoked_at)}" if row.revoked_at else "live",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(LIST_HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


async def run_token_list(include_revoked: bool) -> str:
    async with _tokens_database():
        return token_table(await list_tokens(include_revoked=include_revoked))


async def run_token_revoke(reference: str) -> str:
    """Revoke by id or name; the one line to print, or a ClickException (exit 1) saying why."""
    async with _tokens_database():
        try:
            row = await revoke_token(reference)
        except DomainError as exc:
            raise click.ClickException(exc.errors[0].message) from exc
    return (
        f"revoked token {row.id} ({row.name}); servers refuse it and close its websocket "
        "connections within SEGMENTQL_TOKEN_RECHECK_SECONDS"
    )
