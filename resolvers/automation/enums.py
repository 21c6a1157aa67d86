"""The enums of email automation as GraphQL shows them, each value described."""

from __future__ import annotations

from models.automation.orm import ProgressStatus, TriggerEvent
from resolvers.enums import described_enum

TriggerEventType = described_enum(
    TriggerEvent,
    name="TriggerEvent",
    description="What starts a sequence: a customer entering or exiting the segment.",
    values={
        TriggerEvent.ENTER: "The customer entered the segment.",
        TriggerEvent.EXIT: "The customer exited the segment; exits caused by making the "
        "segment inactive start no sequence.",
    },
)
ProgressStatusType = described_enum(
    ProgressStatus,
    name="ProgressStatus",
    description="Where a step of a customer's sequence stands: SCHEDULED waits for its time, "
    "SENDING is claimed by a worker, SENT, FAILED and SKIPPED are final.",
    values={
        ProgressStatus.SCHEDULED: "Waiting for scheduledAt (or for the rate limit to free).",
        ProgressStatus.SENDING: "Claimed by a worker under a lease; retried with the same "
        "Message-ID if the worker dies.",
        ProgressStatus.SENT: "Accepted by the SMTP server (or written to the outbox).",
        ProgressStatus.FAILED: "Given up: rejected (5xx), template or coupon unusable, or 5 "
        "transient failures; lastError says why.",
        ProgressStatus.SKIPPED: "Not sent: unsubscribed, customer gone, exited the segment, "
        "step removed or over maxSends; lastError says why.",
    },
)
