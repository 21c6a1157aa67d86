"""The `segmentql` command line. Each command is thin: it opens what it needs and calls in."""

from __future__ import annotations

import asyncio
import sys
from typing import BinaryIO

import click

from gqlserver.clierrors import EXIT_CODE_MEANINGS, ReportingGroup
from gqlserver.settings import get_settings

EXIT_CODES = "; ".join(f"{code.value} {meaning}" for code, meaning in EXIT_CODE_MEANINGS.items())


@click.group(cls=ReportingGroup, epilog=f"Exit codes: {EXIT_CODES}.")
@click.version_option(
    package_name="segmentql", prog_name="segmentql", message="%(prog)s %(version)s"
)
def main() -> None:
    """segmentql: customer segmentation and segment email automation over GraphQL."""


@main.command()
@click.option("--host", default=None, help="Interface to bind (default SEGMENTQL_HOST).")
@click.option(
    "--port",
    default=None,
    type=click.IntRange(1, 65535),
    help="TCP port to listen on, 1-65535 (default SEGMENTQL_PORT).",
)
def serve(host: str | None, port: int | None) -> None:
    """Run the GraphQL API; applies pending migrations first."""
    from gqlserver.serve import run_server

    run_server(host=host, port=port)


@main.command()
def worker() -> None:
    """Run the arq worker with its cron schedule."""
    from gqlserver.worker import run_worker

    run_worker()


@main.command()
def migrate() -> None:
    """Apply pending migrations to DATABASE_URL."""
    from gqlserver.migrate import apply_migrations

    applied = asyncio.run(apply_migrations(get_settings().database_url))
    click.echo(
        f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "")
    )


@main.command(name="import")
@click.argument("source", type=click.File("rb"))
def import_(source: BinaryIO) -> None:
    """Load NDJSON store data from SOURCE (`-` for stdin)."""
    from gqlserver.importcmd import run_import

    sys.exit(asyncio.run(run_import(source)))


@main.command(name="demo-data")
@click.option(
    "--customers", type=click.IntRange(min=1), required=True, help="How many customers to write."
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed writes the same data.",
)
def demo_data(customers: int, seed: int) -> None:
    """Write synthetic, realistic store data straight to the database."""
    from gqlserver.democmd import run_demo_data

    asyncio.run(run_demo_data(customers=customers, seed=seed))


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command(name="create")
@click.option("--name", required=True, help="A name to recognise the token by (in `token list`).")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(["read", "write", "admin"]),
    help="What the token may do; repeat for several (write implies read, admin implies write).",
)
def token_create(name: str, scopes: tuple[str, ...]) -> None:
    """Print a new API token as the last line of stdout."""
    from gqlserver.tokencmd import run_token_create

    click.echo(asyncio.run(run_token_create(name=name, scopes=list(scopes))))


@token.command(name="list")
@click.option("--live", is_flag=True, help="Leave revoked tokens out.")
def token_list(live: bool) -> None:
    """List tokens (id, name, scopes, created, last used, status); never their secrets."""
    from gqlserver.tokencmd import run_token_list

    click.echo(asyncio.run(run_token_list(include_revoked=not live)))


@token.command(name="revoke")
@click.argument("token_ref", metavar="ID_OR_NAME")
def token_revoke(token_ref: str) -> None:
    """Revoke the token with this id (digits) or name; running servers drop it within seconds."""
    from gqlserver.tokencmd import run_token_revoke

    click.echo(asyncio.run(run_token_revoke(token_ref)))


@main.command(name="export-schema")
def export_schema() -> None:
    """Print the GraphQL SDL that schema.graphql must equal."""
    from gqlserver.schema import schema

    click.echo(schema.as_str())
