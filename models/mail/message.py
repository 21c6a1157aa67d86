"""One automation mail, written straight to its wire form: multipart text + HTML, a stable
Message-ID and the RFC 8058 one-click headers.

Every automation message has the same shape, so it is written here with the standard
library's encoders (RFC 2047 headers, quoted-printable bodies) rather than built as an
`EmailMessage` and flattened. Building and flattening through the email package's
header registry cost over a millisecond per message, several times what rendering the
template costs, and capped sending well below what an SMTP server accepts.
"""

from __future__ import annotations

import binascii
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime

CRLF = "\r\n"
# RFC 5322's recommended line length; longer header values are folded.
_LINE = 78
# RFC 5322 "specials": a display name holding one of these is written as a quoted string.
_SPECIALS = re.compile(r'[][\\()<>@,:;".]')
_QUOTED = re.compile(r'[\\"]')
_FIELD_NAME = re.compile(r"[!-9;-~]+")


def message_id(progress_id: int, domain: str) -> str:
    """The same on every attempt of one progress row, so receivers can drop a duplicate."""
    return f"<seq-progress-{progress_id}@{domain}>"


@dataclass(frozen=True)
class Mailbox:
    """An address with an optional display name, as From and To show them."""

    address: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def header(self) -> str:
        """`Name <address>`: quoted when the name holds specials, RFC 2047 when not ASCII."""
        name = " ".join(self.name.split())
        if not name:
            return self.address
        if not name.isascii():
            return f"{_encoded(name, 'From')} <{self.address}>"
        if _SPECIALS.search(name):
            name = '"' + _QUOTED.sub(r"\\\g<0>", name) + '"'
        return f"{name} <{self.address}>"


@dataclass(frozen=True)
class OutgoingMessage:
    """A message ready for the transport: its envelope, what delivery records, and its bytes."""

    sender: Mailbox
    recipient: Mailbox
    subject: str
    message_id: str
    data: bytes

    @property
    def needs_smtputf8(self) -> bool:
        """An address outside ASCII can only travel to servers offering SMTPUTF8."""
        return not (self.sender.address.isascii() and self.recipient.address.isascii())


def build_message(
    *,
    sender: Mailbox,
    recipient: Mailbox,
    subject: str,
    html: str,
    text: str,
    message_id: str,
    unsubscribe_url: str,
    headers: Mapping[str, str] = {},  # noqa: B006 - read only
) -> OutgoingMessage:
    # A subject is one line; a customer name with a line break must not end the header.
    subject = " ".join(subject.split())
    if "\r" in unsubscribe_url or "\n" in unsubscribe_url:
        raise ValueError("List-Unsubscribe may not contain line breaks")
    boundary = f"=_{secrets.token_hex(12)}"
    lines = [
        f"From: {sender.header()}",
        f"To: {recipient.header()}",
        f"Subject: {_text_header(subject, 'Subject')}",
        f"Date: {format_datetime(datetime.now(UTC))}",
        f"Message-ID: {message_id}",
        # Written unfolded: folding a long URL would turn the `<URL>` into encoded words
        # that receivers cannot use, and a URL fits the 998-character line limit.
        f"List-Unsubscribe: <{unsubscribe_url}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    ]
    for name, value in headers.items():
        if not _FIELD_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a header name")
        lines.append(f"{name}: {_text_header(' '.join(value.split()), name)}")
    lines += [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        _part(boundary, "plain", text),
        _part(boundary, "html", html),
        f"--{boundary}--",
        "",
    ]
    # Addresses outside ASCII are written as UTF-8 (the message then needs SMTPUTF8);
    # everything else above is ASCII by construction.
    return OutgoingMessage(
        sender=sender,
        recipient=recipient,
        subject=subject,
        message_id=message_id,
        data=CRLF.join(lines).encode(),
    )


def _text_header(value: str, name: str) -> str:
    # An ASCII value that looks like an encoded word is encoded too, so it reads back as written.
    if value.isascii() and "=?" not in value:
        if len(name) + 2 + len(value) <= _LINE:
            return value
        return Header(value, header_name=name).encode(linesep=CRLF)
    return _encoded(value, name)


def _encoded(value: str, name: str) -> str:
    return Header(value, "utf-8", header_name=name).encode(linesep=CRLF)


def _part(boundary: str, subtype: str, content: str) -> str:
    """One UTF-8 part in quoted-printable, which keeps the message 7-bit clean, so it passes
    servers without 8BITMIME; its lines end in CRLF and stay within 76 characters."""
    body = CRLF.join(content.splitlines()) + CRLF
    encoded = binascii.b2a_qp(body.encode(), istext=True).decode("ascii")
    return (
        f"--{boundary}{CRLF}"
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
        f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}"
        f"{encoded}"
    )
