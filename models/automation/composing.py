"""The message of one claimed row, from what its batch read: who it goes to, the rendered
template with its coupon, and the tracking the privacy switches allow; or why the row
must not be sent."""

from __future__ import annotations

from dataclasses import dataclass

from models.automation.batch import Batch
from models.automation.mailer import Mailer
from models.automation.orm import ProgressStatus, SequenceProgress
from models.automation.scheduling import MAX_SENDS_REACHED
from models.automation.sequences import STEP_DELETED
from models.automation.settings import AutomationSettings
from models.coupons.orm import Coupon
from models.mail.instrument import instrument
from models.mail.links import unsubscribe_url
from models.mail.message import Mailbox, OutgoingMessage, build_message, message_id
from models.mail.render import RenderError, render_email
from models.mail.tracking import click_url, pixel_url
from models.mail.variables import CouponDetails, template_variables
from models.store.reference import SalesRule

NOT_SUBSCRIBED = "not subscribed"
CUSTOMER_GONE = "customer deleted"


class Undeliverable(Exception):
    """Ends one row's delivery with a final status and reason."""

    def __init__(self, status: ProgressStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Composed:
    message: OutgoingMessage
    template_id: int


def compose(
    mailer: Mailer,
    settings: AutomationSettings,
    batch: Batch,
    coupons: dict[int, Coupon | str],
    row: SequenceProgress,
) -> Composed:
    """The message, from what the batch read; raises Undeliverable when it must not be sent."""
    customer = batch.recipients.get(row.customer_id)
    if customer is None:
        raise Undeliverable(ProgressStatus.SKIPPED, CUSTOMER_GONE)
    if customer.id not in batch.subscribed:
        raise Undeliverable(ProgressStatus.SKIPPED, NOT_SUBSCRIBED)
    step = batch.steps.get(row.sequence_id)
    if step is None:
        raise Undeliverable(ProgressStatus.SKIPPED, STEP_DELETED)
    if batch.sends.get((step.id, customer.id), 0) >= step.max_sends:
        raise Undeliverable(ProgressStatus.SKIPPED, MAX_SENDS_REACHED)
    template = batch.templates.get(step.template_id)
    if template is None:
        raise Undeliverable(ProgressStatus.FAILED, f"Template {step.template_id} does not exist.")
    coupon = coupons.get(row.id)
    if isinstance(coupon, str):
        raise Undeliverable(ProgressStatus.FAILED, coupon)
    link = unsubscribe_url(mailer.public_url, mailer.secret, customer.id)
    variables = template_variables(
        customer_firstname=customer.firstname,
        customer_lastname=customer.lastname,
        customer_email=customer.email,
        segment_name=batch.segments[row.segment_id].name,  # type: ignore[attr-defined]
        step_number=row.step_number,
        store_name=customer.store_name,
        unsubscribe_url=link,
        coupon=None if coupon is None else _details(coupon, batch.rules[coupon.rule_id]),  # type: ignore[attr-defined]
    )
    try:
        rendered = render_email(template.subject, template.text, variables)
    except RenderError as error:
        raise Undeliverable(ProgressStatus.FAILED, f"Template {template.id}: {error}") from error
    message = build_message(
        sender=Mailbox(template.sender_email or mailer.mail_from, template.sender_name or ""),
        recipient=Mailbox(customer.email),
        subject=rendered.subject,
        html=_tracked(mailer, settings, row.id, rendered.html, link),
        text=rendered.text,
        message_id=message_id(row.id, mailer.message_domain),
        unsubscribe_url=link,
    )
    return Composed(message, template.id)


def _tracked(
    mailer: Mailer, settings: AutomationSettings, progress_id: int, html: str, unsubscribe: str
) -> str:
    """The HTML body with the open pixel and click redirects the privacy switches allow; the
    unsubscribe link stays direct (a redirect in front of it would count an unsubscribe
    as a click). The plain-text part is not touched."""
    if not (settings.open_tracking or settings.click_tracking):
        return html
    public, secret = mailer.public_url, mailer.secret
    return instrument(
        html,
        pixel_src=pixel_url(public, secret, progress_id) if settings.open_tracking else None,
        redirect=(lambda url: click_url(public, secret, progress_id, url))
        if settings.click_tracking
        else None,
        untracked=(unsubscribe, f"{public.rstrip('/')}/unsubscribe/"),
    )


def _details(coupon: Coupon, rule: SalesRule) -> CouponDetails:
    return CouponDetails(
        code=coupon.code,
        expires_at=coupon.expiration_date,
        simple_action=rule.simple_action,
        discount_amount=rule.discount_amount,
        description=rule.description,
    )
