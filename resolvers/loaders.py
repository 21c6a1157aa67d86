"""The DataLoader shape every relation uses: one batch read returning a mapping by key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")


class MappedLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader over a batch read returning a mapping; missing keys load as `missing`."""

    fetch: Callable[[Iterable[K]], Awaitable[Mapping[K, V]]]
    missing: V | None = None

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[K]) -> Sequence[V]:
        found = await type(self).fetch(keys)
        return [found.get(key, self.missing) for key in keys]  # type: ignore[misc]
