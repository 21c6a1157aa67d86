"""The `.eml` outbox: one file per Message-ID, replaced (not duplicated) by a retry."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes
from pathlib import Path

import pytest

from models.mail.message import Mailbox, OutgoingMessage, build_message, message_id
from models.mail.transport import OutboxTransport, SmtpTransport, transport_for


def names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def mail(progress_id: int, subject: str) -> OutgoingMessage:
    return build_message(
        sender=Mailbox("shop@example.com"),
        recipient=Mailbox("ann@example.com"),
        subject=subject,
        html=f"<p>{subject}</p>",
        text=subject,
        message_id=message_id(progress_id, "shop.example.com"),
        unsubscribe_url="https://shop.example.com/unsubscribe/t",
    )


async def test_one_file_per_message_id_and_a_resend_replaces_it(tmp_path: Path):
    outbox = OutboxTransport(tmp_path / "outbox")
    first, other, retried = mail(42, "First try"), mail(43, "Other"), mail(42, "Second try")

    await outbox.send(first)
    await outbox.send(other)
    await outbox.send(retried)
    await outbox.close()

    assert names(tmp_path / "outbox") == [
        "seq-progress-42@shop.example.com.eml",
        "seq-progress-43@shop.example.com.eml",
    ]
    written = (tmp_path / "outbox" / "seq-progress-42@shop.example.com.eml").read_bytes()
    assert written == retried.data
    assert message_from_bytes(written)["Subject"] == "Second try"


async def test_unsafe_characters_never_leave_the_directory(tmp_path: Path):
    outbox = OutboxTransport(tmp_path)
    message = replace(mail(1, "x"), message_id="<../../etc/passwd@example.com>")

    await outbox.send(message)

    [name] = names(tmp_path)
    assert name.startswith(".._.._etc_passwd@example.com-")
    assert name.endswith(".eml")
    assert "/" not in name


async def test_a_message_without_message_id_is_refused(tmp_path: Path):
    outbox = OutboxTransport(tmp_path)
    message = replace(mail(1, "x"), message_id="")

    with pytest.raises(ValueError) as raised:
        await outbox.send(message)

    assert str(raised.value) == "An outbox message needs a Message-ID"
    assert names(tmp_path) == []


async def test_transport_for_picks_smtp_when_configured(tmp_path: Path):
    outbox = transport_for(None, str(tmp_path / "out"))
    also_outbox = transport_for("", str(tmp_path / "out"))
    smtp = transport_for("smtp://127.0.0.1:2525", str(tmp_path / "out"))

    assert isinstance(outbox, OutboxTransport) and outbox.directory == tmp_path / "out"
    assert isinstance(also_outbox, OutboxTransport)
    assert isinstance(smtp, SmtpTransport)
    await smtp.close()
    with pytest.raises(ValueError) as raised:
        transport_for("https://user:secret@mail.example.com", str(tmp_path))
    assert str(raised.value) == "SMTP_URL must start with smtp:// or smtps://, not https"
    assert not (tmp_path / "out").exists()
