"""Cross-origin requests from browser apps on other origins (admin frontends, dashboards).

Starlette's CORSMiddleware answers preflights itself, before authentication (a preflight
carries no token, so it was refused with 401), and adds the CORS headers to answers for
listed origins only. With no origins listed a preflight gets 400 and no answer carries
CORS headers, so browsers keep pages of other origins out. Tokens travel in the
Authorization header, never in cookies, so credentials mode is not needed.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = ("Authorization", "Content-Type")
# How long a browser may reuse a preflight's answer, in seconds.
PREFLIGHT_MAX_AGE = 600


def cors_middleware(origins: list[str]) -> Middleware:
    return Middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE,
    )


def parse_origins(value: object) -> object:
    """SEGMENTQL_CORS_ORIGINS as a list: comma-separated origins, each scheme://host[:port]."""
    if not isinstance(value, str):
        return value
    origins = [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ValueError(f"{origin!r} is not an origin like https://admin.example.com")
    return origins
