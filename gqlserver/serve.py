"""`segmentql serve`: check the settings are safe for the interface, then run uvicorn."""

from __future__ import annotations

import sys

import uvicorn

from gqlserver.settings import UnsafeSettings, get_settings

EXIT_UNSAFE_SETTINGS = 2


def run_server(host: str | None = None, port: int | None = None) -> None:
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    try:
        settings.check_serving(host)
    except UnsafeSettings as exc:
        print(f"segmentql: refusing to serve: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_UNSAFE_SETTINGS) from None
    # The app prints its own URL (first start), so it needs the interface actually bound.
    settings = settings.model_copy(update={"host": host, "port": port})

    from gqlserver.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, lifespan="on")
