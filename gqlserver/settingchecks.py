"""Checks of the settings that are URLs or cron expressions, run when settings are loaded.

Each raises ValueError with a message that starts with the variable's name, so a command
can print it as it is; a URL is shown without its password.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from gqlserver.db import normalize_db_url
from models.mail.transport import parse_smtp_url
from tasks.schedules import cron_schedule

DATABASE_URL_FORM = "sqlite://PATH or postgres://user:password@host:port/database"
REDIS_URL_FORM = "memory:// or redis://host:port/db"


def without_password(url: str) -> str:
    """`url` with its password replaced by `***`, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return parts._replace(netloc=f"{name}:***@{host}").geturl()


def check_database_url(url: str) -> str:
    shown = without_password(url)
    scheme, separator, rest = normalize_db_url(url).partition("://")
    if not separator or scheme not in ("sqlite", "postgres"):
        raise ValueError(f"DATABASE_URL must be {DATABASE_URL_FORM}, not {shown!r}")
    if scheme == "sqlite":
        if not rest:
            raise ValueError(f"DATABASE_URL names no SQLite file: {DATABASE_URL_FORM}")
        return url
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise ValueError(
            f"DATABASE_URL has an invalid port (a number from 1 to 65535): {shown!r}"
        ) from None
    if not parts.hostname:
        raise ValueError(f"DATABASE_URL names no host: {DATABASE_URL_FORM}")
    if not parts.path.strip("/"):
        raise ValueError(f"DATABASE_URL names no database: {DATABASE_URL_FORM}")
    return url


def check_redis_url(url: str) -> str:
    shown = without_password(url)
    if not url.startswith(("memory://", "redis://", "rediss://", "unix://")):
        raise ValueError(f"REDIS_URL must be {REDIS_URL_FORM}, not {shown!r}")
    try:
        urlsplit(url).port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise ValueError(
            f"REDIS_URL has an invalid port (a number from 1 to 65535): {shown!r}"
        ) from None
    return url


def check_smtp_url(url: str | None) -> str | None:
    """None (or empty: unset) writes mail to the outbox; otherwise an smtp(s):// URL."""
    if not url:
        return None
    parse_smtp_url(url)
    return url


def check_cron(name: str, expression: str) -> str:
    try:
        cron_schedule(expression)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    return expression
