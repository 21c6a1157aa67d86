"""Starting the server: first admin token, real `serve`, `token create`, unsafe settings."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import socket
import sqlite3
import sys
from pathlib import Path

import httpx

from gqlserver.app import create_app
from models.auth import tokens
from models.auth.orm import ApiToken
from tests.graphql_client import asgi_client, make_settings, running

SEGMENTQL = str(Path(sys.executable).parent / "segmentql")
ANNOUNCEMENT = re.compile(
    r"segmentql: created admin token (sq_\S+) \(shown once\)\n"
    r"  GraphiQL: http://(\S+)/graphql\n"
)


async def test_first_start_prints_an_admin_token_once(db, capsys):
    settings = make_settings(db.url, SEGMENTQL_HOST="127.0.0.1", SEGMENTQL_PORT="8123")

    async with running(create_app(settings)):
        first = capsys.readouterr().out
    app = create_app(settings)
    async with running(app):
        second = capsys.readouterr().out
        match = ANNOUNCEMENT.fullmatch(first)
        assert match is not None, first
        token, address = match.groups()
        assert address == "127.0.0.1:8123"
        async with asgi_client(app) as http:
            response = await http.post(
                "/graphql",
                json={"query": "{ websites { id } }"},
                headers={"Authorization": f"Bearer {token}"},
            )

    assert second == ""
    assert response.json() == {"data": {"websites": []}}
    assert [(t.name, t.scopes) for t in await ApiToken.all()] == [("admin", ["admin"])]


async def test_existing_revoked_token_means_no_new_admin_token(db, capsys):
    plaintext = await tokens.create_token("old", ["read"])
    token = await tokens.verify(plaintext)
    assert token is not None
    await tokens.revoke(token.id)

    async with running(create_app(make_settings(db.url))):
        pass

    assert capsys.readouterr().out == ""
    assert await ApiToken.all().count() == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """A clean environment for a `segmentql` subprocess, on a SQLite file in tmp_path."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **base,
        "DATABASE_URL": f"sqlite://{tmp_path}/served.sqlite3",
        "REDIS_URL": "memory://",
        **env,
    }


async def serve_until_ready(tmp_path: Path) -> str:
    """Run `segmentql serve` until /readyz answers 200, stop it, return its stdout."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        SEGMENTQL,
        "serve",
        "--port",
        str(port),
        cwd=tmp_path,
        env=cli_env(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(600):
                assert process.returncode is None, "server exited early"
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("server did not become ready")
    finally:
        if process.returncode is None:
            process.terminate()
        stdout, stderr = await process.communicate()
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal.
    assert process.returncode in (0, -15), stderr.decode()
    assert "Application shutdown complete." in stderr.decode()
    return stdout.decode()


async def test_serve_migrates_an_empty_database_and_announces_the_token_once(tmp_path):
    first = await serve_until_ready(tmp_path)
    second = await serve_until_ready(tmp_path)

    match = ANNOUNCEMENT.search(first)
    assert match is not None, first
    assert "created admin token" not in second
    with sqlite3.connect(tmp_path / "served.sqlite3") as conn:
        rows = conn.execute("SELECT name, token_hash, scopes FROM api_token").fetchall()
    assert rows == [("admin", hashlib.sha256(match.group(1).encode()).hexdigest(), '["admin"]')]


async def run_cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        SEGMENTQL,
        *args,
        cwd=tmp_path,
        env=cli_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_token_create_prints_the_token_last_and_stores_its_hash(tmp_path):
    code, stdout, stderr = await run_cli(
        tmp_path, "token", "create", "--name", "ci", "--scope", "read", "--scope", "write"
    )

    assert code == 0, stderr
    token = stdout.splitlines()[-1]
    assert token.startswith("sq_")
    with sqlite3.connect(tmp_path / "served.sqlite3") as conn:
        rows = conn.execute("SELECT name, token_hash, scopes FROM api_token").fetchall()
    assert [(n, h, json.loads(s)) for n, h, s in rows] == [
        ("ci", hashlib.sha256(token.encode()).hexdigest(), ["read", "write"])
    ]


async def test_serve_refuses_auth_off_on_a_public_interface(tmp_path):
    code, stdout, stderr = await run_cli(
        tmp_path, "serve", "--host", "0.0.0.0", SEGMENTQL_AUTH="off"
    )

    assert code == 3  # an invalid setting (README "Exit codes")
    assert stderr == (
        "segmentql: refusing to serve: SEGMENTQL_AUTH=off is only allowed on a loopback host, "
        "not '0.0.0.0': bind to 127.0.0.1 or set SEGMENTQL_AUTH=required\n"
    )
    assert stdout == ""
    assert not (tmp_path / "served.sqlite3").exists()  # refused before touching anything


async def test_serve_refuses_a_public_interface_without_a_secret_key(tmp_path):
    code, stdout, stderr = await run_cli(tmp_path, "serve", "--host", "0.0.0.0")

    assert code == 3  # an invalid setting (README "Exit codes")
    assert stderr == (
        "segmentql: refusing to serve: SEGMENTQL_SECRET_KEY must be set to serve on "
        "'0.0.0.0': it signs the unsubscribe links in every mail (e.g. `openssl rand -hex 32`)\n"
    )
    assert stdout == ""
    assert not (tmp_path / "served.sqlite3").exists()
