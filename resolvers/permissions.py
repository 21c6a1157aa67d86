"""Scopes: every root field declares the scope it needs with one of these classes."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

# admin implies write implies read.
IMPLIED: dict[str, frozenset[str]] = {
    "read": frozenset({"read", "write", "admin"}),
    "write": frozenset({"write", "admin"}),
    "admin": frozenset({"admin"}),
}


class ScopePermission(BasePermission):
    scope: ClassVar[str]
    error_extensions = {"code": "FORBIDDEN"}

    @property
    def message(self) -> str:  # type: ignore[override]
        return f"This operation needs the '{self.scope}' scope."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        scopes: frozenset[str] = info.context.scopes
        return bool(scopes & IMPLIED[self.scope])


class CanRead(ScopePermission):
    scope = "read"


class CanWrite(ScopePermission):
    scope = "write"


class IsAdmin(ScopePermission):
    scope = "admin"


SCOPE_PERMISSIONS: tuple[type[ScopePermission], ...] = (CanRead, CanWrite, IsAdmin)
