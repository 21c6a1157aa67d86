"""A template rendered for a real customer as delivery would render it, without sending,
generating a coupon or writing anything (`renderNewsletterTemplate`).

The variables are assembled as delivery assembles them; a coupon step shows a sample code
with its sales rule's discount and the expiry a coupon generated now would get.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.automation.orm import EmailSequence, TriggerEvent
from models.automation.sql.batch import recipients
from models.automation.templates import get_template, template_not_found
from models.coupons.rules import problem_of
from models.db import connection, dialect
from models.errors import DomainError, ErrorCode, FieldError
from models.mail.links import unsubscribe_url
from models.mail.render import RenderedEmail, RenderError, render_email
from models.mail.variables import CouponDetails, template_variables
from models.segments.orm import Segment
from models.store.reference import SalesRule

SAMPLE_COUPON_CODE = "SAMPLE-CODE"
# The step number a template shows when no step is named.
DEFAULT_STEP_NUMBER = 1


@dataclass(frozen=True)
class PreviewLinks:
    """Where the unsubscribe link points and what signs it, as for real messages."""

    public_url: str
    secret: str


async def render_preview(
    template_id: int,
    customer_id: int,
    *,
    segment_id: int | None,
    step_number: int | None,
    links: PreviewLinks,
    now: datetime,
) -> RenderedEmail:
    """Subject, HTML and plain text of the template for the customer.

    With a segment its name is shown; with a segment and a step number naming an enter step
    that generates coupons, the coupon variables show SAMPLE_COUPON_CODE (otherwise they are
    empty). A coupon step whose sales rule is no longer usable is an error, as delivery would
    fail the message rather than send it without a code.
    """
    template = await get_template(template_id)
    errors: list[FieldError] = []
    if template is None:
        errors.append(_renamed(template_not_found(template_id), "template_id"))
    conn = connection()
    customer = (await recipients(conn, dialect(conn), [customer_id])).get(customer_id)
    if customer is None:
        message = f"Customer {customer_id} does not exist."
        errors.append(FieldError("customer_id", ErrorCode.NOT_FOUND, message))
    segment = None
    if segment_id is not None:
        segment = await Segment.get_or_none(id=segment_id)
        if segment is None:
            message = f"Segment {segment_id} does not exist."
            errors.append(FieldError("segment_id", ErrorCode.NOT_FOUND, message))
    if step_number is not None and step_number <= 0:
        message = "Step number must be greater than 0."
        errors.append(FieldError("step_number", ErrorCode.INVALID, message))
    if errors:
        raise DomainError(errors)
    assert template is not None and customer is not None
    number = step_number or DEFAULT_STEP_NUMBER
    coupon = None
    if segment is not None and step_number is not None:
        coupon = await _sample_coupon(segment.id, step_number, now)
    variables = template_variables(
        customer_firstname=customer.firstname,
        customer_lastname=customer.lastname,
        customer_email=customer.email,
        segment_name=segment.name if segment is not None else "",
        step_number=number,
        store_name=customer.store_name,
        unsubscribe_url=unsubscribe_url(links.public_url, links.secret, customer.id),
        coupon=coupon,
    )
    try:
        # The same three parts delivery sends.
        return render_email(template.subject, template.text, variables)
    except RenderError as error:
        raise DomainError.single(
            "template_id", ErrorCode.INVALID, f"Template {template.id}: {error}"
        ) from error


def _renamed(error: DomainError, field: str) -> FieldError:
    found = error.errors[0]
    return FieldError(field, found.code, found.message)


async def _sample_coupon(segment_id: int, step_number: int, now: datetime) -> CouponDetails | None:
    step = await EmailSequence.get_or_none(
        segment_id=segment_id, trigger_event=TriggerEvent.ENTER, step_number=step_number
    )
    if step is None or not step.generate_coupon:
        return None
    rule = (
        await SalesRule.get_or_none(id=step.coupon_sales_rule_id)
        if step.coupon_sales_rule_id is not None
        else None
    )
    problem = problem_of(rule)
    if problem is not None or rule is None:
        raise DomainError.single(
            "step_number", ErrorCode.INVALID, f"Coupon not generated: {problem}"
        )
    days = step.coupon_expires_days
    return CouponDetails(
        code=SAMPLE_COUPON_CODE,
        expires_at=now + timedelta(days=days) if days else None,
        simple_action=rule.simple_action,
        discount_amount=rule.discount_amount,
        description=rule.description,
    )
