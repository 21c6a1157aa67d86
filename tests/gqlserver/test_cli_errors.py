"""The real `segmentql` command: one line on stderr and a distinct exit code per failure,
option ranges, `--version`, and a help text for every option."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest

from gqlserver.cli import main
from gqlserver.clierrors import ExitCode
from tests.conftest import PG_DSN, require

SEGMENTQL = str(Path(sys.executable).with_name("segmentql"))
# Nothing listens on port 1 of the loopback interface.
NO_POSTGRES = "postgres://nobody:hunter2@127.0.0.1:1/shop"
NO_REDIS = "redis://127.0.0.1:1/0"


def segmentql(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `segmentql ARGS` in tmp_path with a clean environment on a SQLite file there."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return subprocess.run(
        [SEGMENTQL, *args],
        cwd=tmp_path,
        env={**base, "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_fails(done: subprocess.CompletedProcess[str], code: ExitCode, line: str) -> None:
    assert (done.returncode, done.stderr, done.stdout) == (code, line + "\n", "")


# Each command that needs the database says the same.
DATABASE_COMMANDS = [
    ["migrate"],
    ["import", "-"],
    ["token", "create", "--name", "ci", "--scope", "read"],
    ["demo-data", "--customers", "1"],
    ["serve", "--port", "18999"],
]


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=lambda a: a[0])
def test_an_unreachable_database(tmp_path, args):
    done = segmentql(tmp_path, *args, DATABASE_URL=NO_POSTGRES)

    assert_fails(
        done,
        ExitCode.DATABASE_UNREACHABLE,
        "segmentql: cannot connect to PostgreSQL at 127.0.0.1:1/shop: connection refused",
    )


async def test_a_database_the_server_does_not_have(tmp_path):
    await require("postgres")
    absent = f"{PG_DSN.rsplit('/', 1)[0]}/segmentql_no_such_database"
    where = urlsplit(absent)

    done = segmentql(tmp_path, "migrate", DATABASE_URL=absent)

    assert_fails(
        done,
        ExitCode.DATABASE_UNREACHABLE,
        f"segmentql: cannot connect to PostgreSQL at {where.hostname}:{where.port or 5432}"
        '/segmentql_no_such_database: database "segmentql_no_such_database" does not exist',
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://shop:hunter2@db/shop",
            "DATABASE_URL must be sqlite://PATH or postgres://user:password@host:port/database, "
            "not 'mysql://shop:***@db/shop'",
        ),
        (
            "postgres://shop:hunter2@db:54xx/shop",
            "DATABASE_URL has an invalid port (a number from 1 to 65535): "
            "'postgres://shop:***@db:54xx/shop'",
        ),
        (
            "postgres://shop@db",
            "DATABASE_URL names no database: "
            "sqlite://PATH or postgres://user:password@host:port/database",
        ),
        (
            "sqlite://",
            "DATABASE_URL names no SQLite file: "
            "sqlite://PATH or postgres://user:password@host:port/database",
        ),
    ],
)
def test_a_bad_database_url(tmp_path, url, message):
    done = segmentql(tmp_path, "migrate", DATABASE_URL=url)

    assert_fails(done, ExitCode.INVALID_DATABASE_URL, f"segmentql: invalid setting: {message}")


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=lambda a: a[0])
def test_a_sqlite_file_in_a_missing_directory(tmp_path, args):
    missing = tmp_path / "missing"

    done = segmentql(tmp_path, *args, DATABASE_URL=f"sqlite://{missing}/shop.sqlite3")

    assert_fails(
        done,
        ExitCode.DATABASE_FILE_UNAVAILABLE,
        f"segmentql: cannot open the SQLite database {missing}/shop.sqlite3: "
        f"directory {missing} does not exist",
    )
    assert not missing.exists()


def test_redis_down_at_serve(tmp_path):
    done = segmentql(tmp_path, "serve", "--port", "18999", REDIS_URL=NO_REDIS)

    assert_fails(
        done,
        ExitCode.REDIS_UNREACHABLE,
        "segmentql: cannot connect to Redis at redis://127.0.0.1:1/0: connection refused",
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SEGMENTQL_PORT": "abc"},
            "SEGMENTQL_PORT: input should be a valid integer, unable to parse string as an "
            "integer (got 'abc')",
        ),
        (
            {"SEGMENTQL_PORT": "99999"},
            "SEGMENTQL_PORT: input should be less than or equal to 65535 (got '99999')",
        ),
        (
            {"SEGMENTQL_REFRESH_CRON": "61 * * * *"},
            "SEGMENTQL_REFRESH_CRON: not a 5-field cron expression: '61 * * * *' "
            "(e.g. '0 5 * * *')",
        ),
        (
            {"SEGMENTQL_PROCESS_EMAILS_CRON": "every day"},
            "SEGMENTQL_PROCESS_EMAILS_CRON: not a 5-field cron expression: 'every day' "
            "(e.g. '0 5 * * *')",
        ),
        ({"SMTP_URL": "http://x"}, "SMTP_URL must start with smtp:// or smtps://, not http"),
        ({"SMTP_URL": "smtp://mailer:hunter2@"}, "SMTP_URL has no host"),
        (
            {"REDIS_URL": "http://cache"},
            "REDIS_URL must be memory:// or redis://host:port/db, not 'http://cache'",
        ),
        (
            {"SEGMENTQL_PORT": "abc", "SEGMENTQL_AUTH": "maybe"},
            "SEGMENTQL_AUTH: input should be 'required' or 'off' (got 'maybe'); SEGMENTQL_PORT: "
            "input should be a valid integer, unable to parse string as an integer (got 'abc')",
        ),
    ],
)
@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_invalid_settings(tmp_path, env, message, command):
    done = segmentql(tmp_path, command, **env)

    assert_fails(done, ExitCode.INVALID_SETTINGS, f"segmentql: invalid setting: {message}")
    assert not (tmp_path / "cli.sqlite3").exists()  # refused before touching anything


def test_an_empty_smtp_url_means_the_outbox(tmp_path):
    done = segmentql(tmp_path, "migrate", SMTP_URL="")

    assert (done.returncode, done.stderr) == (0, "")


def test_a_port_out_of_range_is_refused_by_the_command_line(tmp_path):
    done = segmentql(tmp_path, "serve", "--port", "99999")

    assert (done.returncode, done.stdout) == (ExitCode.USAGE, "")
    assert done.stderr.splitlines() == [
        "Usage: segmentql serve [OPTIONS]",
        "Try 'segmentql serve --help' for help.",
        "",
        "Error: Invalid value for '--port': 99999 is not in the range 1<=x<=65535.",
    ]
    assert not (tmp_path / "cli.sqlite3").exists()


def test_version(tmp_path):
    done = segmentql(tmp_path, "--version")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"segmentql {importlib.metadata.version('segmentql')}\n"


def test_help_lists_the_exit_codes(tmp_path):
    done = segmentql(tmp_path, "--help")

    assert done.returncode == 0
    assert " ".join(done.stdout.split()).endswith(
        "Exit codes: 0 success; 1 the command failed (import: lines were rejected); "
        "2 bad command line; 3 invalid setting; 4 invalid DATABASE_URL; 5 database "
        "unreachable; 6 SQLite file cannot be opened; 7 Redis unreachable."
    )


def _options(command: click.Command, path: str) -> list[tuple[str, click.Option]]:
    found = [(path, p) for p in command.params if isinstance(p, click.Option)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _options(sub, f"{path} {name}")
    return found


def test_every_option_of_every_command_has_a_help_text():
    options = _options(main, "segmentql")

    assert len(options) >= 8
    assert [(path, o.name) for path, o in options if not (o.help or "").strip()] == []
    assert all(command.help for _, command in _commands(main))


def _commands(group: click.Group) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        found.append((name, command))
        if isinstance(command, click.Group):
            found += _commands(command)
    return found
