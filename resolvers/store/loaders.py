"""Per-request DataLoaders for store data: one per relation, used via `info.context.loader(...)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader

from models.pagination import Page
from models.store import reads
from models.store.customers import Customer, CustomerAddress, NewsletterSubscriber
from models.store.reference import CustomerGroup, Store, Website
from models.store.sales import Creditmemo, Order, OrderItem

K = TypeVar("K")
V = TypeVar("V")


class _MappedLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader over a batch read returning a mapping; missing keys load as `missing`."""

    fetch: Callable[[Iterable[K]], Awaitable[Mapping[K, V]]]
    missing: V | None = None

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[K]) -> Sequence[V]:
        found = await type(self).fetch(keys)
        return [found.get(key, self.missing) for key in keys]  # type: ignore[misc]


class WebsiteByIdLoader(_MappedLoader[int, Website | None]):
    fetch = staticmethod(reads.websites_by_id)


class StoreByIdLoader(_MappedLoader[int, Store | None]):
    fetch = staticmethod(reads.stores_by_id)


class CustomerGroupByIdLoader(_MappedLoader[int, CustomerGroup | None]):
    fetch = staticmethod(reads.customer_groups_by_id)


class CustomerByIdLoader(_MappedLoader[int, Customer | None]):
    fetch = staticmethod(reads.customers_by_id)


class StoresByWebsiteLoader(_MappedLoader[int, list[Store]]):
    fetch = staticmethod(reads.stores_of_websites)


class AddressesByCustomerLoader(_MappedLoader[int, list[CustomerAddress]]):
    fetch = staticmethod(reads.addresses_of_customers)


class SubscriberByCustomerLoader(_MappedLoader[int, NewsletterSubscriber | None]):
    fetch = staticmethod(reads.subscribers_of_customers)


class OrdersPageByCustomerLoader(_MappedLoader[reads.OrdersPageKey, Page[Order]]):
    fetch = staticmethod(reads.order_pages)


class ItemsByOrderLoader(_MappedLoader[int, list[OrderItem]]):
    fetch = staticmethod(reads.items_of_orders)


class CreditmemosByOrderLoader(_MappedLoader[int, list[Creditmemo]]):
    fetch = staticmethod(reads.creditmemos_of_orders)


class SalesTotalsByCustomerLoader(_MappedLoader[int, reads.SalesTotals]):
    fetch = staticmethod(reads.sales_totals_of_customers)
