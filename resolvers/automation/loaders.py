"""Per-request DataLoaders of automation relations, so lists never query once per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from models.automation import progress, stats
from models.automation.orm import EmailSequence, SequenceProgress
from models.automation.stats import StatusCounts
from models.automation.tracking import LinkClick, link_clicks_of
from models.store.reference import NewsletterTemplate
from resolvers.loaders import MappedLoader


class ProgressKey(NamedTuple):
    """A customer's newest rows: equal keys in one request share one fetch."""

    customer_id: int
    limit: int


async def _templates_by_id(ids: Iterable[int]) -> dict[int, NewsletterTemplate]:
    return {row.id: row for row in await NewsletterTemplate.filter(id__in=sorted(set(ids)))}


async def _sequences_by_segment(ids: Iterable[int]) -> dict[int, list[EmailSequence]]:
    wanted = sorted(set(ids))
    found: dict[int, list[EmailSequence]] = {segment_id: [] for segment_id in wanted}
    # "enter" sorts before "exit": the order of `emailSequences`.
    rows = await EmailSequence.filter(segment_id__in=wanted).order_by(
        "segment_id", "trigger_event", "step_number"
    )
    for row in rows:
        found[row.segment_id].append(row)  # type: ignore[attr-defined]
    return found


async def _step_counts(ids: Iterable[int]) -> dict[int, StatusCounts]:
    # Looked up per call rather than bound once, so a replaced module function is the one used.
    return await stats.step_stats_for(list(ids))


async def _progress_by_customer(keys: Iterable[ProgressKey]) -> dict[ProgressKey, list]:
    by_limit: dict[int, set[int]] = defaultdict(set)
    for key in keys:
        by_limit[key.limit].add(key.customer_id)
    found: dict[ProgressKey, list[SequenceProgress]] = {}
    for limit, customer_ids in by_limit.items():
        rows = await progress.progress_of_customers(customer_ids, limit)
        found.update({ProgressKey(c, limit): rows.get(c, []) for c in customer_ids})
    return found


class TemplateByIdLoader(MappedLoader[int, NewsletterTemplate | None]):
    fetch = staticmethod(_templates_by_id)


class SequencesBySegmentLoader(MappedLoader[int, list[EmailSequence]]):
    fetch = staticmethod(_sequences_by_segment)


class StepCountsBySequenceLoader(MappedLoader[int, StatusCounts]):
    fetch = staticmethod(_step_counts)


class ProgressByCustomerLoader(MappedLoader[ProgressKey, list[SequenceProgress]]):
    fetch = staticmethod(_progress_by_customer)


class LinkClicksByProgressLoader(MappedLoader[int, list[LinkClick]]):
    fetch = staticmethod(link_clicks_of)
