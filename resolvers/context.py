"""The per-request GraphQL context: who is asking, and per-request DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
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
    _loaders: dict[Callable[[], DataLoader], DataLoader] = field(default_factory=dict)

    def loader(self, factory: Callable[[], L]) -> L:
        """One DataLoader per relation per request, created on first use.

        `factory` is a DataLoader subclass named `XByYLoader` whose `__init__` takes no
        arguments (it passes its own load function to DataLoader).
        """
        found = self._loaders.get(factory)
        if found is None:
            found = self._loaders[factory] = factory()
        return found  # type: ignore[return-value]


Info = StrawberryInfo[Context, None]
