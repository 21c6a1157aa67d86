"""The worker runs enqueued jobs on real Redis and on the in-process memory queue."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from arq.cron import cron
from arq.worker import FailedJobs, create_worker

from tasks.codec import JobFailed
from tasks.inprocess import start_inprocess_worker
from tasks.queue import create_queue
from tasks.registry import CRON_JOBS, FUNCTIONS
from tasks.worker import WorkerSettings


async def test_burst_worker_runs_a_job_and_its_result_is_readable(db, arq_queue, run_burst_worker):
    job = await arq_queue.enqueue_job("ping")

    assert await run_burst_worker(arq_queue) == 1

    result = await job.result(timeout=5)
    assert result["database"] == db.dialect
    assert result["pid"] == os.getpid()
    assert result["job_id"] == job.job_id
    assert await arq_queue.zcard(arq_queue.default_queue_name) == 0


async def test_jobs_are_stored_as_json_not_pickle(arq_queue):
    job = await arq_queue.enqueue_job("ping", 1, when="now")

    stored = json.loads(await arq_queue.get(f"arq:job:{job.job_id}"))

    assert (stored["f"], stored["a"], stored["k"]) == ("ping", [1], {"when": "now"})


async def boom(ctx, reason: str) -> None:
    raise ValueError(reason)


async def test_a_failed_job_reports_its_error(db, arq_queue, run_burst_worker, monkeypatch):
    monkeypatch.setattr(WorkerSettings, "functions", [*FUNCTIONS, boom])
    job = await arq_queue.enqueue_job("boom", "no such segment")

    with pytest.raises(FailedJobs):
        await run_burst_worker(arq_queue)

    with pytest.raises(JobFailed) as failure:
        await job.result(timeout=5)
    assert (failure.value.error_type, failure.value.message) == ("ValueError", "no such segment")


async def test_memory_queue_runs_jobs_in_process(db):
    queue = await create_queue("memory://")
    await queue.flushdb()
    worker = await start_inprocess_worker(queue)
    try:
        job = await queue.enqueue_job("ping")
        assert job is not None
        result = await job.result(timeout=10, poll_delay=0.02)
        # A second pool on memory:// reaches the same in-process Redis.
        other = await create_queue("memory://")
        assert await other.exists(f"arq:result:{job.job_id}") == 1
        await other.aclose()
    finally:
        await worker.close()
        await queue.flushdb()
        await queue.aclose()

    assert result["database"] == db.dialect
    assert result["pid"] == os.getpid()
    assert not worker.running


def test_every_registered_cron_job_is_scheduled_by_the_worker():
    worker = create_worker(WorkerSettings, redis_settings=None, handle_signals=False)  # type: ignore[arg-type]

    assert [job.name for job in worker.cron_jobs] == [job.name for job in CRON_JOBS]
    assert {job.name for job in CRON_JOBS} <= set(worker.functions)
    assert {getattr(f, "__qualname__", None) for f in FUNCTIONS} <= set(worker.functions)


async def test_a_cron_job_runs_in_the_in_process_worker(monkeypatch):
    ticked = asyncio.Event()

    async def tick(ctx) -> None:
        ticked.set()

    monkeypatch.setattr(WorkerSettings, "cron_jobs", [cron(tick, run_at_startup=True)])
    queue = await create_queue("memory://")
    await queue.flushdb()
    worker = await start_inprocess_worker(queue)
    try:
        await asyncio.wait_for(ticked.wait(), timeout=10)
    finally:
        await worker.close()
        await queue.flushdb()
        await queue.aclose()

    assert worker.worker.jobs_complete == 1


SEGMENTQL = str(Path(sys.executable).with_name("segmentql"))


def run_worker_command(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SEGMENTQL, "worker"],
        env={**os.environ, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_worker_command_refuses_the_memory_queue(tmp_path):
    done = run_worker_command({"REDIS_URL": "memory://"}, tmp_path)

    assert done.returncode == 1
    assert "segmentql serve" in done.stderr


async def test_worker_command_fails_clearly_on_an_unmigrated_database(redis_url, tmp_path):
    database = tmp_path / "empty.sqlite3"
    env = {"REDIS_URL": redis_url, "DATABASE_URL": f"sqlite://{database}"}

    done = await asyncio.to_thread(run_worker_command, env, tmp_path)

    assert done.returncode == 1
    assert "run `segmentql migrate` first" in done.stderr


async def test_worker_command_fails_clearly_on_an_unreachable_database(redis_url, tmp_path):
    env = {"REDIS_URL": redis_url, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}

    done = await asyncio.to_thread(run_worker_command, env, tmp_path)

    assert done.returncode == 1
    assert "DATABASE_URL is not reachable" in done.stderr
