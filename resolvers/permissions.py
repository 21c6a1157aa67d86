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


def scope_sentence(scope: str) -> str:
    """How a root field's description states its scope: `Scope: read (write, admin too).`"""
    wider = sorted(IMPLIED[scope] - {scope}, key=["read", "write", "admin"].index)
    return f"Scope: {scope}" + (f" ({', '.join(wider)} too)." if wider else ".")


def document_scopes(*root_parts: type) -> None:
    """End each root field's description with the scope its permission class demands, so the
    schema (GraphiQL, schema.graphql) tells integrators which token a field needs."""
    for part in root_parts:
        for field in part.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            scopes = [p.scope for p in field.permission_classes if issubclass(p, ScopePermission)]
            if len(scopes) != 1:
                continue  # tests/gqlserver/test_schema.py insists on exactly one
            sentence = scope_sentence(scopes[0])
            text = (field.description or "").strip()
            if not text.endswith(sentence):
                field.description = f"{text} {sentence}".strip()
