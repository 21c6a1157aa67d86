from models.db import connection, dialect
from models.store.reference import Product


async def test_money_compares_as_number(db):
    await Product.create(id=1, sku="a", price="9.5")
    await Product.create(id=2, sku="b", price="10")
    rows = await connection().execute_query_dict(
        "SELECT id FROM product WHERE price > " + ("?" if dialect() == "sqlite" else "$1"), [9.75]
    )
    assert [r["id"] for r in rows] == [2]
