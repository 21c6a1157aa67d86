"""The per-request GraphQL context: who is asking, and per-request DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from arq.connections import ArqRedis
from redis.asyncio import Redis
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

if TYPE_CHECKING:
    from resolvers.pubsub import PubSubHub

L = TypeVar("L", bound=DataLoader)


class ResolverSettings(Protocol):
    """The server settings resolvers read; the server's own settings class has them."""

    @property
    def refresh_wait_seconds(self) -> float:
        """How long `refreshSegment(wait: true)` and `processScheduledEmails(wait: true)` wait
        for their job."""
        ...

    @property
    def public_url(self) -> str:
        """Where links in mail point (SEGMENTQL_PUBLIC_URL)."""
        ...

    @property
    def secret_key(self) -> str | None:
        """What signs links in mail (SEGMENTQL_SECRET_KEY); None uses the generated one."""
        ...


@dataclass
class Context:
    """Built once per HTTP request or websocket connection by the app's context getter."""

    scopes: frozenset[str] = frozenset()
    token_name: str | None = None
    request: Any = None
    # arq pool for enqueuing jobs; None when no queue is configured (unit tests).
    queue: ArqRedis | None = None
    # Redis client for subscribing to live events; None in unit tests without Redis.
    redis: Redis | None = None
    # The process's one pub/sub connection (resolvers/pubsub.py); None outside the app.
    pubsub: PubSubHub | None = None
    # None in unit tests: resolvers then use their defaults.
    settings: ResolverSettings | None = None
    # Called after a token is revoked, so this process stops honouring it at once (its
    # cached verification, its open websockets); None in unit tests.
    token_revoked: Callable[[int], Awaitable[None]] | None = None
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
