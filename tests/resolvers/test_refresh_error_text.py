"""`Segment.refreshError` is read with any read token: it says what failed in words and
never shows the database driver's text, which goes to the server log under a reference."""

from __future__ import annotations

import logging
import re

import pytest

from models.segments import refresh as refresh_module
from models.segments.compiler import CompiledQuery
from models.segments.orm import Segment
from models.segments.refresh import RefreshFailed, refresh_segment
from models.store.reference import Website
from tests.graphql_client import app, make_client  # noqa: F401

READABLE = re.compile(
    r"The refresh failed in the database; nothing was changed\. "
    r"The server log has the details \(ref ([0-9a-f]{8})\)\."
)


async def test_a_read_token_sees_a_readable_refresh_error_without_driver_text(
    make_client,  # noqa: F811
    monkeypatch,
    caplog,
):
    await Website.create(id=1, code="base", name="Base")
    segment = await Segment.create(name="s", website_ids=[1])
    leaky = "SELECT customer_id, website_id FROM secret_table WHERE email = 'ann@example.com'"
    monkeypatch.setattr(
        refresh_module, "compile_members_query", lambda *a, **k: CompiledQuery(leaky, [])
    )
    with (
        caplog.at_level(logging.WARNING, logger=refresh_module.log.name),
        pytest.raises(RefreshFailed),
    ):
        await refresh_segment(segment.id)
    reader = await make_client("read")

    data = await reader.data(
        "query($id: ID!) { segment(id: $id) { refreshStatus refreshError } }",
        {"id": str(segment.id)},
    )

    shown = data["segment"]["refreshError"]
    assert data["segment"]["refreshStatus"] == "ERROR"
    found = READABLE.fullmatch(shown)
    assert found is not None, shown
    assert "secret_table" not in shown and "ann@example.com" not in shown
    # The details are in the log, under the reference the message quotes.
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert len(logged) == 1
    assert f"segment {segment.id}" in logged[0].getMessage()
    assert logged[0].exc_info is not None and "secret_table" in str(logged[0].exc_info[1])
