"""Open and click tracking of automation mail: `GET /t/o/{token}.gif` and `GET /t/c/{token}`,
without an API token (the signed token is the authorisation).

- The pixel always answers the 1x1 GIF, uncached: a mail client never sees an error,
  and a bad or tampered token (or a database hiccup) only means nothing is recorded.
- The click redirect answers 302 to the URL the token signs, after counting the click
  (a row deleted since, by progress cleanup, is not counted; the link still works). A
  bad token answers a plain 404 page and redirects nowhere: only URLs that were in a
  sent message are redirected to, so the endpoint is no open redirect.
Each recorded open or click publishes `sequenceProgressChanged` for the row's segment.
"""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from models.automation.tracking import record_click, record_open
from models.mail.tracking import CLICK_PATH, OPEN_PATH, read_click_token, read_open_token
from tasks.automation import publish_progress

log = logging.getLogger(__name__)

# The smallest transparent GIF (1x1, 42 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# The pixel must be fetched again on every open, by every proxy and client.
NO_CACHE = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0",
    "Pragma": "no-cache",
    "Expires": "0",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}


def pixel_response() -> Response:
    return Response(PIXEL, media_type="image/gif", headers=NO_CACHE)


async def _changed(request: Request, progress_id: int, segment_id: int) -> None:
    redis = request.app.state.redis
    if redis is not None:
        await publish_progress(redis, [(progress_id, segment_id)])


async def open_pixel(request: Request) -> Response:
    progress_id = read_open_token(request.app.state.link_secret, request.path_params["token"])
    if progress_id is not None:
        try:
            agent = request.headers.get("user-agent")
            segment_id = await record_open(progress_id, agent, datetime.now(UTC))
            if segment_id is not None:
                await _changed(request, progress_id, segment_id)
        except Exception:
            # An open not recorded is a lost statistic; an error would be a broken image.
            log.exception("could not record an open of progress row %d", progress_id)
    return pixel_response()


def _not_found() -> Response:
    return PlainTextResponse(
        "This link is not valid.", status_code=404, headers={"Cache-Control": "no-store"}
    )


async def click_redirect(request: Request) -> Response:
    found = read_click_token(request.app.state.link_secret, request.path_params["token"])
    if found is None:
        return _not_found()
    progress_id, url = found
    try:
        segment_id = await record_click(progress_id, url, datetime.now(UTC))
    except Exception:
        # The signed URL was in the message: the reader still gets there, uncounted.
        log.exception("could not record a click of progress row %d", progress_id)
    else:
        # A row deleted by progress cleanup leaves old mail's links working, uncounted.
        if segment_id is not None:
            await _changed(request, progress_id, segment_id)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


def tracking_routes() -> list[Route]:
    return [
        Route(OPEN_PATH + "{token}.gif", open_pixel, methods=["GET"]),
        Route(CLICK_PATH + "{token}", click_redirect, methods=["GET"]),
    ]
