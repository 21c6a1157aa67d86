"""What a claimed batch of progress rows needs to be delivered, read with one query per table.

Reading customer, subscription, step, send count, template, segment, store and rule row
by row cost a dozen round trips per message and capped delivery far below what SMTP
takes; read per batch they cost a handful per hundred messages. Everything is read after
the claim, so a decision still rests on the state at the moment of sending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from models.automation.orm import EmailSequence, SequenceProgress
from models.automation.sql import batch as sql
from models.automation.sql.batch import Recipient
from models.db import connection, dialect
from models.segments.orm import Segment
from models.store.reference import NewsletterTemplate, SalesRule


@dataclass
class Batch:
    recipients: dict[int, Recipient]
    subscribed: set[int]
    steps: dict[int, EmailSequence]
    sends: dict[tuple[int, int], int]
    templates: dict[int, NewsletterTemplate]
    segments: dict[int, Segment]
    rules: dict[int, SalesRule]
    # Automation mail each customer was sent in the rate window, oldest first; delivery
    # appends what it sends, so later rows of the same customer see it.
    sent_times: dict[int, list[datetime]] = field(default_factory=dict)

    @classmethod
    async def load(cls, rows: Sequence[SequenceProgress], since: datetime) -> Batch:
        conn = connection()
        kind = dialect(conn)
        customer_ids = {row.customer_id for row in rows}
        step_ids = {row.sequence_id for row in rows}
        steps = {s.id: s for s in await EmailSequence.filter(id__in=step_ids)}
        rule_ids = {s.coupon_sales_rule_id for s in steps.values() if s.generate_coupon}
        return cls(
            recipients=await sql.recipients(conn, kind, customer_ids),
            subscribed=await sql.subscribed(conn, kind, customer_ids),
            steps=steps,
            sends=await sql.send_counts(conn, kind, step_ids, customer_ids),
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
            sent_times=await sql.sent_since(conn, kind, customer_ids, since),
        )
