"""The per-request GraphQL context: who is asking, and per-request DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

L = TypeVar("L", bound=DataLoader)


@dataclass
class Context:
    """Built once per HTTP request or websocket connection by the app's context getter."""

    scopes: frozenset[str] = frozenset()
    token_name: str | None = None
    request: Any = None
    # arq pool for enqueuing jobs; None when no queue is configured (unit tests).
    queue: Any = None
    # Redis client for publishing and subscribing to live events.
    redis: Any = None
    settings: Any = None
    _loaders: dict[type, DataLoader] = field(default_factory=dict)

    def loader(self, cls: type[L]) -> L:
        """One DataLoader per relation per request, created on first use."""
        found = self._loaders.get(cls)
        if found is None:
            found = self._loaders[cls] = cls()
        return found  # type: ignore[return-value]


Info = StrawberryInfo[Context, None]
