"""Every record type lands in its table with exactly the expected values, on both dialects."""

from __future__ import annotations

from models.store.importer import import_ndjson
from tests.store import sample
from tests.store.tables import all_rows, snapshot


async def test_every_record_type_is_imported(db):
    report = await import_ndjson(sample.lines(*sample.EVERY_TYPE))

    assert report.rejected == []
    assert await all_rows() == sample.EXPECTED_ROWS
    upserted = {t: c.upserted for t, c in report.counts.items()}
    assert upserted == {r["type"]: (2 if r["type"] == "category" else 1) for r in sample.EVERY_TYPE}


async def test_reimporting_the_same_file_changes_nothing(db):
    await import_ndjson(sample.lines(*sample.EVERY_TYPE))
    before = await snapshot()

    report = await import_ndjson(sample.lines(*sample.EVERY_TYPE))

    assert await snapshot() == before
    assert report.rejected == []
    assert all(c.upserted == 0 for c in report.counts.values())
    assert sum(c.unchanged for c in report.counts.values()) == len(sample.EVERY_TYPE)
