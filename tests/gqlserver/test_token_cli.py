"""`segmentql token list` and `segmentql token revoke`, run as real processes on a fresh
SQLite database (the commands migrate it as `token create` does)."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest

from tests.e2e.processes import SEGMENTQL


class Cli:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.env = {**os.environ, "DATABASE_URL": f"sqlite://{workdir}/tokens.sqlite3"}

    async def run(self, *args: str) -> tuple[int, str, str]:
        """Exit status, stdout and stderr of one command."""
        process = await asyncio.create_subprocess_exec(
            SEGMENTQL,
            *args,
            cwd=self.workdir,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    async def ok(self, *args: str) -> str:
        status, out, err = await self.run(*args)
        assert status == 0, err
        return out


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def _rows(listing: str) -> list[list[str]]:
    """The cells of each line (columns are separated by two or more spaces)."""
    return [re.split(r"\s{2,}", line.strip()) for line in listing.strip().splitlines()]


async def test_list_shows_every_token_without_its_secret(cli):
    admin = (await cli.ok("token", "create", "--name", "admin-ui", "--scope", "admin")).split()[-1]
    await cli.ok("token", "create", "--name", "dashboard", "--scope", "read")

    listing = await cli.ok("token", "list")

    rows = _rows(listing)
    assert rows[0] == ["ID", "NAME", "SCOPES", "CREATED", "LAST USED", "STATUS"]
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows[1:]] == [
        ("1", "admin-ui", "admin", "-", "live"),
        ("2", "dashboard", "read", "-", "live"),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r[3]) for r in rows[1:])
    assert admin not in listing and "sq_" not in listing


async def test_revoke_by_name_and_by_id(cli):
    await cli.ok("token", "create", "--name", "dashboard", "--scope", "read")
    await cli.ok("token", "create", "--name", "ci", "--scope", "write")

    by_name = await cli.ok("token", "revoke", "dashboard")
    by_id = await cli.ok("token", "revoke", "2")

    assert by_name.splitlines() == [
        "revoked token 1 (dashboard); servers refuse it and close its websocket connections "
        "within SEGMENTQL_TOKEN_RECHECK_SECONDS"
    ]
    assert by_id.startswith("revoked token 2 (ci);")
    statuses = [r[-1] for r in _rows(await cli.ok("token", "list"))[1:]]
    assert [s.split()[0] for s in statuses] == ["revoked", "revoked"]
    assert _rows(await cli.ok("token", "list", "--live")) == [
        ["ID", "NAME", "SCOPES", "CREATED", "LAST USED", "STATUS"]
    ]


@pytest.mark.parametrize(
    ("reference", "error"),
    [
        ("nobody", "Error: No token named 'nobody'."),
        ("42", "Error: No token with id 42."),
        ("99999999999999999999", "Error: No token with id 99999999999999999999."),
        ("twin", "Error: 2 live tokens are named 'twin' (ids 2, 3); give the id instead."),
        ("old", "Error: Token 1 (old) is already revoked."),
    ],
)
async def test_revoke_refusals_are_one_line_and_change_nothing(cli, reference, error):
    await cli.ok("token", "create", "--name", "old", "--scope", "read")
    await cli.ok("token", "revoke", "old")
    await cli.ok("token", "create", "--name", "twin", "--scope", "read")
    await cli.ok("token", "create", "--name", "twin", "--scope", "read")
    before = await cli.ok("token", "list")

    status, out, err = await cli.run("token", "revoke", reference)

    assert (status, out, err) == (1, "", error + "\n")
    assert await cli.ok("token", "list") == before
