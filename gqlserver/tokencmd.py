"""`segmentql token create`: store a new API token and return its plaintext."""

from __future__ import annotations

import click

from gqlserver.db import open_database
from gqlserver.settings import get_settings
from models.auth.tokens import create_token
from models.errors import DomainError


async def run_token_create(name: str, scopes: list[str]) -> str:
    from gqlserver.migrate import apply_migrations

    database_url = get_settings().database_url
    await apply_migrations(database_url)
    async with open_database(database_url):
        try:
            return await create_token(name, scopes)
        except DomainError as exc:
            raise click.UsageError(str(exc)) from exc
