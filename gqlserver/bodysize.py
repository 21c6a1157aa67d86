"""A cap on HTTP request bodies, held while the body streams in.

A body announced larger than the cap (Content-Length) is refused before any of it is
read; a body without a length (chunked) is counted as it arrives and refused once it
passes the cap, so at most the cap (plus one chunk) is ever held in memory.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised from `receive` once a body passes the cap; the middleware answers 413."""


def payload_too_large(max_bytes: int) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": f"Request body too large: at most {max_bytes} bytes are "
                    "accepted (SEGMENTQL_MAX_BODY_BYTES).",
                    "extensions": {"code": "PAYLOAD_TOO_LARGE", "maxBytes": max_bytes},
                }
            ]
        },
        status_code=413,
        # The rest of the body is not read; the connection cannot be reused.
        headers={"Connection": "close"},
    )


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await payload_too_large(self.max_bytes)(scope, receive, send)
            return
        received = 0
        started = False

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, capped_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await payload_too_large(self.max_bytes)(scope, receive, send)
