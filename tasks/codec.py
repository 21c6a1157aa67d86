"""The JSON wire format of jobs and results, shared by every pool and worker (never pickle)."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from enum import Enum
from typing import Any


class JobFailed(Exception):
    """A job's exception as read back from its stored result: the original type is not revived."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message


_ERROR_KEY = "__job_error__"


def _encode(value: Any) -> Any:
    if isinstance(value, BaseException):
        if isinstance(value, JobFailed):
            return {_ERROR_KEY: value.error_type, "message": value.message}
        return {_ERROR_KEY: type(value).__name__, "message": str(value)}
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _decode(obj: dict[str, Any]) -> Any:
    if _ERROR_KEY in obj:
        return JobFailed(obj[_ERROR_KEY], obj.get("message", ""))
    return obj


def serialize(data: dict[str, Any]) -> bytes:
    return json.dumps(data, default=_encode, separators=(",", ":")).encode()


def deserialize(data: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(data, object_hook=_decode)
    return decoded
