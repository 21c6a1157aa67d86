"""What a failed background operation tells the people who read its status.

Stored messages (a segment's `refreshError`) are read with any read token, so they say what
happened in words and never carry driver text: SQL, table names or values from the
database's error would leak the schema and data to dashboards. The full error goes to the
server log under a short reference that the message quotes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator

from models.errors import DomainError

# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (or a cancel request);
# class 08 is "connection exception".
QUERY_CANCELED = "57014"
CONNECTION_CLASS = "08"


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and the errors it was raised from (tortoise wraps the driver's)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None)
    return state if isinstance(state, str) else None


def _is_connection_loss(error: BaseException) -> bool:
    names = {cls.__name__ for cls in type(error).__mro__}
    return isinstance(error, ConnectionError | TimeoutError) or bool(
        names & {"DBConnectionError", "ConnectionDoesNotExistError", "InterfaceError"}
    )


def _is_database_error(error: BaseException) -> bool:
    names = {cls.__name__ for cls in type(error).__mro__}
    return bool(names & {"BaseORMException", "PostgresError", "DatabaseError", "Error"}) and (
        type(error).__module__.split(".")[0] in {"tortoise", "asyncpg", "sqlite3", "aiosqlite"}
    )


def describe_failure(
    error: BaseException, what: str, logger: logging.Logger, *, subject: str = ""
) -> str:
    """A readable, safe sentence about why `what` ("The refresh") failed; logs the details
    with `subject` ("segment 7") and the error's traceback.

    Domain errors are already written for users and are kept as they are.
    """
    if isinstance(error, DomainError):
        return str(error)
    chain = list(_chain(error))
    if any(_sqlstate(e) == QUERY_CANCELED for e in chain):
        reason = (
            f"{what} ran longer than the database's statement timeout "
            "(SEGMENTQL_STATEMENT_TIMEOUT_SECONDS) and was stopped"
        )
    elif any(
        _is_connection_loss(e) or (_sqlstate(e) or "").startswith(CONNECTION_CLASS) for e in chain
    ):
        reason = f"{what} lost its database connection"
    elif any(_is_database_error(e) for e in chain):
        reason = f"{what} failed in the database"
    else:
        reason = f"{what} failed unexpectedly"
    reference = secrets.token_hex(4)
    logger.warning("%s of %s failed [ref %s]", what, subject, reference, exc_info=error)
    return f"{reason}; nothing was changed. The server log has the details (ref {reference})."
