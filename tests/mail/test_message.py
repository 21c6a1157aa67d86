"""Automation messages: headers, parts and a Message-ID that survives retries."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
import time_machine

from models.mail.message import Mailbox, OutgoingMessage, build_message, message_id

UNSUBSCRIBE = (
    "https://shop.example.com/some/longer/path/unsubscribe/MTIzNDU2.cnJk_yco5Ov-ebubXsifV9"
)


def message(**fields: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "sender": Mailbox("shop@example.com", "Example Store"),
        "recipient": Mailbox("ann@example.com"),
        "subject": "Your 15% off",
        "html": "<p>Hello Ann</p>",
        "text": "Hello Ann",
        "message_id": message_id(42, "shop.example.com"),
        "unsubscribe_url": UNSUBSCRIBE,
    } | fields
    return build_message(**values)


def reparsed(built: OutgoingMessage) -> EmailMessage:
    parsed = message_from_bytes(built.data, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_message_id_is_the_same_for_every_attempt_of_a_row():
    assert message_id(42, "shop.example.com") == "<seq-progress-42@shop.example.com>"
    assert message_id(42, "shop.example.com") == message_id(42, "shop.example.com")
    assert message_id(43, "shop.example.com") != message_id(42, "shop.example.com")


@time_machine.travel("2025-11-20T09:30:00Z", tick=False)
def test_headers_as_received():
    received = reparsed(message(headers={"X-Segment": "7"}))

    assert [(name, str(value)) for name, value in received.items()] == [
        ("From", "Example Store <shop@example.com>"),
        ("To", "ann@example.com"),
        ("Subject", "Your 15% off"),
        ("Date", "Thu, 20 Nov 2025 09:30:00 +0000"),
        ("Message-ID", "<seq-progress-42@shop.example.com>"),
        ("List-Unsubscribe", f"<{UNSUBSCRIBE}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("X-Segment", "7"),
        ("MIME-Version", "1.0"),
        ("Content-Type", received["Content-Type"]),
    ]
    assert received.get_content_type() == "multipart/alternative"


def test_long_unsubscribe_url_is_written_on_one_line():
    wire = message().data

    assert f"\r\nList-Unsubscribe: <{UNSUBSCRIBE}>\r\n".encode() in wire


def test_text_then_html_parts_in_utf8_on_7bit_lines():
    built = message(html="<p>Grüße, Zoë</p>" + "x" * 1200, text="Grüße, Zoë")
    wire = built.data
    received = reparsed(built)

    assert wire.isascii()
    lines = [line for line in wire.split(b"\r\n") if not line.startswith(b"List-Unsubscribe:")]
    assert max(len(line) for line in lines) <= 78
    parts = [
        (part.get_content_type(), part.get_content_charset(), part.get_content())
        for part in received.iter_parts()
    ]
    assert parts == [
        ("text/plain", "utf-8", "Grüße, Zoë\r\n"),
        ("text/html", "utf-8", "<p>Grüße, Zoë</p>" + "x" * 1200 + "\r\n"),
    ]


def test_utf8_subject_and_names_are_encoded_and_read_back():
    built = message(
        sender=Mailbox("shop@example.com", "Café, Ltd"),
        recipient=Mailbox("zoe@example.com", 'Zoë "Z" O\'Neil'),
        subject="Zoë, your coupon\nis waiting – 15% off",
    )
    wire = built.data
    received = reparsed(built)

    assert wire.isascii()
    assert str(received["Subject"]) == "Zoë, your coupon is waiting – 15% off"
    assert [(a.display_name, a.addr_spec) for a in received["From"].addresses] == [
        ("Café, Ltd", "shop@example.com")
    ]
    assert [(a.display_name, a.addr_spec) for a in received["To"].addresses] == [
        ('Zoë "Z" O\'Neil', "zoe@example.com")
    ]


def test_mailbox_headers_quote_specials_and_collapse_whitespace():
    assert Mailbox("shop@example.com").header() == "shop@example.com"
    assert Mailbox("shop@example.com", "  Example\nStore ").header() == (
        "Example Store <shop@example.com>"
    )
    assert Mailbox("shop@example.com", 'Shop, "Best" Inc.').header() == (
        '"Shop, \\"Best\\" Inc." <shop@example.com>'
    )


def test_a_line_break_in_the_unsubscribe_url_is_refused():
    with pytest.raises(ValueError) as raised:
        message(unsubscribe_url="https://x.example/u\r\nBcc: victim@example.com")

    assert str(raised.value) == "List-Unsubscribe may not contain line breaks"
