"""Newsletter templates made over the API: validated whole, rendered-syntax checked on save.

Templates also arrive with the store's data under the store's ids (the id column is not
generated), so one made here takes the next free id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from models.db import transaction
from models.errors import DomainError, ErrorCode, FieldError
from models.mail.render import template_problems
from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size
from models.store.reference import NewsletterTemplate

CODE_MAX_LENGTH = 150
TEXT_FIELD_MAX_LENGTH = 255
TEMPLATE_CURSOR = "newsletter_template"
# Two creates at once read the same largest id; the loser tries again with the next one.
ID_ATTEMPTS = 5
# Plausible, not RFC 5322: one @, no spaces, a dot in the domain. Delivery is the real test.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

TemplatePage = Page[NewsletterTemplate]


@dataclass
class TemplateData:
    """Everything an admin sets on a template (the GraphQL `NewsletterTemplateInput`)."""

    code: str
    subject: str
    text: str = ""
    sender_name: str | None = None
    sender_email: str | None = None


def template_not_found(template_id: int) -> DomainError:
    return DomainError.single(
        "id", ErrorCode.NOT_FOUND, f"Newsletter template {template_id} does not exist."
    )


def _blank_to_none(value: str | None) -> str | None:
    value = value.strip() if value is not None else None
    return value or None


def _check_length(field: str, label: str, value: str, errors: list[FieldError]) -> None:
    if len(value) > TEXT_FIELD_MAX_LENGTH:
        message = f"{label} must be at most {TEXT_FIELD_MAX_LENGTH} characters."
        errors.append(FieldError(field, ErrorCode.INVALID, message))


def validate_template(data: TemplateData) -> dict[str, str | None]:
    """The columns to store, or a DomainError listing every problem with its input field."""
    errors: list[FieldError] = []
    code = (data.code or "").strip()
    if not code:
        errors.append(FieldError("code", ErrorCode.REQUIRED, "Template code is required."))
    elif len(code) > CODE_MAX_LENGTH:
        errors.append(
            FieldError(
                "code",
                ErrorCode.INVALID,
                f"Template code must be at most {CODE_MAX_LENGTH} characters.",
            )
        )
    subject = (data.subject or "").strip()
    if not subject:
        errors.append(FieldError("subject", ErrorCode.REQUIRED, "Template subject is required."))
    else:
        _check_length("subject", "Template subject", subject, errors)
        errors += [FieldError("subject", ErrorCode.INVALID, p) for p in template_problems(subject)]
    text = data.text or ""
    errors += [FieldError("text", ErrorCode.INVALID, p) for p in template_problems(text)]
    sender_name = _blank_to_none(data.sender_name)
    if sender_name is not None:
        _check_length("sender_name", "Sender name", sender_name, errors)
    sender_email = _blank_to_none(data.sender_email)
    if sender_email is not None:
        if not _EMAIL.fullmatch(sender_email):
            message = "Sender email is not a valid address."
            errors.append(FieldError("sender_email", ErrorCode.INVALID, message))
        else:
            _check_length("sender_email", "Sender email", sender_email, errors)
    if errors:
        raise DomainError(errors)
    return {
        "code": code,
        "subject": subject,
        "text": text,
        "sender_name": sender_name,
        "sender_email": sender_email,
    }


async def _next_id(conn: BaseDBAsyncClient) -> int:
    top: list[Any] = (
        await NewsletterTemplate.all()
        .using_db(conn)
        .order_by("-id")
        .limit(1)
        .values_list("id", flat=True)
    )
    return int(top[0]) + 1 if top else 1


async def create_template(data: TemplateData) -> NewsletterTemplate:
    """Store a new template under the next free id."""
    values = validate_template(data)
    attempts_left = ID_ATTEMPTS
    while True:
        try:
            async with transaction() as tx:
                template_id = await _next_id(tx)
                return await NewsletterTemplate.create(using_db=tx, id=template_id, **values)
        except IntegrityError:
            # Only the id can collide: the table has no other unique key.
            attempts_left -= 1
            if not attempts_left:
                raise


async def update_template(template_id: int, data: TemplateData) -> NewsletterTemplate:
    """Replace a template's fields; steps using it send the new version from now on."""
    template = await NewsletterTemplate.get_or_none(id=template_id)
    if template is None:
        raise template_not_found(template_id)
    values = validate_template(data)
    template.update_from_dict(values)
    await template.save(update_fields=list(values))
    return template


async def delete_template(template_id: int) -> int:
    """Delete a template; allowed while steps use it (as in Maho), whose due rows then fail."""
    deleted = await NewsletterTemplate.filter(id=template_id).delete()
    if not deleted:
        raise template_not_found(template_id)
    return template_id


async def get_template(template_id: int) -> NewsletterTemplate | None:
    return await NewsletterTemplate.get_or_none(id=template_id)


def template_cursor(template: NewsletterTemplate | int) -> str:
    return encode_cursor(TEMPLATE_CURSOR, template if isinstance(template, int) else template.id)


async def templates_page(first: int | None, after: str | None) -> TemplatePage:
    """Templates in id order, keyset-paginated on id."""
    size = page_size(first)
    key = decode_cursor(after, TEMPLATE_CURSOR, (int,))
    query = NewsletterTemplate.all()
    matching = query
    if key is not None:
        query = query.filter(id__gt=key[0])
    rows = await query.order_by("id").limit(size + 1)
    return page_from_rows(rows, size, template_cursor, matching.count)
