"""Template and step mutations, and the template preview: thin calls into models/automation,
domain errors mapped into payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

import strawberry

from models.automation import orm, sequences, templates
from models.automation.preview import PreviewLinks, render_preview
from models.automation.secret import link_secret
from models.errors import DomainError
from models.store.reference import NewsletterTemplate as TemplateRow
from resolvers.automation.inputs import EmailSequenceInput, NewsletterTemplateInput
from resolvers.automation.payloads import payload_of, refused
from resolvers.automation.types import EmailSequence, NewsletterTemplate
from resolvers.context import Info
from resolvers.errors import Error
from resolvers.ids import parse_id
from resolvers.payloads import DeletePayload
from resolvers.permissions import CanWrite

# Where links in previews point when the context carries no settings (unit tests).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

TemplateId = Annotated[strawberry.ID, strawberry.argument(description="The template's id.")]
StepId = Annotated[strawberry.ID, strawberry.argument(description="The step's id.")]
TemplateFields = Annotated[
    NewsletterTemplateInput, strawberry.argument(description="Every field of the template.")
]
StepFields = Annotated[
    EmailSequenceInput, strawberry.argument(description="Every field of the step.")
]


@strawberry.type(description="The template as saved, or why it was not.")
class NewsletterTemplatePayload:
    newsletter_template: NewsletterTemplate | None = strawberry.field(
        description="Null when there are errors."
    )
    errors: list[Error] = strawberry.field(description="Empty when the template was saved.")


@strawberry.type(description="The step as saved, or why it was not.")
class EmailSequencePayload:
    email_sequence: EmailSequence | None = strawberry.field(
        description="Null when there are errors."
    )
    errors: list[Error] = strawberry.field(description="Empty when the step was saved.")


@strawberry.type(description="A template rendered for one customer; nothing sent or generated.")
class RenderedEmailPayload:
    subject: str | None = strawberry.field(description="The rendered subject line.")
    html: str | None = strawberry.field(description="The rendered HTML body.")
    text: str | None = strawberry.field(description="The plain-text part derived from the HTML.")
    errors: list[Error] = strawberry.field(description="Empty when the template rendered.")


async def _template_saved(save: Callable[[], Awaitable[TemplateRow]]) -> NewsletterTemplatePayload:
    return await payload_of(
        NewsletterTemplatePayload, "newsletter_template", save, NewsletterTemplate.of
    )


async def _step_saved(save: Callable[[], Awaitable[orm.EmailSequence]]) -> EmailSequencePayload:
    return await payload_of(EmailSequencePayload, "email_sequence", save, EmailSequence.of)


async def _deleted(delete: Callable[[], Awaitable[int]]) -> DeletePayload:
    return await payload_of(DeletePayload, "deleted_id", delete, lambda id: strawberry.ID(str(id)))


async def _preview_links(info: Info) -> PreviewLinks:
    settings = info.context.settings
    if settings is None:
        return PreviewLinks(public_url=DEFAULT_PUBLIC_URL, secret=await link_secret(None))
    return PreviewLinks(
        public_url=settings.public_url, secret=await link_secret(settings.secret_key)
    )


@strawberry.type
class TemplateMutation:
    @strawberry.mutation(permission_classes=[CanWrite], description="Stores a new template.")
    async def create_newsletter_template(self, input: TemplateFields) -> NewsletterTemplatePayload:
        return await _template_saved(lambda: templates.create_template(input.to_data()))

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Replaces every field; steps using the template send the new version.",
    )
    async def update_newsletter_template(
        self, id: TemplateId, input: TemplateFields
    ) -> NewsletterTemplatePayload:
        return await _template_saved(
            lambda: templates.update_template(parse_id(id, "id"), input.to_data())
        )

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Deletes a template, also while steps use it (their due rows then fail).",
    )
    async def delete_newsletter_template(self, id: TemplateId) -> DeletePayload:
        return await _deleted(lambda: templates.delete_template(parse_id(id, "id")))

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Renders a template for a real customer as a message would show it, "
        "without sending it or generating anything. With segmentId the segment's name is "
        "shown; with segmentId and the stepNumber of an enter step that generates coupons, "
        "the coupon variables show the code SAMPLE-CODE (otherwise they are empty).",
    )
    async def render_newsletter_template(
        self,
        info: Info,
        template_id: TemplateId,
        customer_id: Annotated[
            strawberry.ID, strawberry.argument(description="The customer to render for.")
        ],
        segment_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The segment whose step it is.")
        ] = None,
        step_number: Annotated[
            int | None,
            strawberry.argument(description="The enter step's number; shown as step_number."),
        ] = None,
    ) -> RenderedEmailPayload:
        try:
            rendered = await render_preview(
                parse_id(template_id, "templateId"),
                parse_id(customer_id, "customerId"),
                segment_id=None if segment_id is None else parse_id(segment_id, "segmentId"),
                step_number=step_number,
                links=await _preview_links(info),
                now=datetime.now(UTC),
            )
        except DomainError as exc:
            return refused(RenderedEmailPayload, exc)
        return RenderedEmailPayload(
            subject=rendered.subject, html=rendered.html, text=rendered.text, errors=[]
        )


@strawberry.type
class SequenceMutation:
    @strawberry.mutation(
        permission_classes=[CanWrite], description="Stores a new step of a segment's sequence."
    )
    async def create_email_sequence(self, input: StepFields) -> EmailSequencePayload:
        return await _step_saved(lambda: sequences.create_sequence(input.to_data()))

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Replaces every field. Deactivating the step or moving it to another "
        "segment or trigger skips its scheduled rows.",
    )
    async def update_email_sequence(self, id: StepId, input: StepFields) -> EmailSequencePayload:
        return await _step_saved(
            lambda: sequences.update_sequence(parse_id(id, "id"), input.to_data())
        )

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Deletes a step: its scheduled rows are skipped, the later steps of its "
        "trigger move up by one, sent history stays in the stats.",
    )
    async def delete_email_sequence(self, id: StepId) -> DeletePayload:
        return await _deleted(lambda: sequences.delete_sequence(parse_id(id, "id")))
