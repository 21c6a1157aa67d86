"""Reads of materialised segment membership: pages, lookups, batches and export chunks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime

from models.db import as_datetime, connection, placeholder
from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size
from models.segments.orm import Segment, SegmentMember

MEMBER_CURSOR = "member"
EXPORT_CHUNK_SIZE = 5000


@dataclass(frozen=True)
class Member:
    customer_id: int
    website_id: int
    added_at: datetime


@dataclass(frozen=True)
class Membership:
    """One segment a customer belongs to."""

    segment_id: int
    customer_id: int
    website_id: int
    added_at: datetime


@dataclass(frozen=True)
class MemberContact:
    """A member with the customer's contact details, as exports list them.

    The contact fields are None when the customer was deleted after the last refresh.
    """

    customer_id: int
    website_id: int
    added_at: datetime
    email: str | None
    firstname: str | None
    lastname: str | None


def member_cursor(customer_id: int) -> str:
    return encode_cursor(MEMBER_CURSOR, customer_id)


async def segment_exists(segment_id: int) -> bool:
    return await Segment.exists(id=segment_id)


async def members_page(segment_id: int, *, first: int | None, after: str | None) -> Page[Member]:
    """Members of a segment in customer id order, keyset-paginated on customer id."""
    size = page_size(first)
    key = decode_cursor(after, MEMBER_CURSOR, (int,))
    query = SegmentMember.filter(segment_id=segment_id)
    if key is not None:
        query = query.filter(customer_id__gt=key[0])
    rows = await query.order_by("customer_id").limit(size + 1)
    members = [Member(r.customer_id, r.website_id, r.added_at) for r in rows]
    return page_from_rows(members, size, lambda m: member_cursor(m.customer_id))


async def is_customer_in_segment(
    segment_id: int, customer_id: int, website_id: int | None = None
) -> bool:
    query = SegmentMember.filter(segment_id=segment_id, customer_id=customer_id)
    if website_id is not None:
        query = query.filter(website_id=website_id)
    return await query.exists()


async def memberships_of_customers(customer_ids: Iterable[int]) -> dict[int, list[Membership]]:
    """Every given customer's memberships in segment id order, in one query (for a DataLoader)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    found: dict[int, list[Membership]] = defaultdict(list)
    rows = (
        await SegmentMember.filter(customer_id__in=ids)
        .order_by("customer_id", "segment_id")
        .values("segment_id", "customer_id", "website_id", "added_at")
    )
    for row in rows:
        found[row["customer_id"]].append(Membership(**row))
    return {customer_id: found.get(customer_id, []) for customer_id in ids}


async def iter_members(
    segment_id: int, chunk_size: int = EXPORT_CHUNK_SIZE
) -> AsyncIterator[list[MemberContact]]:
    """Every member with contact details, in customer id order, one bounded chunk at a time.

    Each chunk is one keyset query on (segment_id, customer_id), so memory stays flat
    however large the segment is. Plain rows instead of ORM objects: building models
    cost most of an export's time.
    """
    conn = connection()
    p = placeholder(conn)
    sql = (
        "SELECT m.customer_id, m.website_id, m.added_at, c.email, c.firstname, c.lastname"
        " FROM segment_member m LEFT JOIN customer c ON c.id = m.customer_id"
        f" WHERE m.segment_id = {p.format(1)} AND m.customer_id > {p.format(2)}"
        f" ORDER BY m.customer_id LIMIT {p.format(3)}"
    )
    last_id = 0  # customer ids are positive
    while True:
        rows = await conn.execute_query_dict(sql, [segment_id, last_id, chunk_size])
        if not rows:
            return
        yield [
            MemberContact(
                customer_id=row["customer_id"],
                website_id=row["website_id"],
                added_at=as_datetime(row["added_at"]),
                email=row["email"],
                firstname=row["firstname"],
                lastname=row["lastname"],
            )
            for row in rows
        ]
        if len(rows) < chunk_size:
            return
        last_id = rows[-1]["customer_id"]
