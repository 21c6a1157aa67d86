"""Open pixel benchmark: requests/s and p95 of `GET /t/o/{token}.gif` at concurrency 50, against a
static 1x1 GIF route of the same app in the same run.

    .venv/bin/python -m tests.bench.bench_pixel
    .venv/bin/python -m tests.bench.bench_pixel --seconds 10 --concurrency 50 --rows 1000

A new PostgreSQL database gets the schema from the models and --rows sent progress
rows (sent an hour ago, so each open is a reader's). The app (`create_app`, REDIS_URL
memory://, one uvicorn process) runs in a child process, so the load generator does not
share its interpreter; the benchmark alone mounts `/bench/static.gif` on it, answering
the same GIF and headers as the pixel without reading the token or writing the row. The
load: --concurrency keep-alive connections (a minimal HTTP/1.1 client) sending back to
back for --seconds per
phase; the pixel phase opens the rows' pixels in turn (each open verifies the token,
updates the row and publishes the change). Phases alternate static, pixel, static, pixel
after a warm-up; the medians are compared: pixel requests/s as a fraction of static,
and both p95s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from tortoise.context import TortoiseContext, tortoise_test_context

from gqlserver.tracking import PIXEL
from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.mail.tracking import pixel_url
from models.registry import MODEL_MODULES
from models.segments.orm import Segment
from tests.bench.harness import log, percentile
from tests.conftest import drop_pg_database, new_pg_url
from tests.e2e.processes import free_port

SECRET = "bench-pixel-secret"
# A browser's User-Agent: every open is a reader's, the path that writes both columns.
AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
STATIC_PATH = "/bench/static.gif"


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 0.95)

    def report(self) -> str:
        if not self.latencies_ms:
            return f"{self.name:<8} no request answered: failed={self.failures} {dict(self.errors)}"
        return (
            f"{self.name:<8} {self.per_second:8.0f} req/s  p50 "
            f"{percentile(self.latencies_ms, 0.5):6.1f} ms  p95 {self.p95:6.1f} ms  "
            f"n={len(self.latencies_ms)} failed={self.failures} {dict(self.errors) or ''}"
        )


async def _prepare(url: str, rows: int) -> list[int]:
    """The schema from the models, a segment with one step and `rows` sent rows; their ids."""
    async with tortoise_test_context(MODEL_MODULES, db_url=url, connection_label="bench_setup"):
        segment = await Segment.create(name="bench", website_ids=[1], auto_email_active=True)
        step = await EmailSequence.create(segment_id=segment.id, template_id=1, step_number=1)
        sent = datetime.now(UTC) - timedelta(hours=1)
        await SequenceProgress.bulk_create(
            [
                SequenceProgress(
                    customer_id=customer_id,
                    segment_id=segment.id,
                    sequence_id=step.id,
                    step_number=1,
                    trigger_type=TriggerEvent.ENTER,
                    status=ProgressStatus.SENT,
                    scheduled_at=sent,
                    sent_at=sent,
                )
                for customer_id in range(1, rows + 1)
            ],
            batch_size=1000,
        )
        return [row.id for row in await SequenceProgress.all().order_by("id").only("id")]


def _serve(url: str, port: int) -> None:
    """The child process: the app on the prepared database, plus the static route."""
    asyncio.run(_serve_async(url, port))


async def _serve_async(url: str, port: int) -> None:
    import uvicorn
    from starlette.routing import Route

    from gqlserver.app import create_app
    from gqlserver.db import tortoise_config
    from gqlserver.tracking import pixel_response
    from tests.graphql_client import make_settings

    async def static(_request: object) -> object:
        return pixel_response()

    # The server's own database configuration (client, pool), without migrations.
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url, with_aerich=False))
        app = create_app(make_settings(url, SEGMENTQL_SECRET_KEY=SECRET))
        app.router.routes.insert(0, Route(STATIC_PATH, static, methods=["GET"]))
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        )
        await server.serve()


async def _wait_ready(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            try:
                if (await client.get(STATIC_PATH)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the app did not start")


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
) -> tuple[int, bytes]:
    """One keep-alive HTTP/1.1 GET: (status, body)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nUser-Agent: {AGENT}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")
    )
    return int(lines[0].split(" ", 2)[1]), await reader.readexactly(length)


