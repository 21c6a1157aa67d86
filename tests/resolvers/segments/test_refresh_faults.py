"""refreshSegment when the queue is slow or gone: the status it reports, the error it gives."""

from __future__ import annotations

import asyncio

from arq.connections import ArqRedis
from arq.constants import job_key_prefix

from gqlserver.worker import run_pending_jobs
from models.segments.orm import RefreshStatus, Segment
from tasks.segments import refresh_job_id
from tests.graphql_client import make_settings
from tests.redis_server import RedisServer
from tests.resolvers.segments.conftest import FEMALE, Api

REFRESH = """
mutation($id: ID!, $wait: Boolean) {
  refreshSegment(id: $id, wait: $wait) {
    jobId
    segment { id refreshStatus matchedCustomersCount }
    errors { field code message }
  }
}
"""


async def _refreshed_women(queue: ArqRedis) -> Segment:
    """A segment refreshed once (COMPLETED, 4 members) through the queue."""
    segment = await Segment.create(name="Women", website_ids=[1, 2], conditions=FEMALE)
    await Api(queue=queue).data(REFRESH, {"id": str(segment.id)})
    assert await run_pending_jobs(queue) == 1
    return await Segment.get(id=segment.id)


async def test_a_wait_that_times_out_reports_the_queued_refresh_as_pending(
    store, own_queue: ArqRedis
):
    segment = await _refreshed_women(own_queue)
    assert segment.refresh_status == RefreshStatus.COMPLETED
    settings = make_settings("sqlite://:memory:", SEGMENTQL_REFRESH_WAIT_SECONDS="0.2")

    # No worker runs: the new job stays queued past the wait.
    data = await Api(queue=own_queue, settings=settings).data(
        REFRESH, {"id": str(segment.id), "wait": True}
    )

    assert data["refreshSegment"]["segment"]["refreshStatus"] == "PENDING"
    assert data["refreshSegment"]["errors"] == []
    assert (await Segment.get(id=segment.id)).refresh_status == RefreshStatus.PENDING
    assert await run_pending_jobs(own_queue) == 1
    assert (await Segment.get(id=segment.id)).refresh_status == RefreshStatus.COMPLETED


async def test_with_redis_down_refresh_answers_unavailable_and_changes_nothing(
    store, redis_server: RedisServer, own_queue: ArqRedis
):
    segment = await _refreshed_women(own_queue)
    redis_server.kill()

    for wait in (False, True):
        data = await Api(queue=own_queue).data(REFRESH, {"id": str(segment.id), "wait": wait})

        assert data["refreshSegment"] == {
            "jobId": None,
            "segment": None,
            "errors": [
                {
                    "field": None,
                    "code": "UNAVAILABLE",
                    "message": "The job queue is unreachable; nothing was queued. "
                    "Try again shortly.",
                }
            ],
        }
        row = await Segment.get(id=segment.id)
        assert (row.refresh_status, row.matched_customers_count) == (RefreshStatus.COMPLETED, 4)


async def test_refresh_queues_again_once_redis_is_back(
    store, redis_server: RedisServer, own_queue: ArqRedis
):
    segment = await _refreshed_women(own_queue)
    redis_server.kill()
    down = await Api(queue=own_queue).data(REFRESH, {"id": str(segment.id)})
    assert [e["code"] for e in down["refreshSegment"]["errors"]] == ["UNAVAILABLE"]

    await redis_server.start()
    data = await Api(queue=own_queue).data(REFRESH, {"id": str(segment.id)})

    assert data["refreshSegment"]["errors"] == []
    assert data["refreshSegment"]["segment"]["refreshStatus"] == "PENDING"
    assert await run_pending_jobs(own_queue) == 1
    assert (await Segment.get(id=segment.id)).refresh_status == RefreshStatus.COMPLETED


async def test_redis_lost_while_waiting_answers_unavailable_with_the_queued_job(
    store, redis_server: RedisServer, own_queue: ArqRedis
):
    segment = await _refreshed_women(own_queue)
    job_key = job_key_prefix + refresh_job_id(segment.id)
    waiting = asyncio.create_task(
        Api(queue=own_queue).data(REFRESH, {"id": str(segment.id), "wait": True})
    )
    while not await own_queue.exists(job_key):
        assert not waiting.done(), waiting.result()
        await asyncio.sleep(0.01)

    redis_server.kill()
    data = await asyncio.wait_for(waiting, 30)

    assert data["refreshSegment"] == {
        "jobId": refresh_job_id(segment.id),
        "segment": {"id": str(segment.id), "refreshStatus": "PENDING", "matchedCustomersCount": 4},
        "errors": [
            {
                "field": None,
                "code": "UNAVAILABLE",
                "message": "The job queue became unreachable while waiting; the job was queued "
                "and runs once it is back.",
            }
        ],
    }
