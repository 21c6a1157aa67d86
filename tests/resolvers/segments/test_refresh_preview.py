"""previewSegment and refreshSegment: exact counts, the arq queue with a real Redis, dedup, wait."""

from __future__ import annotations

import asyncio

import pytest
from arq.constants import job_key_prefix, result_key_prefix
from arq.worker import FailedJobs

from gqlserver.worker import run_pending_jobs
from models.segments.orm import RefreshStatus, Segment, SegmentMember
from models.store.customers import Customer
from tasks.segments import refresh_job_id
from tests.graphql_client import make_settings
from tests.resolvers.segments.conftest import FEMALE, Api, segment_count
from tests.segments.trees import leaf, root

PREVIEW = """
mutation($input: SegmentInput!, $size: Int, $id: ID) {
  previewSegment(input: $input, sampleSize: $size, id: $id) {
    count sampleCustomerIds wouldEnter wouldExit errors { field code }
  }
}
"""
REFRESH = """
mutation($id: ID!, $wait: Boolean) {
  refreshSegment(id: $id, wait: $wait) {
    jobId
    segment { id refreshStatus matchedCustomersCount lastRefreshAt refreshError
              members { edges { node { customerId } } } }
    errors { field code message }
  }
}
"""

# Active women: 1, 3, 4, 7 (8 is inactive); on website 1 only: 1, 3, 7.
WOMEN_INPUT = {"name": "Women", "websiteIds": [1, 2], "conditions": FEMALE}


async def _women_segment(**fields) -> Segment:
    return await Segment.create(name="Women", website_ids=[1, 2], conditions=FEMALE, **fields)


async def _waiting_refresh(api: Api, queue, segment_id: int) -> asyncio.Task:
    """Start refreshSegment(wait: true) and return once its job is queued."""
    mutation = asyncio.create_task(api.data(REFRESH, {"id": str(segment_id), "wait": True}))
    job_key = job_key_prefix + refresh_job_id(segment_id)
    while not await queue.exists(job_key):
        assert not mutation.done(), mutation.result()
        await asyncio.sleep(0.01)
    return mutation


def _member_ids(payload: dict) -> list[str]:
    return [e["node"]["customerId"] for e in payload["segment"]["members"]["edges"]]


async def test_preview_counts_and_samples_without_storing(api, store):
    data = await api.data(PREVIEW, {"input": WOMEN_INPUT, "size": 2})

    assert data["previewSegment"] == {
        "count": 4,
        "sampleCustomerIds": ["1", "3"],
        "wouldEnter": None,
        "wouldExit": None,
        "errors": [],
    }
    assert await segment_count() == 0


async def test_preview_of_an_existing_segment_tells_who_would_enter_and_exit(api, store):
    segment = await _women_segment()
    # Stored members 1 (still matching) and 2 (a man: would exit).
    for cid in (1, 2):
        await SegmentMember.create(
            segment=segment, customer_id=cid, website_id=1, added_at=segment.created_at
        )
    narrowed = {**WOMEN_INPUT, "websiteIds": [1]}

    data = await api.data(PREVIEW, {"input": narrowed, "id": str(segment.id)})

    assert data["previewSegment"] == {
        "count": 3,
        "sampleCustomerIds": ["1", "3", "7"],
        "wouldEnter": 2,
        "wouldExit": 1,
        "errors": [],
    }
    assert sorted(m.customer_id for m in await SegmentMember.all()) == [1, 2]


