"""Streamed member exports: `GET /segments/{id}/members.csv` and `.xml`.

Both list the members as of the last refresh in customer id order with the columns
customer_id, website_id, email, firstname, lastname, added_at (ISO 8601 UTC,
seconds). Contact fields are empty for a customer deleted since that refresh.
Members are read in keyset chunks and each chunk is rendered and sent before the
next is read, so memory stays flat however large the segment; a refresh that
commits while an export runs may show in the chunks read after it.

CSV cells starting with `= + - @` or a tab/CR get a leading `'` so a spreadsheet
shows customer-entered names as text instead of evaluating them as formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gqlserver.auth import TooManyFailures, too_many_failures, unauthorized
from models.segments.membership import (
    EXPORT_CHUNK_SIZE,
    MemberContact,
    iter_members,
    segment_exists,
)
from resolvers.ids import maybe_id
from resolvers.permissions import IMPLIED

COLUMNS = ("customer_id", "website_id", "email", "firstname", "lastname", "added_at")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry at all, even escaped.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _values(member: MemberContact) -> tuple[str, ...]:
    return (
        str(member.customer_id),
        str(member.website_id),
        member.email or "",
        member.firstname or "",
        member.lastname or "",
        _timestamp(member.added_at),
    )


def _csv_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_rows(members: list[MemberContact], *, header: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(COLUMNS)
    writer.writerows([_csv_cell(v) for v in _values(m)] for m in members)
    return buffer.getvalue()


def _xml_text(value: str) -> str:
    return escape(XML_ILLEGAL.sub("\ufffd", value))


def xml_members(members: list[MemberContact]) -> str:
    parts = []
    for member in members:
        fields = "".join(
            f"<{name}>{_xml_text(value)}</{name}>"
            for name, value in zip(COLUMNS, _values(member), strict=True)
        )
        parts.append(f"  <member>{fields}</member>\n")
    return "".join(parts)


async def csv_stream(segment_id: int, chunk_size: int) -> AsyncIterator[str]:
    header = True
    async for chunk in iter_members(segment_id, chunk_size):
        yield csv_rows(chunk, header=header)
        header = False
    if header:  # no members: the header alone
        yield csv_rows([], header=True)


async def xml_stream(segment_id: int, chunk_size: int) -> AsyncIterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<members segment_id="{segment_id}">\n'
    async for chunk in iter_members(segment_id, chunk_size):
        yield xml_members(chunk)
    yield "</members>\n"


FORMATS: dict[str, tuple[str, Callable[[int, int], AsyncIterator[str]]]] = {
    "csv": ("text/csv; charset=utf-8", csv_stream),
    "xml": ("application/xml; charset=utf-8", xml_stream),
}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


async def export_members(request: Request) -> Response:
    """Authenticate like /graphql (a token with read scope), then stream the members."""
    authorization = request.headers.get("authorization")
    address = request.client.host if request.client else None
    try:
        identity = await request.app.state.authenticator.authenticate(authorization, address)
    except TooManyFailures as throttled:
        return too_many_failures(throttled)
    if identity is None:
        return unauthorized(bool(authorization))
    if not identity.scopes & IMPLIED["read"]:
        return _error(403, "FORBIDDEN", "This export needs the 'read' scope.")
    # Parsed here, not by a route convertor: Starlette's `int` fails with a 500 on an id of
    # over 4300 digits, and an id past the INTEGER key range names no segment either.
    segment_id = maybe_id(request.path_params["segment_id"])
    fmt: str = request.path_params["format"]
    if fmt not in FORMATS:
        return _error(404, "NOT_FOUND", f"No export format {fmt!r}; use csv or xml.")
    if segment_id is None or not await segment_exists(segment_id):
        return _error(404, "NOT_FOUND", "Segment not found.")
    media_type, stream = FORMATS[fmt]
    chunk_size = getattr(request.app.state, "export_chunk_size", EXPORT_CHUNK_SIZE)
    return StreamingResponse(
        stream(segment_id, chunk_size),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="segment-{segment_id}-members.{fmt}"'
        },
    )


def export_routes() -> list[Route]:
    return [Route("/segments/{segment_id}/members.{format}", export_members, methods=["GET"])]
