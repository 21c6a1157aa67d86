"""`segmentql import` keeps its memory flat however many lines it rejects.

A real process imports a generated file; the peak resident memory is what the kernel
recorded for it (`ru_maxrss` of a waited-for child, read by a small parent process).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson

SEGMENTQL = str(Path(sys.executable).with_name("segmentql"))
PARENTS = [
    {"type": "website", "id": 1, "code": "base"},
    {"type": "store", "id": 1, "website_id": 1, "code": "default"},
    {"type": "customer_group", "id": 1, "code": "General"},
]
# Runs `segmentql import FILE` and prints its exit status and peak RSS in KiB.
MEASURE = """
import resource, subprocess, sys
segmentql, source, errors = sys.argv[1:]
with open(errors, "wb") as stderr:
    done = subprocess.run([segmentql, "import", source], stdout=subprocess.DEVNULL, stderr=stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
LARGE = 200_000
# The rejections of LARGE lines held in memory took ~100 MB; flat means far less growth.
MAX_GROWTH_KIB = 40 * 1024


def write_orphan_orders(path: Path, count: int) -> None:
    """PARENTS, then `count` orders of a customer that does not exist."""
    with path.open("wb") as out:
        for record in PARENTS:
            out.write(orjson.dumps(record) + b"\n")
        for order_id in range(1, count + 1):
            order = {
                "type": "order",
                "id": order_id,
                "customer_id": 999_999,
                "state": "new",
                "status": "pending",
                "created_at": "2024-01-01T00:00:00Z",
            }
            out.write(orjson.dumps(order) + b"\n")


def peak_rss_of_import(tmp_path: Path, name: str, count: int) -> tuple[int, Path]:
    """Import `count` orphan orders into a fresh database; (peak RSS in KiB, stderr file)."""
    source, errors = tmp_path / f"{name}.ndjson", tmp_path / f"{name}.err"
    write_orphan_orders(source, count)
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/{name}.sqlite3"}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, SEGMENTQL, str(source), str(errors)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    status, peak = map(int, done.stdout.split())
    assert status == 1, errors.read_text()[-2000:]
    return peak, errors


def test_many_rejected_lines_do_not_grow_the_importer(tmp_path):
    small_peak, _ = peak_rss_of_import(tmp_path, "small", 1_000)
    large_peak, errors = peak_rss_of_import(tmp_path, "large", LARGE)

    with errors.open("rb") as lines:
        count = 0
        for count, line in enumerate(lines, 1):  # noqa: B007 - the last line is checked
            last = line
    assert count == LARGE
    assert last == f"line {LARGE + 3}: order.customer_id: customer 999999 does not exist\n".encode()
    assert large_peak - small_peak < MAX_GROWTH_KIB, (small_peak, large_peak)
