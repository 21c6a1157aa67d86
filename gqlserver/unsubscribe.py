"""One-click unsubscribe (RFC 8058): `GET` and `POST /unsubscribe/{token}`, without an API token.

Every automation mail carries `List-Unsubscribe: <{SEGMENTQL_PUBLIC_URL}/unsubscribe/{token}>`
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. The token is signed and names
the customer, so the link itself is the authorisation.

- `POST` with the body `List-Unsubscribe=One-Click` (what a mail client sends, and what
  the confirmation page's button sends) sets the subscriber status to 3 (unsubscribed)
  and skips the customer's scheduled mails, in one transaction.
- `GET` only shows the confirmation page: link scanners and prefetchers open links, and
  they must never unsubscribe anybody.
- A bad or tampered token gets 404 and changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from models.automation.hooks import unsubscribe_customer
from models.mail.links import read_unsubscribe_token

ONE_CLICK = "List-Unsubscribe=One-Click"
# Pages that carry a personal link are not cached by proxies and not indexed.
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;"
        "padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=PRIVATE)


def _not_found() -> HTMLResponse:
    return _page(
        "Link not valid",
        "<p>This unsubscribe link is not valid. Use the link of a recent message.</p>",
        404,
    )


def _customer(request: Request) -> int | None:
    return read_unsubscribe_token(request.app.state.link_secret, request.path_params["token"])


async def confirm_page(request: Request) -> Response:
    if _customer(request) is None:
        return _not_found()
    return _page(
        "Unsubscribe",
        "<p>Stop receiving these emails?</p>"
        '<form method=post><input type=hidden name="List-Unsubscribe" value="One-Click">'
        "<button type=submit id=unsubscribe>Unsubscribe</button></form>",
    )


async def unsubscribe(request: Request) -> Response:
    customer_id = _customer(request)
    if customer_id is None:
        return _not_found()
    body = (await request.body()).decode("utf-8", "replace").strip()
    if ONE_CLICK not in body.split("&"):
        return _page(
            "Unsubscribe",
            f"<p>Nothing changed: the request must carry <code>{ONE_CLICK}</code>.</p>",
            400,
        )
    await unsubscribe_customer(customer_id, now=datetime.now(UTC))
    return _page("You are unsubscribed", "<p>You will not receive these emails any more.</p>")


def unsubscribe_routes() -> list[Route]:
    return [
        Route("/unsubscribe/{token}", confirm_page, methods=["GET"]),
        Route("/unsubscribe/{token}", unsubscribe, methods=["POST"]),
    ]
