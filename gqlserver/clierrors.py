"""What `segmentql` says when a command cannot do its work: one line on stderr, and an exit
status per cause so that scripts and supervisors can tell them apart (README "Exit codes").
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar

import click
from pydantic import ValidationError

from gqlserver.settings import Settings, UnsafeSettings


class ExitCode(IntEnum):
    OK = 0
    # The command ran and failed: `import` rejected lines; any unexpected error.
    FAILED = 1
    # A bad command line (an unknown option, `--port 99999`): click's own status.
    USAGE = 2
    INVALID_SETTINGS = 3
    INVALID_DATABASE_URL = 4
    DATABASE_UNREACHABLE = 5
    DATABASE_FILE_UNAVAILABLE = 6
    REDIS_UNREACHABLE = 7


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.FAILED: "the command failed (import: lines were rejected)",
    ExitCode.USAGE: "bad command line",
    ExitCode.INVALID_SETTINGS: "invalid setting",
    ExitCode.INVALID_DATABASE_URL: "invalid DATABASE_URL",
    ExitCode.DATABASE_UNREACHABLE: "database unreachable",
    ExitCode.DATABASE_FILE_UNAVAILABLE: "SQLite file cannot be opened",
    ExitCode.REDIS_UNREACHABLE: "Redis unreachable",
}


class CommandError(Exception):
    """An expected failure of a command; its message is the line printed."""

    exit_code: ClassVar[ExitCode] = ExitCode.FAILED


class InvalidSettings(CommandError):
    exit_code = ExitCode.INVALID_SETTINGS


class InvalidDatabaseUrl(CommandError):
    exit_code = ExitCode.INVALID_DATABASE_URL


class DatabaseUnreachable(CommandError, ConnectionError):
    """The PostgreSQL server of DATABASE_URL refused or did not answer."""

    exit_code = ExitCode.DATABASE_UNREACHABLE


class DatabaseFileUnavailable(CommandError):
    """The SQLite file of DATABASE_URL cannot be opened or created."""

    exit_code = ExitCode.DATABASE_FILE_UNAVAILABLE


class RedisUnreachable(CommandError, ConnectionError):
    exit_code = ExitCode.REDIS_UNREACHABLE


def settings_error(exc: ValidationError) -> CommandError:
    """Every problem of the loaded settings on one line, each naming its variable."""
    parts = [_describe(error) for error in exc.errors(include_url=False)]
    locations = {error["loc"][0] if error["loc"] else None for error in exc.errors()}
    kind = InvalidDatabaseUrl if "DATABASE_URL" in locations else InvalidSettings
    return kind("invalid setting: " + "; ".join(parts))


def _describe(error: Any) -> str:
    name = str(error["loc"][0]) if error["loc"] else "settings"
    message: str = error["msg"]
    if error["type"] == "value_error":
        # Our checks' messages name the variable and never repeat a password.
        return message.removeprefix("Value error, ")
    shown = repr(error["input"])
    got = f" (got {shown})" if len(shown) <= 60 and name != "SEGMENTQL_SECRET_KEY" else ""
    return f"{name}: {message[:1].lower()}{message[1:]}{got}"


def as_command_error(exc: Exception) -> CommandError | None:
    """The command error an exception stands for, or None for a bug (left to its traceback)."""
    if isinstance(exc, CommandError):
        return exc
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return settings_error(exc)
    if isinstance(exc, UnsafeSettings):
        return InvalidSettings(f"refusing to serve: {exc}")
    return None


class ReportingGroup(click.Group):
    """The command group: a command's expected failure ends as one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            error = as_command_error(exc)
            if error is None:
                raise
            click.echo(f"segmentql: {_one_line(str(error))}", err=True)
            ctx.exit(error.exit_code)


def _one_line(text: str) -> str:
    return " ".join(text.split())
