"""Newsletter template CRUD: every problem reported at once on its input field, nothing half
stored, ids allocated after the store's own."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.automation import templates as templates_module
from models.automation.orm import EmailSequence
from models.automation.templates import (
    TemplateData,
    create_template,
    delete_template,
    get_template,
    template_cursor,
    templates_page,
    update_template,
)
from models.errors import DomainError, ErrorCode
from models.mail.render import template_problems
from models.pagination import encode_cursor
from models.segments.orm import Segment
from models.store.reference import NewsletterTemplate

GOOD_TEXT = "<p>Hello {{var customer_firstname}}, use {{var coupon_code}}.</p>"
UNKNOWN_VARIABLE = "<p>Hello {{var password}}</p>"
UNCLOSED = "<p>Hello {{var customer_name</p>"


def data(**fields: Any) -> TemplateData:
    values: dict[str, Any] = {
        "code": "welcome",
        "subject": "Welcome, {{var customer_firstname}}",
        "text": GOOD_TEXT,
        "sender_name": "Demo Store",
        "sender_email": "shop@example.com",
    }
    values.update(fields)
    return TemplateData(**values)


def problems(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str | None, ErrorCode, str]]:
    return [(e.field, e.code, e.message) for e in error.value.errors]


async def table() -> list[dict[str, Any]]:
    return await NewsletterTemplate.all().order_by("id").values()


async def test_create_stores_the_trimmed_template_under_id_1(db):
    created = await create_template(
        data(code="  welcome ", subject=" Hi {{var customer_name}} ", sender_name="  ")
    )

    assert created.id == 1
    assert await table() == [
        {
            "id": 1,
            "code": "welcome",
            "subject": "Hi {{var customer_name}}",
            "text": GOOD_TEXT,
            "sender_name": None,
            "sender_email": "shop@example.com",
        }
    ]


async def test_a_new_template_takes_the_id_after_the_largest_imported_one(db):
    await NewsletterTemplate.create(id=40, code="imported", subject="s", text="t")

    first = await create_template(data(code="a"))
    second = await create_template(data(code="b"))

    assert (first.id, second.id) == (41, 42)


async def test_templates_created_at_once_get_distinct_ids(db):
    made = await asyncio.gather(*(create_template(data(code=f"t{i}")) for i in range(4)))

    assert sorted(t.id for t in made) == [1, 2, 3, 4]
    assert sorted(r["code"] for r in await table()) == ["t0", "t1", "t2", "t3"]


async def test_an_id_taken_meanwhile_is_retried_with_the_next(db, monkeypatch):
    await NewsletterTemplate.create(id=1, code="first", subject="s", text="t")
    stale = iter([1])
    real_next_id = templates_module._next_id

    async def next_id(conn):
        # The first attempt read the largest id before another create committed id 1.
        return next(stale, None) or await real_next_id(conn)

    monkeypatch.setattr(templates_module, "_next_id", next_id)

    created = await create_template(data(code="second"))

    assert created.id == 2
    assert [(r["id"], r["code"]) for r in await table()] == [(1, "first"), (2, "second")]


async def test_every_problem_is_reported_at_once_on_its_field_and_nothing_stored(db):
    text = UNKNOWN_VARIABLE + UNCLOSED
    with pytest.raises(DomainError) as error:
        await create_template(data(code="  ", subject="", text=text, sender_email="not an address"))

    expected_text = template_problems(text)
    assert len(expected_text) == 2
    assert problems(error) == [
        ("code", ErrorCode.REQUIRED, "Template code is required."),
        ("subject", ErrorCode.REQUIRED, "Template subject is required."),
        *[("text", ErrorCode.INVALID, message) for message in expected_text],
        ("sender_email", ErrorCode.INVALID, "Sender email is not a valid address."),
    ]
    assert await table() == []


async def test_a_broken_subject_is_reported_on_the_subject(db):
    with pytest.raises(DomainError) as error:
        await create_template(data(subject="Hi {{var password}}"))

    messages = template_problems("Hi {{var password}}")
    assert messages
    assert problems(error) == [("subject", ErrorCode.INVALID, m) for m in messages]
    assert await table() == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"code": "c" * 151},
            ("code", ErrorCode.INVALID, "Template code must be at most 150 characters."),
        ),
        (
            {"subject": "s" * 256},
            ("subject", ErrorCode.INVALID, "Template subject must be at most 255 characters."),
        ),
        (
            {"sender_name": "n" * 256},
            ("sender_name", ErrorCode.INVALID, "Sender name must be at most 255 characters."),
        ),
        (
            {"sender_email": "a" * 250 + "@x.com"},
            ("sender_email", ErrorCode.INVALID, "Sender email must be at most 255 characters."),
        ),
        (
            {"sender_email": "shop@localhost"},
            ("sender_email", ErrorCode.INVALID, "Sender email is not a valid address."),
        ),
        (
            {"sender_email": "a@b@example.com"},
            ("sender_email", ErrorCode.INVALID, "Sender email is not a valid address."),
        ),
    ],
)
async def test_too_long_or_implausible_values_are_refused(db, fields, expected):
    with pytest.raises(DomainError) as error:
        await create_template(data(**fields))

    assert problems(error) == [expected]
    assert await table() == []


async def test_limits_are_inclusive_and_optional_fields_may_be_empty(db):
    created = await create_template(
        data(code="c" * 150, subject="s" * 255, text="", sender_name=None, sender_email=" ")
    )

    stored = await NewsletterTemplate.get(id=created.id)
    assert (len(stored.code), len(stored.subject), stored.text) == (150, 255, "")
    assert (stored.sender_name, stored.sender_email) == (None, None)


async def test_update_replaces_every_field(db):
    created = await create_template(data())

    updated = await update_template(
        created.id,
        data(code="renamed", subject="New", text="<p>x</p>", sender_name=None, sender_email=None),
    )

    assert updated.id == created.id
    assert await table() == [
        {
            "id": created.id,
            "code": "renamed",
            "subject": "New",
            "text": "<p>x</p>",
            "sender_name": None,
            "sender_email": None,
        }
    ]


async def test_an_invalid_update_changes_nothing(db):
    created = await create_template(data())
    before = await table()

    with pytest.raises(DomainError) as error:
        await update_template(created.id, data(code="", text=UNKNOWN_VARIABLE))

    assert [(f, c) for f, c, _ in problems(error)] == [
        ("code", ErrorCode.REQUIRED),
        ("text", ErrorCode.INVALID),
    ]
    assert await table() == before


async def test_updating_or_deleting_a_missing_template_is_not_found(db):
    created = await create_template(data())
    before = await table()
    missing = created.id + 1
    message = f"Newsletter template {missing} does not exist."

    with pytest.raises(DomainError) as updating:
        await update_template(missing, data(code="x"))
    with pytest.raises(DomainError) as deleting:
        await delete_template(missing)

    assert problems(updating) == [("id", ErrorCode.NOT_FOUND, message)]
    assert problems(deleting) == [("id", ErrorCode.NOT_FOUND, message)]
    assert await get_template(missing) is None
    assert await table() == before


async def test_a_template_steps_use_can_be_deleted_and_the_steps_stay(db):
    created = await create_template(data())
    other = await create_template(data(code="other"))
    segment = await Segment.create(name="s", website_ids=[1])
    step = await EmailSequence.create(segment_id=segment.id, template_id=created.id, step_number=1)

    assert await delete_template(created.id) == created.id

    assert await get_template(created.id) is None
    assert [r["id"] for r in await table()] == [other.id]
    assert (await EmailSequence.get(id=step.id)).template_id == created.id


async def test_templates_are_paged_in_id_order(db):
    for template_id in (5, 2, 9, 7, 3):
        await NewsletterTemplate.create(id=template_id, code=f"t{template_id}", subject="s")

    first = await templates_page(2, None)
    second = await templates_page(2, first.end_cursor)
    last = await templates_page(2, second.end_cursor)
    everything = await templates_page(None, None)

    assert ([t.id for t in first.items], first.has_next) == ([2, 3], True)
    assert ([t.id for t in second.items], second.has_next) == ([5, 7], True)
    assert ([t.id for t in last.items], last.has_next) == ([9], False)
    assert last.end_cursor == template_cursor(9)
    assert ([t.id for t in everything.items], everything.has_next) == ([2, 3, 5, 7, 9], False)


async def test_an_empty_page_and_a_foreign_cursor(db):
    empty = await templates_page(10, None)

    assert (empty.items, empty.end_cursor, empty.has_next) == ([], None, False)
    with pytest.raises(DomainError) as error:
        await templates_page(10, encode_cursor("segment", 1))
    assert problems(error) == [("after", ErrorCode.INVALID, "Invalid cursor.")]
