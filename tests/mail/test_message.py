"""Automation messages: headers, parts and a Message-ID that survives retries."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default
from typing import Any

import pytest
import time_machine

from models.mail.message import build_message, message_id, sender_address

UNSUBSCRIBE = (
    "https://shop.example.com/some/longer/path/unsubscribe/MTIzNDU2.cnJk_yco5Ov-ebubXsifV9"
)


def message(**fields: Any) -> EmailMessage:
    values: dict[str, Any] = {
        "sender": sender_address("Example Store", "shop@example.com"),
        "recipient": "ann@example.com",
        "subject": "Your 15% off",
        "html": "<p>Hello Ann</p>",
        "text": "Hello Ann",
        "message_id": message_id(42, "shop.example.com"),
        "unsubscribe_url": UNSUBSCRIBE,
    } | fields
    return build_message(**values)


def reparsed(built: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(built.as_bytes(policy=SMTP), policy=default)
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
    wire = message().as_bytes(policy=SMTP)

    assert f"\r\nList-Unsubscribe: <{UNSUBSCRIBE}>\r\n".encode() in wire


def test_text_then_html_parts_in_utf8_on_7bit_lines():
    built = message(html="<p>Grüße, Zoë</p>" + "x" * 1200, text="Grüße, Zoë")
    wire = built.as_bytes(policy=SMTP)
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
        sender=sender_address("Café, Ltd", "shop@example.com"),
        recipient=sender_address('Zoë "Z" O\'Neil', "zoe@example.com"),
        subject="Zoë, your coupon\nis waiting – 15% off",
    )
    wire = built.as_bytes(policy=SMTP)
    received = reparsed(built)

    assert wire.isascii()
    assert str(received["Subject"]) == "Zoë, your coupon is waiting – 15% off"
    assert [(a.display_name, a.addr_spec) for a in received["From"].addresses] == [
        ("Café, Ltd", "shop@example.com")
    ]
    assert [(a.display_name, a.addr_spec) for a in received["To"].addresses] == [
        ('Zoë "Z" O\'Neil', "zoe@example.com")
    ]


def test_sender_without_a_name_is_the_bare_address():
    assert sender_address(None, "shop@example.com") == "shop@example.com"
    assert sender_address("  Example\nStore ", "shop@example.com") == (
        "Example Store <shop@example.com>"
    )


def test_a_line_break_in_the_unsubscribe_url_is_refused():
    with pytest.raises(ValueError) as raised:
        message(unsubscribe_url="https://x.example/u\r\nBcc: victim@example.com")

    assert str(raised.value) == "List-Unsubscribe may not contain line breaks"
