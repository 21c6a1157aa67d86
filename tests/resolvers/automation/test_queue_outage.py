"""Automation operations with the job queue's Redis gone: a typed UNAVAILABLE error where
nothing could be queued, and rows that are stored anyway waiting for the next run."""

from __future__ import annotations

import asyncio

from arq.connections import ArqRedis

from models.automation.orm import ProgressStatus, SequenceProgress
from tests.automation.step_rows import progress, step
from tests.redis_server import RedisServer
from tests.resolvers.automation.rows import shop_rows
from tests.resolvers.segments.conftest import Api

PROCESS = """
mutation($wait: Boolean) {
  processScheduledEmails(wait: $wait) {
    jobId sent failed skipped deferred retried errors { field code message }
  }
}"""
START = """
mutation($segment: ID!, $customer: ID!) {
  startEmailSequence(segmentId: $segment, customerId: $customer, trigger: ENTER) {
    scheduled { customerId status } errors { field code message }
  }
}"""
NOTHING_QUEUED = {
    "field": None,
    "code": "UNAVAILABLE",
    "message": "The job queue is unreachable; nothing was queued. Try again shortly.",
}


async def test_processing_with_redis_down_answers_unavailable_and_sends_nothing(
    db, redis_server: RedisServer, own_queue: ArqRedis
):
    shop = await shop_rows()
    due = await progress(await step(shop.segment_id, 1), 1)
    redis_server.kill()

    for wait in (False, True):
        data = await Api(queue=own_queue).data(PROCESS, {"wait": wait})

        assert data["processScheduledEmails"] == {
            "jobId": None,
            "sent": None,
            "failed": None,
            "skipped": None,
            "deferred": None,
            "retried": None,
            "errors": [NOTHING_QUEUED],
        }
    row = await SequenceProgress.get(id=due.id)
    assert (row.status, row.attempts) == (ProgressStatus.SCHEDULED, 0)


async def test_redis_lost_while_waiting_for_processing_answers_unavailable_with_the_job(
    db, redis_server: RedisServer, own_queue: ArqRedis
):
    await shop_rows()
    waiting = asyncio.create_task(Api(queue=own_queue).data(PROCESS, {"wait": True}))
    # No worker runs: the job stays queued until Redis goes.
    while not await own_queue.keys("arq:job:process-emails:*"):
        assert not waiting.done(), waiting.result()
        await asyncio.sleep(0.01)

    redis_server.kill()
    data = await asyncio.wait_for(waiting, 30)

    payload = data["processScheduledEmails"]
    assert payload["jobId"].startswith("process-emails:")
    assert payload["errors"] == [
        {
            "field": None,
            "code": "UNAVAILABLE",
            "message": "The job queue became unreachable while waiting; the job was queued "
            "and runs once it is back.",
        }
    ]


async def test_a_sequence_started_with_redis_down_is_stored_for_the_next_run(
    db, redis_server: RedisServer, own_queue: ArqRedis
):
    shop = await shop_rows()
    await step(shop.segment_id, 1)
    redis_server.kill()

    data = await Api(queue=own_queue).data(
        START, {"segment": str(shop.segment_id), "customer": "2"}
    )

    assert data["startEmailSequence"] == {
        "scheduled": [{"customerId": "2", "status": "SCHEDULED"}],
        "errors": [],
    }
    assert await SequenceProgress.all().values_list("customer_id", "status") == [
        (2, ProgressStatus.SCHEDULED)
    ]
