"""Member exports over HTTP: exact CSV and XML bodies, auth like /graphql, streaming in chunks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gqlserver.exports import csv_stream, xml_stream
from models.segments.orm import Segment, SegmentMember
from models.store.customers import Customer
from models.store.reference import CustomerGroup, Website
from tests.segments.store_rows import add_customers, customer_row

T0 = datetime(2025, 3, 1, 12, 0, 30, 250000, tzinfo=UTC)


async def _segment(members: dict[int, tuple[str, str | None, str | None]]) -> Segment:
    """A segment whose members are customers with (email, firstname, lastname)."""
    if not await Website.exists(id=1):
        await Website.create(id=1, code="base")
        await CustomerGroup.create(id=1, code="general")
    segment = await Segment.create(name="export", website_ids=[1])
    for cid, (email, firstname, lastname) in members.items():
        await add_customers(
            customer_row(cid, email=email, firstname=firstname, lastname=lastname, created_at=T0)
        )
        await SegmentMember.create(
            segment=segment, customer_id=cid, website_id=1, added_at=T0 + timedelta(hours=cid)
        )
    return segment


async def _get(make_client, path: str, *scopes: str):
    client = await make_client(*(scopes or ("read",)))
    return await client.http.get(path, headers=client.headers())


async def test_csv_export_lists_members_with_contacts(make_client):
    segment = await _segment(
        {
            3: ("c@example.com", "Zoë", "O'Brien, Jr."),
            1: ("a@example.com", 'Anna "A"', None),
            2: ("b@example.com", "=HYPERLINK(1)", "-5"),
            4: ("gone@example.com", "Gone", "Customer"),
        }
    )
    await Customer.filter(id=4).delete()

    response = await _get(make_client, f"/segments/{segment.id}/members.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="segment-{segment.id}-members.csv"'
    )
    assert response.text == (
        "customer_id,website_id,email,firstname,lastname,added_at\r\n"
        '1,1,a@example.com,"Anna ""A""",,2025-03-01T13:00:30Z\r\n'
        "2,1,b@example.com,'=HYPERLINK(1),'-5,2025-03-01T14:00:30Z\r\n"
        '3,1,c@example.com,Zoë,"O\'Brien, Jr.",2025-03-01T15:00:30Z\r\n'
        "4,1,,,,2025-03-01T16:00:30Z\r\n"
    )


async def test_xml_export_escapes_text(make_client):
    segment = await _segment(
        {
            1: ("a&b@example.com", "<Ann>", "Smith\x07 & Sons"),
            2: ("b@example.com", None, "Ünal"),
        }
    )

    response = await _get(make_client, f"/segments/{segment.id}/members.xml")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    member = (
        "  <member><customer_id>{}</customer_id><website_id>1</website_id><email>{}</email>"
        "<firstname>{}</firstname><lastname>{}</lastname><added_at>{}</added_at></member>\n"
    )
    assert response.text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<members segment_id="{segment.id}">\n'
        + member.format(
            1,
            "a&amp;b@example.com",
            "&lt;Ann&gt;",
            "Smith\ufffd &amp; Sons",
            "2025-03-01T13:00:30Z",
        )
        + member.format(2, "b@example.com", "", "Ünal", "2025-03-01T14:00:30Z")
        + "</members>\n"
    )


async def test_exports_of_an_empty_segment(make_client):
    segment = await _segment({})

    csv_response = await _get(make_client, f"/segments/{segment.id}/members.csv")
    xml_response = await _get(make_client, f"/segments/{segment.id}/members.xml")

    assert csv_response.text == "customer_id,website_id,email,firstname,lastname,added_at\r\n"
    assert xml_response.text == (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<members segment_id="{segment.id}">\n</members>\n'
    )


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sq_unknown"}])
async def test_export_needs_a_valid_token(make_client, headers):
    client = await make_client("read")
    segment = await _segment({1: ("a@example.com", "A", "B")})

    response = await client.http.get(f"/segments/{segment.id}/members.csv", headers=headers)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "a@example.com" not in response.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/segments/999/members.csv", 404),
        ("/segments/999/members.xml", 404),
        ("/segments/{id}/members.json", 404),
        ("/segments/abc/members.csv", 404),
    ],
)
async def test_export_of_unknown_segment_or_format(make_client, path, status):
    segment = await _segment({})

    response = await _get(make_client, path.format(id=segment.id))

    assert response.status_code == status


async def test_large_export_is_streamed_in_chunks(app, make_client):
    await Website.create(id=1, code="base")
    await CustomerGroup.create(id=1, code="general")
    segment = await Segment.create(name="big", website_ids=[1])
    ids = range(1, 2502)
    await add_customers(*(customer_row(i, created_at=T0) for i in ids))
    await SegmentMember.bulk_create(
        [SegmentMember(segment=segment, customer_id=i, website_id=1, added_at=T0) for i in ids]
    )

    csv_pieces = [piece async for piece in csv_stream(segment.id, 1000)]
    xml_pieces = [piece async for piece in xml_stream(segment.id, 1000)]

    # One piece per chunk of members (plus the XML prologue and epilogue).
    assert [piece.count("\r\n") for piece in csv_pieces] == [1001, 1000, 501]
    assert [piece.count("<member>") for piece in xml_pieces] == [0, 1000, 1000, 501, 0]
    app.state.export_chunk_size = 1000
    response = await _get(make_client, f"/segments/{segment.id}/members.csv")
    lines = response.text.splitlines()
    assert response.text == "".join(csv_pieces)
    assert len(lines) == 2502
    assert [int(line.split(",")[0]) for line in lines[1:]] == list(ids)
