"""Awaiting a refresh job for `refreshSegment(wait: true)`."""

from __future__ import annotations

import logging

from arq.jobs import Job, ResultNotFound
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1


async def wait_for(job: Job, seconds: float) -> bool:
    """Wait until the job finished (successfully or not); False if it is still running.

    Raises Redis's errors: a queue that went away tells nothing about the job.
    """
    try:
        await job.result(timeout=seconds, poll_delay=POLL_SECONDS)
    except TimeoutError:
        return False
    except (RedisError, OSError):
        raise
    except ResultNotFound:
        pass  # finished and its result not kept: the segment row tells the outcome
    except Exception as exc:  # the job's own failure, recorded on the segment by the refresh
        log.info("refresh job %s failed: %s", job.job_id, exc)
    return True
