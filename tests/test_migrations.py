"""Both migration trees build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

import asyncio
import importlib
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
import pytest_asyncio
from tortoise.models import Model

from gqlserver.makemigrations import unmigrated_changes
from gqlserver.migrate import apply_migrations, migration_names
from models.db import Dialect
from models.registry import MODEL_MODULES
from tests.conftest import require
from tests.e2e.processes import fresh_pg_database


@dataclass
class EmptyDb:
    dialect: Dialect
    url: str


@pytest_asyncio.fixture(params=["sqlite", "postgres"])
async def empty_db(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[EmptyDb]:
    """A database with no tables at all, dropped afterwards."""
    if request.param == "sqlite":
        yield EmptyDb("sqlite", f"sqlite://{tmp_path}/empty.sqlite3")
        return
    await require("postgres")
    async with fresh_pg_database() as url:
        yield EmptyDb("postgres", url)


def model_columns() -> dict[str, set[str]]:
    """Table -> columns as the models declare them, plus aerich's own table."""
    modules = [importlib.import_module(name) for name in [*MODEL_MODULES, "aerich.models"]]
    tables: dict[str, set[str]] = {}
    for module in modules:
        for obj in vars(module).values():
            declared_here = isinstance(obj, type) and obj.__module__ == module.__name__
            if declared_here and issubclass(obj, Model) and not obj._meta.abstract:
                table = obj._meta.db_table or obj.__name__.lower()
                tables[table] = set(obj._meta.fields_db_projection.values())
    return tables


async def database_columns(db: EmptyDb) -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    if db.dialect == "sqlite":
        path = db.url.removeprefix("sqlite://")
        with sqlite3.connect(path) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for name in names:
                tables[name] = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        return tables
    conn = await asyncpg.connect(db.url)
    try:
        rows = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        )
    finally:
        await conn.close()
    for row in rows:
        tables.setdefault(row["table_name"], set()).add(row["column_name"])
    return tables


async def test_migrating_an_empty_database_builds_the_models_schema(empty_db):
    applied = await apply_migrations(empty_db.url)

    assert applied == migration_names(empty_db.dialect)
    assert applied, "no migration files: run python -m gqlserver.makemigrations --fresh"
    assert await database_columns(empty_db) == model_columns()


async def test_a_second_migration_applies_nothing_and_changes_nothing(empty_db):
    await apply_migrations(empty_db.url)
    before = await database_columns(empty_db)

    assert await apply_migrations(empty_db.url) == []
    assert await database_columns(empty_db) == before


async def test_concurrent_processes_apply_each_migration_once(empty_db):
    script = (
        "import asyncio, sys; from gqlserver.migrate import apply_migrations; "
        "print(len(asyncio.run(apply_migrations(sys.argv[1]))))"
    )
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, empty_db.url, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [await process.communicate() for process in processes]

    assert [process.returncode for process in processes] == [0, 0]
    counts = sorted(int(stdout) for stdout, _ in outputs)
    assert counts == [0, len(migration_names(empty_db.dialect))]
    assert await database_columns(empty_db) == model_columns()


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
async def test_models_have_no_unmigrated_changes(dialect: Dialect):
    assert await unmigrated_changes(dialect) == "", (
        "models changed without a migration: run python -m gqlserver.makemigrations"
    )
