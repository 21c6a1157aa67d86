"""Typed settings from the environment (and an optional `.env`), names as CONTRACT.md pins them."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gqlserver.cors import parse_origins
from gqlserver.settingchecks import (
    check_cron,
    check_database_url,
    check_redis_url,
    check_smtp_url,
)
from models.db import Dialect

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default="sqlite://./segmentql.sqlite3", alias="DATABASE_URL")
    redis_url: str = Field(default="memory://", alias="REDIS_URL")
    smtp_url: str | None = Field(default=None, alias="SMTP_URL")
    outbox_dir: str = Field(default="./outbox", alias="SEGMENTQL_OUTBOX_DIR")
    auth: Literal["required", "off"] = Field(default="required", alias="SEGMENTQL_AUTH")
    host: str = Field(default="127.0.0.1", alias="SEGMENTQL_HOST")
    port: int = Field(default=8000, ge=1, le=65535, alias="SEGMENTQL_PORT")

    # Auto-refresh cron of SEMANTICS §4.
    refresh_cron: str = Field(default="0 5 * * *", alias="SEGMENTQL_REFRESH_CRON")
    refresh_max_age_hours: float = Field(default=24.0, alias="SEGMENTQL_REFRESH_MAX_AGE_HOURS")
    # How long `refreshSegment(wait: true)` waits for its job before answering anyway.
    refresh_wait_seconds: float = Field(default=120.0, alias="SEGMENTQL_REFRESH_WAIT_SECONDS")
    # A running job renews a lease this long on its queue entry; a job whose worker died
    # is run again by another worker once the lease ran out.
    job_lease_seconds: float = Field(
        default=30.0, ge=2, le=600, alias="SEGMENTQL_JOB_LEASE_SECONDS"
    )
    # PostgreSQL cancels any statement of the server or the worker running longer than
    # this (a refresh that hits it fails with status ERROR); 0 turns the bound off.
    statement_timeout_seconds: float = Field(
        default=300.0, ge=0, alias="SEGMENTQL_STATEMENT_TIMEOUT_SECONDS"
    )

    # Email automation (SEMANTICS §5-§7): the default sender, where links point, what signs
    # them, and the four crons.
    mail_from: str = Field(default="segmentql@localhost", alias="SEGMENTQL_MAIL_FROM")
    public_url: str = Field(default="http://127.0.0.1:8000", alias="SEGMENTQL_PUBLIC_URL")
    secret_key: str | None = Field(default=None, alias="SEGMENTQL_SECRET_KEY")
    smtp_connections: int = Field(default=4, ge=1, le=64, alias="SEGMENTQL_SMTP_CONNECTIONS")
    # How long a worker owns a row it is sending before another may retry it.
    delivery_lease_seconds: float = Field(
        default=300.0, ge=1, alias="SEGMENTQL_DELIVERY_LEASE_SECONDS"
    )
    process_emails_cron: str = Field(default="*/5 * * * *", alias="SEGMENTQL_PROCESS_EMAILS_CRON")
    cleanup_progress_cron: str = Field(default="0 2 * * *", alias="SEGMENTQL_CLEANUP_PROGRESS_CRON")
    cleanup_coupons_cron: str = Field(default="0 3 * * *", alias="SEGMENTQL_CLEANUP_COUPONS_CRON")
    automation_report_cron: str = Field(
        default="0 4 * * *", alias="SEGMENTQL_AUTOMATION_REPORT_CRON"
    )

    # GraphQL guards against abusive documents.
    max_query_depth: int = Field(default=12, alias="SEGMENTQL_MAX_QUERY_DEPTH")
    max_aliases: int = Field(default=30, alias="SEGMENTQL_MAX_ALIASES")
    max_tokens: int = Field(default=5000, alias="SEGMENTQL_MAX_TOKENS")
    # Fields, fragment spreads and inline fragments once fragments are expanded, and how
    # often one response path may be selected (see gqlserver/limits.py for why).
    max_selections: int = Field(default=1000, ge=1, alias="SEGMENTQL_MAX_SELECTIONS")
    max_field_repeats: int = Field(default=10, ge=1, alias="SEGMENTQL_MAX_FIELD_REPEATS")
    # GraphQL requests per second per API token, counted in Redis across replicas; 0: no limit.
    rate_limit_per_second: int = Field(default=20, ge=0, alias="SEGMENTQL_RATE_LIMIT_PER_SECOND")
    # Origins whose browser pages may call the API, comma-separated
    # (`https://admin.example.com,http://localhost:3000`; `*` any); none by default.
    cors_origins: Annotated[list[str], NoDecode, BeforeValidator(parse_origins)] = Field(
        default_factory=list, alias="SEGMENTQL_CORS_ORIGINS"
    )
    # Largest HTTP request body accepted (bytes; 413 beyond), for /graphql and every route.
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, alias="SEGMENTQL_MAX_BODY_BYTES")
    # Websocket connections one API token may hold open per server process (more are closed
    # with 4429), and operations (subscriptions) open at once over them.
    max_ws_connections_per_token: int = Field(
        default=20, ge=1, alias="SEGMENTQL_MAX_WS_CONNECTIONS_PER_TOKEN"
    )
    max_subscriptions_per_token: int = Field(
        default=100, ge=1, alias="SEGMENTQL_MAX_SUBSCRIPTIONS_PER_TOKEN"
    )

    # Tokens: how long a verified token is trusted before it is looked up again (so a
    # revocation made elsewhere takes effect within this), which is also how often open
    # websockets are checked for revoked tokens; and failed authentications allowed per
    # client address within a window before it gets 429 (0 turns that off).
    token_recheck_seconds: float = Field(
        default=2.0, gt=0, le=60, alias="SEGMENTQL_TOKEN_RECHECK_SECONDS"
    )
    auth_failure_limit: int = Field(default=20, ge=0, alias="SEGMENTQL_AUTH_FAILURE_LIMIT")
    auth_failure_window_seconds: float = Field(
        default=60.0, gt=0, alias="SEGMENTQL_AUTH_FAILURE_WINDOW_SECONDS"
    )

    # Wrong values are refused when settings load, naming the variable (settingchecks.py),
    # rather than when a worker first uses them.
    _database_url = field_validator("database_url")(staticmethod(check_database_url))
    _redis_url = field_validator("redis_url")(staticmethod(check_redis_url))
    _smtp_url = field_validator("smtp_url")(staticmethod(check_smtp_url))

    @field_validator("*")
    @classmethod
    def _crons(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if not name.endswith("_cron"):
            return value
        return check_cron(cls.model_fields[name].alias or name, value)

    @property
    def dialect(self) -> Dialect:
        return "sqlite" if self.database_url.startswith("sqlite://") else "postgres"

    @property
    def redis_in_memory(self) -> bool:
        return self.redis_url.startswith("memory://")

    def check_serving(self, host: str) -> None:
        """Refuse unsafe combinations before a socket is opened."""
        if self.auth == "off" and host not in LOOPBACK_HOSTS:
            raise UnsafeSettings(
                f"SEGMENTQL_AUTH=off is only allowed on a loopback host, not {host!r}: "
                "bind to 127.0.0.1 or set SEGMENTQL_AUTH=required"
            )
        if not self.secret_key and host not in LOOPBACK_HOSTS:
            # A key generated into the database would differ between installations and
            # could leak with a backup; a real deployment sets its own.
            raise UnsafeSettings(
                f"SEGMENTQL_SECRET_KEY must be set to serve on {host!r}: it signs the "
                "unsubscribe links in every mail (e.g. `openssl rand -hex 32`)"
            )


class UnsafeSettings(ValueError):
    """A configuration that would expose the API without authentication."""


@lru_cache
def get_settings() -> Settings:
    return Settings()
