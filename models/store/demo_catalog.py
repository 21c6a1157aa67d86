"""The fixed part of the demo store: websites, stores, groups, catalog, rules, templates, names."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

# Every demo time is relative to this instant, so a seed always yields the same rows.
DEMO_NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

WEBSITES = [(1, "base", "Main Website"), (2, "eu", "Europe")]
STORES = [
    (1, 1, "default", "Default Store View"),
    (2, 2, "en_eu", "English (EU)"),
    (3, 2, "de_eu", "Deutsch"),
]
# Maho's groups; 0 "NOT LOGGED IN" exists but has no customers.
GROUPS = [(0, "NOT LOGGED IN"), (1, "General"), (2, "Wholesale"), (3, "Retailer")]
SALES_RULES = [
    (
        1,
        "Welcome 10%",
        "10% off the first order",
        True,
        "specific",
        True,
        "by_percent",
        Decimal(10),
    ),
    (
        2,
        "Win-back $15",
        "For customers who have not ordered lately",
        True,
        "specific",
        True,
        "by_fixed",
        Decimal(15),
    ),
    (3, "Summer sale", "Seasonal, no coupon", False, "none", False, "by_percent", Decimal(20)),
]
TEMPLATES = [
    (
        1,
        "welcome",
        "Welcome, {{var customer_firstname}}!",
        "<p>Hello {{var customer_name}}.</p>",
        "Demo Store",
        "shop@example.com",
    ),
    (
        2,
        "cart_reminder",
        "You left something behind",
        "<p>Your cart misses you. {{var coupon_code}}</p>",
        "Demo Store",
        "shop@example.com",
    ),
    (
        3,
        "win_back",
        "We miss you",
        "<p>{{var coupon_discount_text}} with {{var coupon_code}}</p>",
        "Demo Store",
        "shop@example.com",
    ),
]
_DEPARTMENTS = {
    "Women": ["Dresses", "Tops", "Shoes", "Accessories"],
    "Men": ["Shirts", "Trousers", "Shoes", "Watches"],
    "Home": ["Kitchen", "Bedding", "Decor", "Lighting"],
    "Electronics": ["Phones", "Audio", "Cameras", "Computers"],
    "Sports": ["Running", "Cycling", "Outdoor", "Fitness"],
}
PRODUCT_TYPES = (
    ["simple"] * 80
    + ["configurable"] * 10
    + ["virtual"] * 4
    + ["downloadable"] * 3
    + ["bundle"] * 2
    + ["grouped"]
)
PRODUCT_COUNT = 600

FIRST_FEMALE = [
    "Ada",
    "Alice",
    "Amelia",
    "Anna",
    "Ava",
    "Camille",
    "Charlotte",
    "Chloe",
    "Clara",
    "Elena",
    "Ella",
    "Emily",
    "Emma",
    "Eva",
    "Grace",
    "Hannah",
    "Isabella",
    "Julia",
    "Laura",
    "Lea",
    "Lena",
    "Lily",
    "Lucia",
    "Maria",
    "Marie",
    "Mia",
    "Nora",
    "Olivia",
    "Sara",
    "Sofia",
    "Sophie",
    "Zoe",
]
FIRST_MALE = [
    "Adam",
    "Alexander",
    "Ben",
    "Carlos",
    "Daniel",
    "David",
    "Elias",
    "Ethan",
    "Felix",
    "Finn",
    "Gabriel",
    "Henry",
    "Hugo",
    "Jack",
    "James",
    "Jonas",
    "Leon",
    "Liam",
    "Louis",
    "Lucas",
    "Luca",
    "Mateo",
    "Max",
    "Noah",
    "Oliver",
    "Paul",
    "Samuel",
    "Theo",
    "Thomas",
    "Tom",
    "William",
]
LAST = [
    "Bauer",
    "Becker",
    "Brown",
    "Costa",
    "Davies",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Green",
    "Hall",
    "Hoffmann",
    "Jones",
    "Klein",
    "Koch",
    "Lambert",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Muller",
    "Novak",
    "Rossi",
    "Roux",
    "Schmidt",
    "Schneider",
    "Schulz",
    "Silva",
    "Smith",
    "Taylor",
    "Wagner",
    "Walker",
    "Weber",
    "White",
    "Wilson",
    "Wolf",
]
# (country, region, [cities], telephone prefix)
PLACES = [
    ("US", "California", ["Los Angeles", "San Francisco", "San Diego"], "+1"),
    ("US", "New York", ["New York", "Buffalo"], "+1"),
    ("US", "Texas", ["Austin", "Houston", "Dallas"], "+1"),
    ("DE", "Bayern", ["Munich", "Nuremberg"], "+49"),
    ("DE", "Berlin", ["Berlin"], "+49"),
    ("FR", "Ile-de-France", ["Paris", "Versailles"], "+33"),
    ("GB", "England", ["London", "Manchester", "Bristol"], "+44"),
    ("NL", "Noord-Holland", ["Amsterdam", "Haarlem"], "+31"),
    ("IT", "Lombardia", ["Milan", "Bergamo"], "+39"),
    ("ES", "Madrid", ["Madrid"], "+34"),
]
STREETS = [
    "Main St",
    "High St",
    "Park Ave",
    "Oak Rd",
    "Mill Lane",
    "Station Rd",
    "Church St",
    "Lindenstrasse",
    "Rue de la Paix",
    "Via Roma",
]
COMPANIES = ["Acme Ltd", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"]
PAYMENT_METHODS = ["checkmo", "paypal_express", "stripe_card", "banktransfer", "cashondelivery"]
SHIPPING_METHODS = [
    "flatrate_flatrate",
    "freeshipping_freeshipping",
    "tablerate_bestway",
    "ups_GND",
]


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    type_id: str
    cents: int
    category_ids: tuple[int, ...]


def categories() -> list[tuple[int, str, int | None]]:
    """(id, name, parent_id): Maho's root 1 and default category 2, departments, subcategories."""
    rows: list[tuple[int, str, int | None]] = [
        (1, "Root Catalog", None),
        (2, "Default Category", 1),
    ]
    next_id = 3
    for department, subs in _DEPARTMENTS.items():
        parent = next_id
        rows.append((parent, department, 2))
        next_id += 1
        for sub in subs:
            rows.append((next_id, sub, parent))
            next_id += 1
    return rows


def products(rng: random.Random) -> list[Product]:
    """Products in one leaf category each, some also in a second one; lognormal prices."""
    leaves = [(cid, name) for cid, name, parent in categories() if parent not in (None, 1, 2)]
    result = []
    for pid in range(1, PRODUCT_COUNT + 1):
        leaf, leaf_name = rng.choice(leaves)
        extra = rng.choice(leaves)[0] if rng.random() < 0.2 else None
        cents = max(99, int(rng.lognormvariate(3.4, 0.8) * 100) // 10 * 10 + 9)
        ids = (leaf,) if extra in (None, leaf) else (leaf, extra)
        result.append(
            Product(
                id=pid,
                sku=f"DEMO-{pid:05d}",
                name=f"{leaf_name} {rng.choice(LAST)} {pid}",
                type_id=rng.choice(PRODUCT_TYPES),
                cents=cents,
                category_ids=tuple(sorted(ids)),
            )
        )
    return result
