"""SMTP delivery against a real aiosmtpd server: answers, errors, connection reuse and bounds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from models.mail.message import Mailbox, OutgoingMessage, build_message, message_id
from models.mail.transport import (
    PermanentDeliveryError,
    SmtpTransport,
    TransientDeliveryError,
    parse_smtp_url,
)
from tests.mail.smtp_server import SmtpServer, unused_port


def mail(number: int = 1, recipient: str | None = None) -> OutgoingMessage:
    return build_message(
        sender=Mailbox("shop@example.com", "Example Store"),
        recipient=Mailbox(recipient or f"customer{number}@example.com"),
        subject=f"Offer {number}",
        html=f"<p>Offer {number}</p>",
        text=f"Offer {number}",
        message_id=message_id(number, "shop.example.com"),
        unsubscribe_url=f"https://shop.example.com/unsubscribe/t{number}",
    )


@pytest_asyncio.fixture
async def transport(smtp_server: SmtpServer) -> AsyncIterator[SmtpTransport]:
    transport = SmtpTransport(smtp_server.url, connections=1, timeout=10)
    yield transport
    await transport.close()


async def test_accepted_message_arrives_with_headers_and_both_parts(smtp_server, transport):
    await transport.send(mail(7))

    [received] = smtp_server.messages
    assert (received.mail_from, received.rcpt_tos) == (
        "shop@example.com",
        ["customer7@example.com"],
    )
    message = received.message
    assert (message["Message-ID"], message["List-Unsubscribe"]) == (
        "<seq-progress-7@shop.example.com>",
        "<https://shop.example.com/unsubscribe/t7>",
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [(part.get_content_type(), part.get_content()) for part in message.iter_parts()] == [
        ("text/plain", "Offer 7\r\n"),
        ("text/html", "<p>Offer 7</p>\r\n"),
    ]


async def test_550_is_permanent_and_nothing_is_received(smtp_server, transport):
    smtp_server.answer(550, times=1)

    with pytest.raises(PermanentDeliveryError) as raised:
        await transport.send(mail())

    assert (raised.value.code, raised.value.reason) == (550, "SMTP 550 5.1.1 Mailbox unavailable")
    assert smtp_server.messages == []


async def test_451_is_transient_and_the_next_attempt_is_delivered(smtp_server, transport):
    smtp_server.answer(451, times=1)

    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(mail())
    assert (raised.value.code, raised.value.reason) == (451, "SMTP 451 4.3.0 Try again later")
    assert smtp_server.messages == []

    await transport.send(mail())
    assert [m.message["Message-ID"] for m in smtp_server.messages] == [
        "<seq-progress-1@shop.example.com>"
    ]


@pytest.mark.parametrize(
    ("code", "error", "reason"),
    [
        (
            550,
            PermanentDeliveryError,
            "SMTP 550 5.1.1 Mailbox unavailable (recipient x@x.test)",
        ),
        (451, TransientDeliveryError, "SMTP 451 4.3.0 Try again later (recipient x@x.test)"),
    ],
)
async def test_refused_recipient(smtp_server, transport, code, error, reason):
    smtp_server.answer(code, recipient="x@x.test")

    with pytest.raises(error) as raised:
        await transport.send(mail(recipient="x@x.test"))
    await transport.send(mail(2))

    assert (type(raised.value), raised.value.code, raised.value.reason) == (error, code, reason)
    assert [m.rcpt_tos for m in smtp_server.messages] == [["customer2@example.com"]]


async def test_the_envelope_declares_the_exact_size_and_the_bytes_arrive_unchanged(
    smtp_server, transport
):
    message = mail(4)

    await transport.send(message)

    [received] = smtp_server.messages
    assert received.mail_options == [f"SIZE={len(message.data)}"]
    assert received.data == message.data


@pytest.mark.parametrize(
    "address",
    ["two words@example.com", "x@example.com> NOTIFY=NEVER", 'quote"d@example.com', ""],
)
async def test_an_address_that_would_break_the_command_line_is_refused_for_good(
    smtp_server, transport, address
):
    with pytest.raises(PermanentDeliveryError) as raised:
        await transport.send(mail(recipient=address or " "))

    assert raised.value.code is None
    assert raised.value.reason.startswith("SMTP cannot send this message: Address ")
    assert raised.value.reason.endswith(" cannot be sent on an SMTP command line")
    assert smtp_server.messages == []
    await transport.send(mail(2))
    assert [m.rcpt_tos for m in smtp_server.messages] == [["customer2@example.com"]]


async def test_a_non_ascii_address_travels_with_smtputf8():
    message = mail(5, recipient="jürgen@bücher.example")
    with SmtpServer(smtputf8=True) as server:
        transport = SmtpTransport(server.url, timeout=10)
        await transport.send(message)
        await transport.close()

    [received] = server.messages
    assert (received.rcpt_tos, received.mail_options, received.data) == (
        ["jürgen@bücher.example"],
        [f"SIZE={len(message.data)}", "SMTPUTF8"],
        message.data,
    )


async def test_a_non_ascii_address_to_a_server_without_smtputf8_is_refused_for_good(
    smtp_server, transport
):
    with pytest.raises(PermanentDeliveryError) as raised:
        await transport.send(mail(recipient="jürgen@bücher.example"))

    assert raised.value.reason == (
        "SMTP cannot send this message: SMTPUTF8 is not supported by this server"
    )
    assert smtp_server.messages == []


async def test_server_down_is_transient():
    port = unused_port()
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=5)

    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(mail())

    assert raised.value.code is None
    assert raised.value.reason.startswith(
        f"SMTP connection failed: Error connecting to 127.0.0.1 on port {port}:"
    )
    await transport.close()


async def test_timeout_is_transient(smtp_server):
    transport = SmtpTransport(smtp_server.url, timeout=0.5)
    smtp_server.hold()

    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(mail())

    assert raised.value.reason.startswith("SMTP timeout:")
    assert smtp_server.messages == []
    await transport.close()


async def test_sends_reuse_one_session(smtp_server, transport):
    for number in range(1, 6):
        await transport.send(mail(number))

    assert len(smtp_server.messages) == 5
    assert (smtp_server.sessions, smtp_server.open_sessions()) == (1, 1)


async def test_a_failed_send_discards_its_connection(smtp_server, transport):
    await transport.send(mail(1))
    smtp_server.answer(550, times=1)
    with pytest.raises(PermanentDeliveryError):
        await transport.send(mail(2))
    await transport.send(mail(3))

    assert [m.message["Subject"] for m in smtp_server.messages] == ["Offer 1", "Offer 3"]
    assert smtp_server.sessions == 2


async def test_a_session_the_server_closed_while_idle_is_replaced(smtp_server, transport):
    await transport.send(mail(1))
    await asyncio.to_thread(smtp_server.drop_connections)

    await transport.send(mail(2))

    assert [m.message["Subject"] for m in smtp_server.messages] == ["Offer 1", "Offer 2"]
    assert smtp_server.sessions == 2


async def test_a_pooled_session_cut_when_used_is_retried_once_on_a_fresh_one(
    smtp_server, transport
):
    await transport.send(mail(1))
    smtp_server.drop_at_mail(times=1)

    await transport.send(mail(2))

    assert [m.message["Subject"] for m in smtp_server.messages] == ["Offer 1", "Offer 2"]
    assert smtp_server.sessions == 2


async def test_a_fresh_session_cut_is_transient(smtp_server, transport):
    smtp_server.drop_at_mail(times=1)

    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(mail(1))

    assert raised.value.reason == "SMTP connection lost: Unexpected EOF received"
    assert (smtp_server.messages, smtp_server.sessions) == ([], 1)


async def test_concurrent_sends_use_at_most_the_configured_connections(smtp_server):
    transport = SmtpTransport(smtp_server.url, connections=2, timeout=10)
    smtp_server.hold()

    sends = [asyncio.create_task(transport.send(mail(number))) for number in range(1, 7)]
    await asyncio.to_thread(smtp_server.wait_held, 2)
    assert smtp_server.open_sessions() == 2
    smtp_server.release()
    await asyncio.gather(*sends)

    assert sorted(m.message["Subject"] for m in smtp_server.messages) == [
        f"Offer {number}" for number in range(1, 7)
    ]
    assert (smtp_server.sessions, smtp_server.peak_sessions) == (2, 2)
    await transport.close()
    await asyncio.to_thread(smtp_server.wait_closed)


async def test_close_ends_the_idle_sessions(smtp_server, transport):
    await transport.send(mail())

    await transport.close()

    await asyncio.to_thread(smtp_server.wait_closed)
    assert smtp_server.open_sessions() == 0


async def test_credentials_from_the_url_log_in():
    with SmtpServer(login=("mailer", "p@ss:word/1")) as server:
        transport = SmtpTransport(server.url)
        await transport.send(mail())
        await transport.close()

        assert len(server.messages) == 1


async def test_missing_credentials_are_transient_and_send_nothing():
    with SmtpServer(login=("mailer", "right")) as server:
        transport = SmtpTransport(f"smtp://127.0.0.1:{server.port}")

        with pytest.raises(TransientDeliveryError) as raised:
            await transport.send(mail())

        assert raised.value.reason == "SMTP 530 5.7.0 Authentication required"
        assert server.messages == []
        await transport.close()


async def test_refused_login_is_transient_and_sends_nothing():
    with SmtpServer(login=("mailer", "right")) as server:
        transport = SmtpTransport(server.url.replace("right", "wrong"))

        with pytest.raises(TransientDeliveryError) as raised:
            await transport.send(mail())

        assert raised.value.code == 535
        assert raised.value.reason == (
            "SMTP connection failed: SMTP 535 5.7.8 Authentication credentials invalid"
        )
        assert server.messages == []
        await transport.close()


def test_url_parsing():
    endpoint = parse_smtp_url("smtps://user%40x:p%2Fw@mail.example.com:465")
    assert (endpoint.hostname, endpoint.port, endpoint.username, endpoint.password) == (
        "mail.example.com",
        465,
        "user@x",
        "p/w",
    )
    assert endpoint.implicit_tls is True
    plain = parse_smtp_url("smtp://localhost")
    assert (plain.hostname, plain.port, plain.username, plain.implicit_tls) == (
        "localhost",
        None,
        None,
        False,
    )


WRONG_SCHEME = "SMTP_URL must start with smtp:// or smtps://"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://user:secret@mail.example.com",
            "SMTP_URL must start with smtp:// or smtps://, not http",
        ),
        (
            "mail.example.com:25",
            "SMTP_URL must start with smtp:// or smtps://, not mail.example.com",
        ),
        ("smtp://", "SMTP_URL has no host"),
        ("smtp://mail.example.com:port", "SMTP_URL has an invalid port"),
    ],
)
def test_invalid_urls_name_smtp_url_and_never_the_password(url, message):
    with pytest.raises(ValueError) as raised:
        parse_smtp_url(url)

    assert str(raised.value) == message
