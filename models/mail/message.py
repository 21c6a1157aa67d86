"""One automation mail: multipart text + HTML, a stable Message-ID and RFC 8058 headers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime


def message_id(progress_id: int, domain: str) -> str:
    """The same on every attempt of one progress row, so receivers can drop a duplicate."""
    return f"<seq-progress-{progress_id}@{domain}>"


def sender_address(name: str | None, email: str) -> str:
    """`"Name" <email>`, quoted as needed (a name like `Shop, Inc.` is one mailbox, not two)."""
    return str(Address(display_name=" ".join((name or "").split()), addr_spec=email))


class _OneLineHeader(str):
    """A header value written unfolded.

    The email package folds a long header without spaces by turning it into RFC 2047
    encoded words, which makes the `<URL>` of List-Unsubscribe unreadable to receivers.
    A URL fits the 998-character line limit, so it is written on one line instead.
    """

    name: str

    def __new__(cls, name: str, value: str) -> _OneLineHeader:
        if "\r" in value or "\n" in value:
            raise ValueError(f"{name} may not contain line breaks")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    html: str,
    text: str,
    message_id: str,
    unsubscribe_url: str,
    headers: Mapping[str, str] = {},  # noqa: B006 - read only
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    # A subject is one line; a customer name with a line break must not end the header.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = _OneLineHeader("List-Unsubscribe", f"<{unsubscribe_url}>")
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in headers.items():
        message[name] = value
    # Quoted-printable keeps the message 7-bit clean, so it passes servers without 8BITMIME.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message