@pytest.mark.parametrize(
    ("variables", "errors"),
    [
        (
            {
                "input": {
                    **WOMEN_INPUT,
                    "conditions": root(leaf("customer_attributes", "gender", "==", "other")),
                }
            },
            [("conditions.conditions[0].value", "VALUE_NOT_ALLOWED")],
        ),
        ({"input": WOMEN_INPUT, "size": 101}, [("sampleSize", "INVALID")]),
        ({"input": WOMEN_INPUT, "id": "999"}, [("id", "NOT_FOUND")]),
    ],
)
async def test_preview_errors(api, store, variables, errors):
    data = await api.data(PREVIEW, variables)

    payload = data["previewSegment"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == errors
    assert (payload["count"], payload["sampleCustomerIds"]) == (None, [])
    assert await segment_count() == 0


async def test_refresh_enqueues_one_job_per_segment(queued_api: Api, store, arq_queue):
    segment = await _women_segment()

    first = await queued_api.data(REFRESH, {"id": str(segment.id)})
    second = await queued_api.data(REFRESH, {"id": str(segment.id), "wait": False})

    job_id = refresh_job_id(segment.id)
    assert first["refreshSegment"] == {
        "jobId": job_id,
        "segment": {
            "id": str(segment.id),
            "refreshStatus": "PENDING",
            "matchedCustomersCount": 0,
            "lastRefreshAt": None,
            "refreshError": None,
            "members": {"edges": []},
        },
        "errors": [],
    }
    assert second["refreshSegment"]["jobId"] == job_id
    assert await arq_queue.zcard("arq:queue") == 1

    assert await run_pending_jobs(arq_queue) == 1

    row = await Segment.get(id=segment.id)
    assert (row.refresh_status, row.matched_customers_count) == (RefreshStatus.COMPLETED, 4)
    assert sorted(m.customer_id for m in await SegmentMember.all()) == [1, 3, 4, 7]


async def test_refresh_after_a_finished_one_runs_again(queued_api: Api, store, arq_queue):
    segment = await _women_segment()
    await queued_api.data(REFRESH, {"id": str(segment.id)})
    await run_pending_jobs(arq_queue)
    assert await arq_queue.exists(result_key_prefix + refresh_job_id(segment.id))
    await Customer.filter(id=7).update(gender="male")

    data = await queued_api.data(REFRESH, {"id": str(segment.id)})

    assert data["refreshSegment"]["jobId"] == refresh_job_id(segment.id)
    assert await run_pending_jobs(arq_queue) == 1
    assert sorted(m.customer_id for m in await SegmentMember.all()) == [1, 3, 4]


async def test_refresh_with_wait_answers_with_the_refreshed_segment(
    queued_api: Api, store, arq_queue
):
    segment = await _women_segment()

    mutation = await _waiting_refresh(queued_api, arq_queue, segment.id)
    assert await run_pending_jobs(arq_queue) == 1
    data = await mutation

    payload = data["refreshSegment"]
    assert payload["errors"] == []
    assert payload["segment"]["refreshStatus"] == "COMPLETED"
    assert payload["segment"]["matchedCustomersCount"] == 4
    assert payload["segment"]["lastRefreshAt"] is not None
    assert _member_ids(payload) == ["1", "3", "4", "7"]


async def test_refresh_wait_gives_up_after_the_configured_time(store, arq_queue):
    # The server's own settings, so the type checker holds them against ResolverSettings.
    settings = make_settings("sqlite://:memory:", SEGMENTQL_REFRESH_WAIT_SECONDS="0.2")
    api = Api(queue=arq_queue, settings=settings)
    segment = await _women_segment()

    data = await api.data(REFRESH, {"id": str(segment.id), "wait": True})

    assert data["refreshSegment"]["segment"]["refreshStatus"] == "PENDING"
    assert data["refreshSegment"]["errors"] == []
    # The job stays queued and runs later.
    assert await run_pending_jobs(arq_queue) == 1
    assert (await Segment.get(id=segment.id)).refresh_status == RefreshStatus.COMPLETED


@pytest.mark.parametrize(("segment_id", "code"), [("999", "NOT_FOUND"), ("x", "INVALID")])
async def test_refresh_of_missing_segment_enqueues_nothing(
    queued_api: Api, store, arq_queue, segment_id, code
):
    data = await queued_api.data(REFRESH, {"id": segment_id, "wait": True})

    assert data["refreshSegment"]["jobId"] is None
    assert data["refreshSegment"]["segment"] is None
    assert [(e["field"], e["code"]) for e in data["refreshSegment"]["errors"]] == [("id", code)]
    assert await arq_queue.zcard("arq:queue") == 0


async def test_failed_refresh_is_reported_on_the_segment(queued_api: Api, store, arq_queue):
    # Stored without validation, as an older release might have left it.
    segment = await _women_segment()
    await Segment.filter(id=segment.id).update(
        conditions=root(leaf("customer_attributes", "no_such", "==", 1))
    )
    await SegmentMember.create(
        segment=segment, customer_id=2, website_id=1, added_at=segment.created_at
    )

    mutation = await _waiting_refresh(queued_api, arq_queue, segment.id)
    with pytest.raises(FailedJobs):
        await run_pending_jobs(arq_queue)
    data = await mutation

    payload = data["refreshSegment"]
    assert payload["errors"] == []
    assert payload["segment"]["refreshStatus"] == "ERROR"
    assert "no_such" in payload["segment"]["refreshError"]
    # The old members stay.
    assert _member_ids(payload) == ["2"]


async def test_refresh_over_http_runs_on_the_in_process_worker(gql, store):
    created = await gql.data(
        'mutation { createSegment(input: {name: "All", websiteIds: [1]}) { segment { id } } }'
    )
    segment_id = created["createSegment"]["segment"]["id"]

    data = await gql.data(REFRESH, {"id": segment_id, "wait": True})

    assert data["refreshSegment"]["segment"]["refreshStatus"] == "COMPLETED"
    assert _member_ids(data["refreshSegment"]) == ["1", "2", "3", "6", "7"]
