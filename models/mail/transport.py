"""Where messages go: an SMTP server over reused connections, or `.eml` files in an outbox.

Both sit behind `Transport`; delivery only tells a permanent refusal (fail the row at
once) from a transient one (retry later) by the error class it catches.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from aiosmtplib import (
    SMTP,
    SMTPException,
    SMTPHeloError,
    SMTPNotSupported,
    SMTPRecipientRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPStatus,
)

from models.mail.message import OutgoingMessage


class Transport(Protocol):
    async def send(self, message: OutgoingMessage) -> None: ...

    async def close(self) -> None: ...


class DeliveryError(Exception):
    """A message was not accepted; `reason` is readable and names the SMTP code if any."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class PermanentDeliveryError(DeliveryError):
    """Refused for good (SMTP 5xx, an address the server cannot take): do not retry."""


class TransientDeliveryError(DeliveryError):
    """Not delivered this time (SMTP 4xx, connection refused or lost, timeout): retry later."""


# 530 "authentication required" means SMTP_URL lacks credentials: a setting to fix, after
# which the same message goes through, so it must not fail every due row for good.
_SETTING_CODES = frozenset({530})


def _response_error(code: int, text: str, detail: str = "") -> DeliveryError:
    permanent = 500 <= code < 600 and code not in _SETTING_CODES
    kind = PermanentDeliveryError if permanent else TransientDeliveryError
    return kind(f"SMTP {code} {text}{detail}", code)


def delivery_error(error: Exception) -> DeliveryError:
    """Classify what aiosmtplib raised while sending one message."""
    if isinstance(error, SMTPRecipientRefused):
        return _response_error(error.code, error.message, f" (recipient {error.recipient})")
    if isinstance(error, SMTPResponseException):
        return _response_error(error.code, error.message)
    if isinstance(error, SMTPNotSupported | ValueError):
        # E.g. a non-ASCII address to a server without SMTPUTF8: no retry will change that.
        return PermanentDeliveryError(f"SMTP cannot send this message: {error}")
    if isinstance(error, TimeoutError):
        return TransientDeliveryError(f"SMTP timeout: {error}")
    if isinstance(error, ConnectionError):
        return TransientDeliveryError(f"SMTP connection lost: {error}")
    return TransientDeliveryError(f"SMTP error: {error}")


@dataclass(frozen=True)
class SmtpEndpoint:
    hostname: str
    port: int | None
    username: str | None
    password: str | None
    implicit_tls: bool


def parse_smtp_url(url: str) -> SmtpEndpoint:
    """`smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://...` (implicit TLS)."""
    # Messages never repeat the URL: it may hold a password.
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(
            f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme or 'nothing'}"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError("SMTP_URL has an invalid port") from None
    if not parts.hostname:
        raise ValueError("SMTP_URL has no host")
    return SmtpEndpoint(
        hostname=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=parts.scheme == "smtps",
    )


class SmtpTransport:
    """Sends over at most `connections` SMTP sessions at once and keeps them open between sends.

    A connection is used by one send at a time; one that raised anything is closed, since
    after an error its session state is unknown, and the next send opens a fresh one.
    """

    def __init__(self, url: str, *, connections: int = 4, timeout: float = 30) -> None:
        if connections < 1:
            raise ValueError("connections must be at least 1")
        self._server = parse_smtp_url(url)
        self._timeout = timeout
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[SMTP] = []
        self._closed = False

    async def send(self, message: OutgoingMessage) -> None:
        async with self._slots:
            pooled = self._idle.pop() if self._idle else None
            if pooled is not None and not pooled.is_connected:
                pooled.close()
                pooled = None
            if pooled is not None:
                try:
                    await self._send_over(pooled, message)
                    return
                except ConnectionError:
                    # Servers close sessions left idle; that shows only when one is used
                    # again, so a fresh connection gets the message before it counts as failed.
                    pass
                except (SMTPException, OSError, ValueError) as error:
                    raise delivery_error(error) from error
            connection = await self._connect()
            try:
                await self._send_over(connection, message)
            except (SMTPException, OSError, ValueError) as error:
                raise delivery_error(error) from error

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        await asyncio.gather(*(self._quit(connection) for connection in idle))

    async def _connect(self) -> SMTP:
        server = self._server
        connection = SMTP(
            hostname=server.hostname,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.implicit_tls,
            start_tls=False if server.implicit_tls else None,
            timeout=self._timeout,
        )
        try:
            await connection.connect()
            await _greet(connection)
        except (SMTPException, OSError) as error:
            connection.close()
            # Refusals while connecting or logging in say nothing about this message (a
            # wrong password would otherwise fail every due row at once): retry later.
            if isinstance(error, SMTPResponseException):
                reason, code = f"SMTP {error.code} {error.message}", error.code
            else:
                reason, code = str(error), None
            raise TransientDeliveryError(f"SMTP connection failed: {reason}", code) from error
        return connection

    async def _send_over(self, connection: SMTP, message: OutgoingMessage) -> None:
        try:
            await _transaction(connection, message)
        except BaseException:
            connection.close()
            raise
        if self._closed:
            await self._quit(connection)
        else:
            self._idle.append(connection)

    @staticmethod
    async def _quit(connection: SMTP) -> None:
        try:
            await connection.quit()
        except (SMTPException, OSError):
            connection.close()


