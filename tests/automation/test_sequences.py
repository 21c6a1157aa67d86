"""Saving email sequence steps: Maho's messages, each on its input field, all at once, and
nothing stored when any is found."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.automation import sequences as sequences_module
from models.automation.orm import EmailSequence, TriggerEvent
from models.automation.sequences import (
    NO_ACTIVE_STEP,
    check_auto_email_allowed,
    create_sequence,
    get_sequence,
    segment_has_active_step,
    sequences_of,
    update_sequence,
)
from models.errors import DomainError, ErrorCode, FieldError
from tests.automation.step_rows import segment, step, step_data, step_table, steps_of, template
from tests.coupons.rows import sales_rule

EXCLUDED = {"id", "created_at", "updated_at"}


def problems(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str | None, ErrorCode, str]]:
    return [(e.field, e.code, e.message) for e in error.value.errors]


def stored(row: EmailSequence) -> dict[str, Any]:
    return {
        "segment_id": row.segment_id,  # type: ignore[attr-defined]
        "trigger_event": row.trigger_event,
        "template_id": row.template_id,
        "step_number": row.step_number,
        "delay_minutes": row.delay_minutes,
        "is_active": row.is_active,
        "max_sends": row.max_sends,
        "generate_coupon": row.generate_coupon,
        "coupon_sales_rule_id": row.coupon_sales_rule_id,
        "coupon_prefix": row.coupon_prefix,
        "coupon_expires_days": row.coupon_expires_days,
    }


async def test_create_stores_every_field(db):
    s = await segment()
    await template(1)
    await sales_rule(5)

    created = await create_sequence(
        step_data(
            s.id,
            2,
            trigger_event="exit",
            delay_minutes=90,
            is_active=False,
            max_sends=3,
            generate_coupon=True,
            coupon_sales_rule_id=5,
            coupon_prefix=" Cart1 ",
            coupon_expires_days=0,
        )
    )

    assert stored(await EmailSequence.get(id=created.id)) == {
        "segment_id": s.id,
        "trigger_event": TriggerEvent.EXIT,
        "template_id": 1,
        "step_number": 2,
        "delay_minutes": 90,
        "is_active": False,
        "max_sends": 3,
        "generate_coupon": True,
        "coupon_sales_rule_id": 5,
        "coupon_prefix": "Cart1",
        "coupon_expires_days": 0,
    }
    assert await get_sequence(created.id) is not None


async def test_defaults_are_an_active_enter_step_sent_at_once_once_without_coupon(db):
    s = await segment()
    await template(1)

    created = await create_sequence(step_data(s.id, 1, coupon_prefix="  "))

    assert stored(await EmailSequence.get(id=created.id)) == {
        "segment_id": s.id,
        "trigger_event": TriggerEvent.ENTER,
        "template_id": 1,
        "step_number": 1,
        "delay_minutes": 0,
        "is_active": True,
        "max_sends": 1,
        "generate_coupon": False,
        "coupon_sales_rule_id": None,
        "coupon_prefix": None,
        "coupon_expires_days": 30,
    }


async def test_every_problem_is_reported_at_once_on_its_field_and_nothing_stored(db):
    s = await segment()
    await template(1)
    await step(s.id, 1)
    before = await step_table()

    with pytest.raises(DomainError) as error:
        await create_sequence(
            step_data(
                s.id,
                0,
                template_id=None,
                delay_minutes=-1,
                max_sends=0,
                generate_coupon=True,
                coupon_sales_rule_id=None,
                coupon_prefix="SUMMER-SALE",
                coupon_expires_days=-1,
            )
        )

    assert problems(error) == [
        ("template_id", ErrorCode.REQUIRED, "Template ID is required."),
        ("step_number", ErrorCode.INVALID, "Step number must be greater than 0."),
        ("delay_minutes", ErrorCode.INVALID, "Delay minutes cannot be negative."),
        ("max_sends", ErrorCode.INVALID, "Max sends must be at least 1."),
        (
            "coupon_sales_rule_id",
            ErrorCode.REQUIRED,
            "Sales rule is required when coupon generation is enabled.",
        ),
        ("coupon_prefix", ErrorCode.INVALID, "Coupon prefix may contain only letters and digits."),
        ("coupon_prefix", ErrorCode.INVALID, "Coupon prefix must be at most 10 characters."),
        ("coupon_expires_days", ErrorCode.INVALID, "Coupon expiration days cannot be negative."),
    ]
    assert await step_table() == before


async def test_a_missing_segment_template_and_a_bad_trigger(db):
    s = await segment()
    await template(1)
    before = await step_table()

    with pytest.raises(DomainError) as error:
        await create_sequence(step_data(s.id + 1, 1, template_id=9, trigger_event="later"))

    assert problems(error) == [
        ("segment_id", ErrorCode.NOT_FOUND, f"Segment {s.id + 1} does not exist."),
        ("trigger_event", ErrorCode.INVALID, "Trigger must be enter or exit."),
        ("template_id", ErrorCode.NOT_FOUND, "Invalid newsletter template selected."),
    ]
    assert await step_table() == before


async def test_template_id_zero_is_missing(db):
    s = await segment()

    with pytest.raises(DomainError) as error:
        await create_sequence(step_data(s.id, 1, template_id=0))

    assert problems(error) == [("template_id", ErrorCode.REQUIRED, "Template ID is required.")]
    assert await step_table() == []


@pytest.mark.parametrize(
    ("trigger", "message"),
    [
        ("enter", "Step number 1 already exists for this segment enter trigger."),
        ("exit", "Step number 1 already exists for this segment exit trigger."),
    ],
)
async def test_a_step_number_is_unique_per_segment_and_trigger(db, trigger, message):
    s = await segment()
    await template(1)
    await step(s.id, 1, TriggerEvent(trigger))
    before = await step_table()

    with pytest.raises(DomainError) as error:
        await create_sequence(step_data(s.id, 1, trigger_event=trigger))

    assert problems(error) == [("step_number", ErrorCode.UNIQUE, message)]
    assert await step_table() == before


async def test_the_same_number_is_free_on_the_other_trigger_and_in_another_segment(db):
    s, other = await segment(), await segment("other")
    await template(1)
    first = await step(s.id, 1)

    exit_step = await create_sequence(step_data(s.id, 1, trigger_event=TriggerEvent.EXIT))
    elsewhere = await create_sequence(step_data(other.id, 1))

    assert await steps_of(s.id) == [(first.id, "enter", 1), (exit_step.id, "exit", 1)]
    assert await steps_of(other.id) == [(elsewhere.id, "enter", 1)]


@pytest.mark.parametrize(
    ("rule", "code", "message"),
    [
        (None, ErrorCode.NOT_FOUND, "Sales rule does not exist."),
        ({"is_active": False}, ErrorCode.INVALID, "Sales rule is not active."),
        (
            {"coupon_type": "none"},
            ErrorCode.INVALID,
            "Sales rule must be configured for specific coupon codes.",
        ),
        (
            {"use_auto_generation": False},
            ErrorCode.INVALID,
            "Sales rule must have auto-generation enabled.",
        ),
    ],
)
async def test_a_coupon_step_needs_a_usable_sales_rule(db, rule, code, message):
    s = await segment()
    await template(1)
    if rule is not None:
        await sales_rule(5, **rule)

    with pytest.raises(DomainError) as error:
        await create_sequence(step_data(s.id, 1, generate_coupon=True, coupon_sales_rule_id=5))

    assert problems(error) == [("coupon_sales_rule_id", code, message)]
    assert await step_table() == []


async def test_without_coupon_generation_the_rule_is_not_checked(db):
    s = await segment()
    await template(1)

    created = await create_sequence(step_data(s.id, 1, coupon_sales_rule_id=99))

    assert (await EmailSequence.get(id=created.id)).coupon_sales_rule_id == 99


@pytest.mark.parametrize(
    ("prefix", "kept"), [("A", "A"), ("abc123XYZ0", "abc123XYZ0"), (None, None), ("", None)]
)
async def test_a_prefix_of_up_to_ten_letters_and_digits_is_kept(db, prefix, kept):
    s = await segment()
    await template(1)

    created = await create_sequence(step_data(s.id, 1, coupon_prefix=prefix))

    assert (await EmailSequence.get(id=created.id)).coupon_prefix == kept


@pytest.mark.parametrize(
    ("prefix", "messages"),
    [
        ("ABCDEFGHIJK", ["Coupon prefix must be at most 10 characters."]),
        ("CA RT", ["Coupon prefix may contain only letters and digits."]),
        ("SUMMER_25", ["Coupon prefix may contain only letters and digits."]),
        ("CAFÉ", ["Coupon prefix may contain only letters and digits."]),
    ],
)
async def test_other_prefixes_are_refused(db, prefix, messages):
    s = await segment()
    await template(1)

    with pytest.raises(DomainError) as error:
        await create_sequence(step_data(s.id, 1, coupon_prefix=prefix))

    assert problems(error) == [("coupon_prefix", ErrorCode.INVALID, m) for m in messages]
    assert await step_table() == []


async def test_limits_are_inclusive(db):
    s = await segment()
    await template(1)

    created = await create_sequence(
        step_data(s.id, 1, delay_minutes=0, max_sends=1, coupon_expires_days=0)
    )

    assert (created.delay_minutes, created.max_sends, created.coupon_expires_days) == (0, 1, 0)


async def test_two_creates_of_one_step_number_at_once_store_one(db):
    s = await segment()
    await template(1)

    outcomes = await asyncio.gather(
        create_sequence(step_data(s.id, 1, delay_minutes=5)),
        create_sequence(step_data(s.id, 1, delay_minutes=6)),
        return_exceptions=True,
    )

    created = [o for o in outcomes if isinstance(o, EmailSequence)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(created), len(refused)) == (1, 1)
    assert refused[0].errors == [
        FieldError(
            "step_number",
            ErrorCode.UNIQUE,
            "Step number 1 already exists for this segment enter trigger.",
        )
    ]
    assert await steps_of(s.id) == [(created[0].id, "enter", 1)]


async def test_a_number_taken_after_the_check_is_the_same_field_error(db, monkeypatch):
    s = await segment()
    await template(1)
    real_validate = sequences_module._validate

    async def validate_then_lose_the_race(conn, data, segment_exists, exclude_id):
        values = await real_validate(conn, data, segment_exists, exclude_id)
        # Another writer takes the number between the check and the insert.
        await EmailSequence.create(using_db=conn, segment_id=s.id, template_id=1, step_number=1)
        return values

    monkeypatch.setattr(sequences_module, "_validate", validate_then_lose_the_race)

    with pytest.raises(DomainError) as error:
        await create_sequence(step_data(s.id, 1))

    assert problems(error) == [
        (
            "step_number",
            ErrorCode.UNIQUE,
            "Step number 1 already exists for this segment enter trigger.",
        )
    ]
    assert await step_table() == []


async def test_update_replaces_the_settings_and_may_keep_its_own_number(db):
    s = await segment()
    await template(1)
    await template(2)
    await sales_rule(5)
    created = await create_sequence(step_data(s.id, 1))

    updated = await update_sequence(
        created.id,
        step_data(
            s.id,
            1,
            template_id=2,
            delay_minutes=60,
            max_sends=2,
            generate_coupon=True,
            coupon_sales_rule_id=5,
            coupon_prefix="WB",
            coupon_expires_days=14,
        ),
    )

    assert updated.id == created.id
    assert stored(await EmailSequence.get(id=created.id)) == {
        "segment_id": s.id,
        "trigger_event": TriggerEvent.ENTER,
        "template_id": 2,
        "step_number": 1,
        "delay_minutes": 60,
        "is_active": True,
        "max_sends": 2,
        "generate_coupon": True,
        "coupon_sales_rule_id": 5,
        "coupon_prefix": "WB",
        "coupon_expires_days": 14,
    }


async def test_update_may_move_a_step_to_another_segment_and_trigger(db):
    s, other = await segment(), await segment("other")
    await template(1)
    created = await create_sequence(step_data(s.id, 1))

    await update_sequence(created.id, step_data(other.id, 3, trigger_event="exit"))

    assert await steps_of(s.id) == []
    assert await steps_of(other.id) == [(created.id, "exit", 3)]


async def test_update_to_a_taken_number_or_a_missing_segment_changes_nothing(db):
    s = await segment()
    await template(1)
    first = await step(s.id, 1)
    await step(s.id, 2)
    before = await step_table()

    with pytest.raises(DomainError) as taken:
        await update_sequence(first.id, step_data(s.id, 2))
    with pytest.raises(DomainError) as missing:
        await update_sequence(first.id, step_data(s.id + 1, 1, delay_minutes=-5))

    assert problems(taken) == [
        (
            "step_number",
            ErrorCode.UNIQUE,
            "Step number 2 already exists for this segment enter trigger.",
        )
    ]
    assert problems(missing) == [
        ("segment_id", ErrorCode.NOT_FOUND, f"Segment {s.id + 1} does not exist."),
        ("delay_minutes", ErrorCode.INVALID, "Delay minutes cannot be negative."),
    ]
    assert await step_table() == before


async def test_updating_a_missing_step_is_not_found(db):
    s = await segment()
    await template(1)
    existing = await step(s.id, 1)
    before = await step_table()

    with pytest.raises(DomainError) as error:
        await update_sequence(existing.id + 1, step_data(s.id, 2))

    assert problems(error) == [
        ("id", ErrorCode.NOT_FOUND, f"Email sequence {existing.id + 1} does not exist.")
    ]
    assert await step_table() == before
    assert await get_sequence(existing.id + 1) is None


async def test_steps_are_listed_enter_first_then_by_number(db):
    s, other = await segment(), await segment("other")
    exit2 = await step(s.id, 2, TriggerEvent.EXIT)
    enter2 = await step(s.id, 2)
    exit1 = await step(s.id, 1, TriggerEvent.EXIT)
    enter1 = await step(s.id, 1)
    await step(other.id, 1)

    everything = await sequences_of(s.id)
    exits = await sequences_of(s.id, TriggerEvent.EXIT)
    enters = await sequences_of(s.id, TriggerEvent.ENTER)

    assert [x.id for x in everything] == [enter1.id, enter2.id, exit1.id, exit2.id]
    assert [x.id for x in exits] == [exit1.id, exit2.id]
    assert [x.id for x in enters] == [enter1.id, enter2.id]
    assert await sequences_of(other.id + 1) == []


async def test_a_segment_has_an_active_step_only_when_one_is_active(db):
    s, inactive_only, empty = await segment(), await segment("b"), await segment("c")
    await step(s.id, 1, is_active=False)
    await step(s.id, 1, TriggerEvent.EXIT)
    await step(inactive_only.id, 1, is_active=False)

    assert await segment_has_active_step(s.id) is True
    assert await segment_has_active_step(inactive_only.id) is False
    assert await segment_has_active_step(empty.id) is False


async def test_automated_emails_switch_on_only_with_an_active_step(db):
    with_step, inactive_only = await segment(), await segment("b")
    already_on = await segment("c", auto_email_active=True)
    await step(with_step.id, 1)
    await step(inactive_only.id, 1, is_active=False)
    refused = FieldError("auto_email_active", ErrorCode.INVALID, NO_ACTIVE_STEP)

    assert await check_auto_email_allowed(with_step.id, True) is None
    assert await check_auto_email_allowed(inactive_only.id, True) == refused
    assert await check_auto_email_allowed(None, True) == refused
    assert await check_auto_email_allowed(inactive_only.id + 100, True) == refused
    # Switching off, or keeping on what is on already, is always allowed.
    assert await check_auto_email_allowed(inactive_only.id, False) is None
    assert await check_auto_email_allowed(None, False) is None
    assert await check_auto_email_allowed(already_on.id, True) is None
    assert NO_ACTIVE_STEP == (
        "Automated emails cannot be switched on: the segment has no active email sequence step."
    )
