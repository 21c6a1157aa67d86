"""A private `redis-server` a test may kill and restart, for Redis outage tests.

The shared Redis (SEGMENTQL_TEST_REDIS) serves every test of the run, so an outage is
staged on a server of the test's own, on a free loopback port, without persistence.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tests.conftest import REQUIRE_SERVICES

START_TIMEOUT = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process on a fixed port: `kill()` it (SIGKILL) and `start()` it again."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        """Start the server (empty: nothing is persisted) and wait until it answers."""
        self._spawn()
        await self._wait_ready()

    def _spawn(self) -> None:
        assert self._process is None or self._process.poll() is not None, "already running"
        log = (self._workdir / f"redis-{self.port}.log").open("ab")
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    async def _wait_ready(self) -> None:
        deadline = asyncio.get_running_loop().time() + START_TIMEOUT
        client = Redis.from_url(self.url)
        try:
            while True:
                try:
                    await client.ping()
                    return
                except (OSError, RedisError):
                    if asyncio.get_running_loop().time() > deadline:
                        raise
                await asyncio.sleep(0.05)
        finally:
            await client.aclose()

    def kill(self) -> None:
        """SIGKILL the server: clients see their connections drop and new ones refused."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()


@asynccontextmanager
async def own_redis(workdir: Path) -> AsyncIterator[RedisServer]:
    """A running private redis-server; killed afterwards."""
    if shutil.which("redis-server") is None:
        if REQUIRE_SERVICES:
            pytest.fail("redis-server is required (SEGMENTQL_REQUIRE_SERVICES=1) but missing")
        pytest.skip("redis-server not installed")
    server = RedisServer(workdir)
    await server.start()
    try:
        yield server
    finally:
        server.kill()
