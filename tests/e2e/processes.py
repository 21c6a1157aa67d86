"""Real `segmentql` processes for end-to-end tests: a fresh PostgreSQL database, CLI runs,
a server and a worker, each stopped and cleaned up afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx

from tests.conftest import PG_DSN, drop_pg_database, new_pg_url

SEGMENTQL = str(Path(sys.executable).with_name("segmentql"))
STARTUP_TIMEOUT = 30.0


@asynccontextmanager
async def fresh_pg_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database; its URL. Dropped afterwards."""
    name, url = new_pg_url()
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield url
    finally:
        await drop_pg_database(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Segmentql:
    """Runs `segmentql` commands with one environment, in a scratch directory."""

    def __init__(self, workdir: Path, **env: str) -> None:
        self.workdir = workdir
        # The scratch directory keeps a developer's `.env` and outbox out of the test.
        self.env = {
            **os.environ,
            "SEGMENTQL_AUTH": "required",
            "SEGMENTQL_OUTBOX_DIR": str(workdir / "outbox"),
            **env,
        }
        self._running: list[subprocess.Popen[bytes]] = []

    async def run(self, *args: str, stdin: bytes | None = None, within: float = 60) -> str:
        """Run a command to completion; its stdout (it must exit 0)."""
        process = await asyncio.create_subprocess_exec(
            SEGMENTQL,
            *args,
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(stdin), within)
        assert process.returncode == 0, f"segmentql {' '.join(args)}: {err.decode()}"
        return out.decode()

    def start(self, *args: str, log_name: str) -> subprocess.Popen[bytes]:
        """Start a long-running command; its output goes to a log file in the scratch dir."""
        log = (self.workdir / f"{log_name}.log").open("wb")
        process = subprocess.Popen(
            [SEGMENTQL, *args],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._running.append(process)
        return process

    def log(self, log_name: str) -> str:
        path = self.workdir / f"{log_name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    async def stop_all(self) -> None:
        """SIGTERM each started process (graceful shutdown), SIGKILL what does not exit."""
        for process in self._running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self._running:
            for _ in range(100):
                if process.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                process.kill()
                process.wait()
        self._running.clear()


async def wait_ready(base_url: str, processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """Poll `/readyz` until it answers 200; fail if a process died or time ran out."""
    deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT
    async with httpx.AsyncClient(base_url=base_url, timeout=2.0) as http:
        while True:
            for process in processes:
                assert process.poll() is None, f"{process.args!r} exited with {process.returncode}"
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert asyncio.get_running_loop().time() < deadline, "server not ready in time"
            await asyncio.sleep(0.2)
