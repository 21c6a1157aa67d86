"""What a claimed batch of progress rows needs to be delivered, read with one query per table.

Reading customer, subscription, step, send count, template, segment, store and rule row
by row cost a dozen round trips per message and capped delivery far below what SMTP
takes; read per batch they cost a dozen per hundred messages. Everything is read after
the claim, so a decision still rests on the state at the moment of sending.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, SequenceSendCount
from models.segments.orm import Segment
from models.store.customers import Customer, NewsletterSubscriber
from models.store.reads import store_names
from models.store.reference import NewsletterTemplate, SalesRule

SUBSCRIBED = 1
_CUSTOMER_FIELDS = ("id", "email", "firstname", "lastname", "store_id", "website_id")


@dataclass
class Batch:
    customers: dict[int, Customer]
    subscribed: set[int]
    steps: dict[int, EmailSequence]
    sends: dict[tuple[int, int], int]
    templates: dict[int, NewsletterTemplate]
    segments: dict[int, Segment]
    rules: dict[int, SalesRule]
    store_names: dict[int, str]
    # Automation mail each customer was sent in the rate window, oldest first; delivery
    # appends what it sends, so later rows of the same customer see it.
    sent_times: dict[int, list[datetime]] = field(default_factory=dict)

    @classmethod
    async def load(cls, rows: Sequence[SequenceProgress], since: datetime) -> Batch:
        customer_ids = {row.customer_id for row in rows}
        step_ids = {row.sequence_id for row in rows}
        # Only what a message and its store name read: a whole customer row per message
        # costs more to build into a model than the rest of the batch's reads together.
        customers = {
            c.id: c for c in await Customer.filter(id__in=customer_ids).only(*_CUSTOMER_FIELDS)
        }
        steps = {s.id: s for s in await EmailSequence.filter(id__in=step_ids)}
        rule_ids = {s.coupon_sales_rule_id for s in steps.values() if s.generate_coupon}
        return cls(
            customers=customers,
            subscribed={
                int(customer_id)  # type: ignore[call-overload]
                for customer_id in await NewsletterSubscriber.filter(
                    customer_id__in=customer_ids, subscriber_status=SUBSCRIBED
                ).values_list("customer_id", flat=True)
            },
            steps=steps,
            sends={
                (c.sequence_id, c.customer_id): c.sends
                for c in await SequenceSendCount.filter(
                    sequence_id__in=step_ids, customer_id__in=customer_ids
                )
            },
            templates={
                t.id: t
                for t in await NewsletterTemplate.filter(
                    id__in={s.template_id for s in steps.values()}
                )
            },
            segments={
                g.id: g
                for g in await Segment.filter(id__in={r.segment_id for r in rows})  # type: ignore[attr-defined]
            },
            rules={r.id: r for r in await SalesRule.filter(id__in=rule_ids - {None})},
            store_names=await store_names(customers.values()),
            sent_times=await _sent_since(customer_ids, since),
        )


async def _sent_since(customer_ids: set[int], since: datetime) -> dict[int, list[datetime]]:
    sent: dict[int, list[datetime]] = defaultdict(list)
    rows = (
        await SequenceProgress.filter(
            customer_id__in=customer_ids, status=ProgressStatus.SENT, sent_at__gt=since
        )
        .order_by("sent_at")
        .values_list("customer_id", "sent_at")
    )
    for customer_id, sent_at in rows:  # type: ignore[misc]
        sent[customer_id].append(sent_at)
    return sent
