"""The worker runs enqueued jobs on real Redis and on the in-process memory queue, both started
through the same `on_startup`."""

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

from gqlserver import worker as worker_wiring
from gqlserver.settings import Settings
from gqlserver.worker import start_inprocess_worker, worker_options
from models.automation.mailer import Mailer
from tasks.codec import JobFailed
from tasks.consumers import ConsumerRunner
from tasks.queue import create_queue
from tasks.registry import FUNCTIONS, cron_jobs


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
    monkeypatch.setattr(worker_wiring, "FUNCTIONS", [*FUNCTIONS, boom])
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
    settings = Settings()
    options = worker_options(settings)
    worker = create_worker(options, redis_settings=None, handle_signals=False)  # type: ignore[arg-type]

    expected = [job.name for job in cron_jobs(settings)]
    assert [job.name for job in worker.cron_jobs] == expected
    assert set(expected) <= set(worker.functions)
    assert {getattr(f, "__qualname__", getattr(f, "name", None)) for f in FUNCTIONS} <= set(
        worker.functions
    )


def test_cron_schedules_come_from_the_settings_passed_in():
    crons = cron_jobs(Settings(SEGMENTQL_REFRESH_CRON="15 3 * * 1"))  # type: ignore[call-arg]

    refresh = [job for job in crons if job.name == "auto_refresh_segments"]
    assert [(job.minute, job.hour, job.weekday) for job in refresh] == [({15}, {3}, {0})]


async def test_the_in_process_worker_starts_through_on_startup(db):
    queue = await create_queue("memory://")
    await queue.flushdb()
    worker = await start_inprocess_worker(queue)
    try:
        for _ in range(200):
            if "consumers" in worker.worker.ctx:
                break
            await asyncio.sleep(0.01)
        consumers = worker.worker.ctx.get("consumers")
        assert isinstance(consumers, ConsumerRunner)
        assert [c.name for c in consumers.consumers] == [
            "subscription_broadcast",
            "email_scheduling",
        ]
        assert isinstance(worker.worker.ctx.get("mailer"), Mailer)
    finally:
        await worker.close()
        await queue.flushdb()
        await queue.aclose()

    # on_shutdown stopped the consumers and closed the mailer.
    assert "consumers" not in worker.worker.ctx
    assert "mailer" not in worker.worker.ctx


async def test_a_cron_job_runs_in_the_in_process_worker(db, monkeypatch):
    ticked = asyncio.Event()

    async def tick(ctx) -> None:
        ticked.set()

    monkeypatch.setattr(
        worker_wiring, "cron_jobs", lambda settings: [cron(tick, run_at_startup=True)]
    )
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

    assert done.returncode == 3
    assert done.stderr == (
        "segmentql: REDIS_URL=memory:// keeps the queue inside `segmentql serve`, which runs "
        "the worker itself; set REDIS_URL=redis://... to run a separate worker\n"
    )


async def test_worker_command_fails_clearly_on_an_unmigrated_database(redis_url, tmp_path):
    database = tmp_path / "empty.sqlite3"
    env = {"REDIS_URL": redis_url, "DATABASE_URL": f"sqlite://{database}"}

    done = await asyncio.to_thread(run_worker_command, env, tmp_path)

    assert done.returncode == 1
    last = done.stderr.splitlines()[-1]
    assert last.startswith("segmentql: the database lacks ")
    assert last.endswith("run `segmentql migrate` first")


async def test_worker_command_fails_clearly_on_an_unreachable_database(redis_url, tmp_path):
    env = {"REDIS_URL": redis_url, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}

    done = await asyncio.to_thread(run_worker_command, env, tmp_path)

    assert done.returncode == 5
    assert done.stderr.splitlines()[-1].startswith("segmentql: DATABASE_URL is not reachable: ")


def test_worker_command_names_an_invalid_cron_schedule(redis_url, tmp_path):
    env = {"REDIS_URL": redis_url, "SEGMENTQL_REFRESH_CRON": "every day"}

    done = run_worker_command(env, tmp_path)

    # Refused as the settings load, as every command does (exit code 3).
    assert done.returncode == 3
    assert done.stderr == (
        "segmentql: invalid setting: SEGMENTQL_REFRESH_CRON: not a 5-field cron expression: "
        "'every day' (e.g. '0 5 * * *')\n"
    )


def test_export_schema_does_not_read_the_worker_settings(tmp_path):
    done = subprocess.run(
        [SEGMENTQL, "export-schema"],
        env={**os.environ, "SEGMENTQL_REFRESH_CRON": "every day"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    schema = Path(__file__).resolve().parents[2] / "schema.graphql"
    assert done.stdout == schema.read_text()
