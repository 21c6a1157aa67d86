"""GraphiQL from segmentql's own copy of its assets, so the page works without internet.

The assets (React, GraphiQL, graphql-ws, the explorer plugin) live in static/graphiql/;
scripts/update-graphiql refreshes them from the npm registry.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_PATH = "/graphiql/static"
STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
PAGE_TEMPLATE = Path(__file__).parent / "static" / "graphiql.html"

_ASSET = re.compile(r"\{\{ ([\w.-]+) \}\}")


class VersionedStaticFiles(StaticFiles):
    """Static files that browsers may cache for good: the page links them with a content hash."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def static_mount() -> Mount:
    """The route serving the assets; public, like the page itself."""
    return Mount(STATIC_PATH, app=VersionedStaticFiles(directory=STATIC_DIR), name="graphiql")


def asset_url(name: str) -> str:
    """The URL of one asset, with its content hash so a new version is never read from cache."""
    path = STATIC_DIR / name
    if not path.is_file():
        raise LookupError(f"GraphiQL asset {name} is missing from {STATIC_DIR}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return f"{STATIC_PATH}/{name}?v={digest}"


@functools.cache
def graphiql_page() -> str:
    """The GraphiQL HTML page, its `{{ file }}` placeholders replaced by the assets' URLs."""
    template = PAGE_TEMPLATE.read_text(encoding="utf-8")
    return _ASSET.sub(lambda match: asset_url(match.group(1)), template)