async def _load(port: int, name: str, paths: list[str], seconds: float, concurrency: int) -> Phase:
    """`concurrency` keep-alive connections sending back to back for `seconds`.

    A minimal client on asyncio streams: httpx spent more time per request than the
    server, so it measured itself rather than the app.
    """
    phase = Phase(name)
    next_path = 0
    until = time.perf_counter() + seconds

    async def one_client() -> None:
        nonlocal next_path
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < until:
                path = paths[next_path % len(paths)]
                next_path += 1
                started = time.perf_counter()
                try:
                    status, body = await _get(reader, writer, path)
                except (OSError, asyncio.IncompleteReadError) as error:
                    phase.errors[type(error).__name__] += 1
                    phase.failures += 1
                    return
                if status == 200 and body == PIXEL:
                    phase.latencies_ms.append((time.perf_counter() - started) * 1000)
                else:
                    phase.errors[f"HTTP {status}"] += 1
                    phase.failures += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    phase.seconds = time.perf_counter() - started
    return phase


async def main(args: argparse.Namespace) -> tuple[float, float, float]:
    # Tortoise creates the database with the schema; it is dropped at the end.
    name, url = new_pg_url()
    try:
        ids = await _prepare(url, args.rows)
        port = free_port()
        child = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port))
        child.start()
        try:
            base = f"http://127.0.0.1:{port}"
            await _wait_ready(base)
            pixels = [pixel_url("", SECRET, i) for i in ids]
            static = [STATIC_PATH]
            log(
                f"pixel benchmark: {args.rows} sent rows, concurrency {args.concurrency}, "
                f"{args.seconds:g} s per phase (PostgreSQL, one uvicorn process)"
            )
            await _load(port, "warm-up", static + pixels, 2, args.concurrency)
            phases: dict[str, list[Phase]] = {"static": [], "pixel": []}
            for _ in range(args.repeat):
                for name, paths in (("static", static), ("pixel", pixels)):
                    phase = await _load(port, name, paths, args.seconds, args.concurrency)
                    log(phase.report())
                    phases[name].append(phase)
        finally:
            child.terminate()
            child.join(10)
        opened = await _opens(url)
    finally:
        await drop_pg_database(name)
    static_rps = statistics.median(p.per_second for p in phases["static"])
    pixel_rps = statistics.median(p.per_second for p in phases["pixel"])
    static_p95 = statistics.median(p.p95 for p in phases["static"])
    pixel_p95 = statistics.median(p.p95 for p in phases["pixel"])
    recorded = sum(len(p.latencies_ms) for p in phases["pixel"])
    log(
        f"opens recorded in the rows: {opened} (pixel answers in the measured phases: "
        f"{recorded}, plus the warm-up's)"
    )
    log(f"median static: {static_rps:.0f} req/s, p95 {static_p95:.1f} ms")
    log(f"median pixel:  {pixel_rps:.0f} req/s, p95 {pixel_p95:.1f} ms")
    ratio = pixel_rps / static_rps
    log(f"ratio pixel / static requests/s: {ratio:.2f}x; p95 {pixel_p95 / static_p95:.2f}x")
    return ratio, pixel_rps, pixel_p95


async def _opens(url: str) -> int:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return int(
            await conn.fetchval("SELECT COALESCE(SUM(open_count), 0) FROM sequence_progress")
        )
    finally:
        await conn.close()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1000, help="sent rows whose pixels are opened")
    parser.add_argument("--repeat", type=int, default=2, help="static/pixel phase pairs")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
