"""Generate the aerich migrations of both dialects from the models, in one command.

    python -m gqlserver.makemigrations NAME     # next migration in both trees from model changes
    python -m gqlserver.makemigrations --fresh  # delete both trees, write one initial each
    python -m gqlserver.makemigrations --check  # exit 1 if models have unmigrated changes

Models are found through models/registry.py MODEL_MODULES; add a new models module there first.
Generation is offline: aerich diffs the current models against the MODELS_STATE stored in the
newest file of each tree (migrations/sqlite/models/, migrations/postgres/models/) and renders the
DDL of each dialect, so no database is needed. Until a release, prefer `--fresh` over stacking
migrations. Review the generated SQL, then `segmentql migrate` and tests/test_migrations.py
check both trees from an empty database to head.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aerich import Command
from aerich.migrate import Migrate
from tortoise.context import TortoiseContext

from gqlserver.db import APP_LABEL, tortoise_config
from gqlserver.migrate import migration_location
from models.db import Dialect

DIALECTS: tuple[Dialect, ...] = ("sqlite", "postgres")

# Never connected to: offline generation only needs each dialect's DDL generator.
OFFLINE_URLS: dict[Dialect, str] = {
    "sqlite": "sqlite://:memory:",
    "postgres": "postgres://offline@127.0.0.1:1/offline",
}


def _reset_aerich_state() -> None:
    """aerich accumulates a diff on class attributes; start each dialect from a clean slate."""
    Migrate.upgrade_operators = []
    Migrate.downgrade_operators = []
    Migrate._upgrade_fk_m2m_index_operators = []
    Migrate._downgrade_fk_m2m_index_operators = []
    Migrate._upgrade_m2m = []
    Migrate._downgrade_m2m = []
    Migrate._rename_fields = {}
    Migrate._rename_models = {}
    Migrate._last_version_content = None


@asynccontextmanager
async def _offline_command(dialect: Dialect, location: Path) -> AsyncIterator[Command]:
    config = tortoise_config(OFFLINE_URLS[dialect])
    async with TortoiseContext() as context:
        await context.init(config=config)
        _reset_aerich_state()
        yield Command(tortoise_config=config, app=APP_LABEL, location=str(location))


def _delete_tree(dialect: Dialect) -> None:
    shutil.rmtree(migration_location(dialect) / APP_LABEL, ignore_errors=True)


async def make_migration(dialect: Dialect, name: str, location: Path | None = None) -> str:
    """Write the next migration of one dialect; return its file name, or "" if nothing changed."""
    location = location or migration_location(dialect)
    tree = location / APP_LABEL
    async with _offline_command(dialect, location) as command:
        if not any(tree.glob("[0-9]*_*.py")):
            # aerich writes an initial migration only into an empty (or missing) directory.
            shutil.rmtree(tree, ignore_errors=True)
            await command.init_migrations(safe=False)
            return f"{Migrate.get_last_version_file()}.py"
        await command.init(offline=True)
        return await command.migrate(name, no_input=True, offline=True)


async def unmigrated_changes(dialect: Dialect) -> str:
    """The upgrade SQL the current models still need beyond the newest migration ("" if none)."""
    with tempfile.TemporaryDirectory() as scratch:
        location = Path(scratch)
        shutil.copytree(migration_location(dialect) / APP_LABEL, location / APP_LABEL)
        created = await make_migration(dialect, "unmigrated", location)
        if not created:
            return ""
        return (location / APP_LABEL / created).read_text()


async def _main(args: argparse.Namespace) -> int:
    if args.check:
        pending = {dialect: await unmigrated_changes(dialect) for dialect in DIALECTS}
        for dialect, sql in pending.items():
            if sql:
                print(f"{dialect}: models have changes without a migration:\n{sql}")
        return 1 if any(pending.values()) else 0
    if args.fresh:
        for dialect in DIALECTS:
            _delete_tree(dialect)
    for dialect in DIALECTS:
        created = await make_migration(dialect, args.name)
        print(f"{dialect}: {created or 'no changes'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gqlserver.makemigrations", description=__doc__)
    parser.add_argument("name", nargs="?", default="update", help="name of the new migration")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fresh", action="store_true", help="replace both trees by initial ones")
    mode.add_argument("--check", action="store_true", help="fail if models are unmigrated")
    return asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
