"""Per-request DataLoaders for store data: one per relation, used via `info.context.loader(...)`."""

from __future__ import annotations

from models.pagination import Page
from models.store import reads
from models.store.customers import Customer, CustomerAddress, NewsletterSubscriber
from models.store.reference import CustomerGroup, Store, Website
from models.store.sales import Creditmemo, Order, OrderItem
from resolvers.loaders import MappedLoader


class WebsiteByIdLoader(MappedLoader[int, Website | None]):
    fetch = staticmethod(reads.websites_by_id)


class StoreByIdLoader(MappedLoader[int, Store | None]):
    fetch = staticmethod(reads.stores_by_id)


class CustomerGroupByIdLoader(MappedLoader[int, CustomerGroup | None]):
    fetch = staticmethod(reads.customer_groups_by_id)


class CustomerByIdLoader(MappedLoader[int, Customer | None]):
    fetch = staticmethod(reads.customers_by_id)


class StoresByWebsiteLoader(MappedLoader[int, list[Store]]):
    fetch = staticmethod(reads.stores_of_websites)


class AddressesByCustomerLoader(MappedLoader[int, list[CustomerAddress]]):
    fetch = staticmethod(reads.addresses_of_customers)


class SubscriberByCustomerLoader(MappedLoader[int, NewsletterSubscriber | None]):
    fetch = staticmethod(reads.subscribers_of_customers)


class OrdersPageByCustomerLoader(MappedLoader[reads.OrdersPageKey, Page[Order]]):
    fetch = staticmethod(reads.order_pages)


class ItemsByOrderLoader(MappedLoader[int, list[OrderItem]]):
    fetch = staticmethod(reads.items_of_orders)


class CreditmemosByOrderLoader(MappedLoader[int, list[Creditmemo]]):
    fetch = staticmethod(reads.creditmemos_of_orders)


class SalesTotalsByCustomerLoader(MappedLoader[int, reads.SalesTotals]):
    fetch = staticmethod(reads.sales_totals_of_customers)
