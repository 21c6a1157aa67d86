"""`segmentql import` end to end: a real process on a fresh SQLite database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.store import sample

SEGMENTQL = str(Path(sys.executable).with_name("segmentql"))


def run_import(tmp_path: Path, args: list[str], stdin: bytes | None = None):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3"}
    return subprocess.run(
        [SEGMENTQL, "import", *args],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def count(tmp_path: Path, table: str) -> int:
    with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def test_rejected_lines_go_to_stderr_and_exit_1(tmp_path):
    data = tmp_path / "store.ndjson"
    data.write_bytes(
        b"\n".join(
            sample.lines(
                sample.WEBSITE,
                sample.GROUP,
                "{oops",
                {**sample.CUSTOMER, "store_id": None},
                {**sample.ADDRESS, "customer_id": 77},
            )
        )
        + b"\n"
    )

    done = run_import(tmp_path, [str(data)])

    assert done.returncode == 1, done.stderr
    assert done.stdout.decode().splitlines() == [
        "website: 1 upserted, 0 unchanged, 0 rejected",
        "customer_group: 1 upserted, 0 unchanged, 0 rejected",
        "customer: 1 upserted, 0 unchanged, 0 rejected",
        "customer_address: 0 upserted, 0 unchanged, 1 rejected",
        "total: 3 upserted, 0 deleted, 0 unchanged, 2 rejected",
    ]
    assert done.stderr.decode().splitlines() == [
        "line 3: invalid JSON at column 2: unexpected character, expected a string key",
        "line 5: customer_address.customer_id: customer 77 does not exist",
    ]
    assert (count(tmp_path, "customer"), count(tmp_path, "customer_address")) == (1, 0)


def test_a_clean_file_from_stdin_exits_0_and_twice_changes_nothing(tmp_path):
    data = b"\n".join(sample.lines(*sample.EVERY_TYPE)) + b"\n"

    first = run_import(tmp_path, ["-"], stdin=data)
    second = run_import(tmp_path, ["-"], stdin=data)

    assert (first.returncode, first.stderr) == (0, b"")
    assert first.stdout.decode().splitlines()[-1] == (
        "total: 17 upserted, 0 deleted, 0 unchanged, 0 rejected"
    )
    assert (second.returncode, second.stderr) == (0, b"")
    assert second.stdout.decode().splitlines()[-1] == (
        "total: 0 upserted, 0 deleted, 17 unchanged, 0 rejected"
    )
    assert count(tmp_path, "sales_order_item") == 2