async def _greet(connection: SMTP) -> None:
    """EHLO (HELO from a server without ESMTP) right after connecting, so each transaction
    knows the server's extensions before its MAIL command."""
    if connection.is_ehlo_or_helo_needed:
        try:
            await connection.ehlo()
        except SMTPHeloError:
            if not connection.is_connected:
                raise
            await connection.helo()


# What would end an address on an SMTP command line or smuggle parameters into it.
_NOT_IN_ADDRESS = re.compile(r'[\s<>"]')


def _path(address: str, encoding: str) -> bytes:
    if not address or _NOT_IN_ADDRESS.search(address):
        raise ValueError(f"Address {address!r} cannot be sent on an SMTP command line")
    return b"<" + address.encode(encoding) + b">"


async def _transaction(connection: SMTP, message: OutgoingMessage) -> None:
    """MAIL, RCPT and DATA for one built message, as aiosmtplib's `sendmail` runs them for
    one recipient, without the work a built message does not need: its addresses are bare
    (no display names to parse out) and its lines already end in CRLF, so its SIZE is its
    length. No RSET after a refusal: the caller closes a connection that raised anything."""
    encoding = "ascii"
    options: list[bytes] = []
    if connection.supports_extension("size"):
        options.append(b"SIZE=%d" % len(message.data))
    if message.needs_smtputf8:
        if not connection.supports_extension("smtputf8"):
            raise SMTPNotSupported("SMTPUTF8 is not supported by this server")
        encoding = "utf-8"
        options.append(b"SMTPUTF8")
    sender = _path(message.sender.address, encoding)
    recipient = _path(message.recipient.address, encoding)
    response = await connection.execute_command(b"MAIL", b"FROM:" + sender, *options)
    if response.code != SMTPStatus.completed:
        raise SMTPSenderRefused(response.code, response.message, message.sender.address)
    response = await connection.execute_command(b"RCPT", b"TO:" + recipient)
    if response.code not in (SMTPStatus.completed, SMTPStatus.will_forward):
        raise SMTPRecipientRefused(response.code, response.message, message.recipient.address)
    await connection.data(message.data)


class OutboxTransport:
    """Writes each message to `<Message-ID>.eml`: a retried send replaces its earlier file."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, message: OutgoingMessage) -> Path:
        message_id = message.message_id.strip()
        if not message_id:
            raise ValueError("An outbox message needs a Message-ID")
        name = re.sub(r"[^A-Za-z0-9._@+-]", "_", message_id.strip("<>"))[:200]
        if name != message_id.strip("<>"):
            # Two ids that differ only in replaced characters must not share a file.
            name += "-" + hashlib.sha256(message_id.encode()).hexdigest()[:12]
        return self.directory / f"{name}.eml"

    async def send(self, message: OutgoingMessage) -> None:
        await asyncio.to_thread(self._write, self.path_for(message), message.data)

    async def close(self) -> None:
        return None

    def _write(self, path: Path, data: bytes) -> None:
        # Written beside the target and renamed over it, so a reader never sees half a file.
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def transport_for(smtp_url: str | None, outbox_dir: str, *, connections: int = 4) -> Transport:
    """SMTP when SMTP_URL is set (up to `connections` kept open), otherwise the `.eml` outbox."""
    if smtp_url:
        return SmtpTransport(smtp_url, connections=connections)
    return OutboxTransport(Path(outbox_dir))
