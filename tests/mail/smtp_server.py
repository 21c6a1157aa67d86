"""A real SMTP server for tests (aiosmtpd in its own thread) that can be told how to answer.

    with SmtpServer() as server:
        transport = SmtpTransport(server.url)
        server.answer(451, times=1)            # the next message is deferred
        server.answer(550, recipient="x@y")    # this address is refused at RCPT
        ...
        server.messages                         # accepted messages, parsed

It counts SMTP sessions (a session starts at EHLO) so tests can see connection reuse,
and can hold messages at DATA to observe concurrent sessions without timing guesses.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

ANSWER_TEXT = {
    250: "2.0.0 OK",
    451: "4.3.0 Try again later",
    550: "5.1.1 Mailbox unavailable",
}


def unused_port() -> int:
    """A port nothing listens on (the OS just handed it out and it was released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    message: EmailMessage
    mail_options: list[str]


@dataclass
class _Answer:
    code: int
    remaining: int | None

    def take(self) -> int:
        if self.remaining is not None:
            self.remaining -= 1
        return self.code

    @property
    def spent(self) -> bool:
        return self.remaining == 0


class _TrackedSMTP(SMTP):
    """Reports a session's end: aiosmtpd has no handler hook for a closed connection."""

    def connection_lost(self, error: Exception | None) -> None:
        self.event_handler.session_closed(self)
        super().connection_lost(error)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _TrackedSMTP(self.handler, **self.SMTP_kwargs)


class SmtpServer:
    """aiosmtpd on 127.0.0.1; also the handler its sessions call (from the server thread)."""

    def __init__(self, *, login: tuple[str, str] | None = None, smtputf8: bool = False) -> None:
        self.port = unused_port()
        self.login = login
        self.messages: list[ReceivedMessage] = []
        self.sessions = 0
        self.peak_sessions = 0
        self._open: set[SMTP] = set()
        self._default = _Answer(250, None)
        self._answer: _Answer | None = None
        self._recipient_answers: dict[str, _Answer] = {}
        self._drops = 0
        self._holding = False
        self._held = 0
        self._release = threading.Event()
        self._changed = threading.Condition()
        options: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
        if login is not None:
            # MAIL refuses unauthenticated sessions (handle_MAIL); aiosmtpd's own
            # auth_required would warn about plain-text AUTH on every connection.
            options.update(authenticator=self._authenticate, auth_require_tls=False)
        self._controller = _Controller(self, hostname="127.0.0.1", port=self.port, **options)

    @property
    def url(self) -> str:
        credentials = ""
        if self.login is not None:
            credentials = f"{quote(self.login[0], safe='')}:{quote(self.login[1], safe='')}@"
        return f"smtp://{credentials}127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
        self._controller.stop()

    # Steering, from the test.

    def answer(self, code: int, *, times: int | None = None, recipient: str | None = None) -> None:
        """Answer `code` (at DATA, or at RCPT for `recipient`) `times` times, or until changed."""
        with self._changed:
            rule = _Answer(code, times)
            if recipient is None:
                self._answer = rule
            else:
                self._recipient_answers[recipient] = rule

    def drop_at_mail(self, times: int = 1) -> None:
        """Cut the next `times` sessions at MAIL without an answer, as a dying server does."""
        with self._changed:
            self._drops = times

    def open_sessions(self) -> int:
        with self._changed:
            return len(self._open)

    def hold(self) -> None:
        """Keep every message waiting at DATA until `release()`."""
        with self._changed:
            self._holding = True
            self._release.clear()

    def release(self) -> None:
        with self._changed:
            self._holding = False
            self._release.set()

    def wait_held(self, count: int, timeout: float = 10) -> None:
        """Block until `count` messages are waiting at DATA (call via asyncio.to_thread)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._held >= count, timeout):
                raise AssertionError(f"{self._held} messages held, expected {count}")

    def wait_closed(self, timeout: float = 10) -> None:
        """Block until every session has ended (call via asyncio.to_thread)."""
        with self._changed:
            if not self._changed.wait_for(lambda: not self._open, timeout):
                raise AssertionError(f"{len(self._open)} sessions still open")

    def drop_connections(self, timeout: float = 10) -> None:
        """Close every open session from the server side, as an idle timeout does."""
        with self._changed:
            sessions = list(self._open)
        for session in sessions:
            if session.transport is not None:
                self._controller.loop.call_soon_threadsafe(session.transport.close)
        self.wait_closed(timeout)

    # Handler hooks, called by aiosmtpd in the server thread.

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list
    ) -> list[str]:
        session.host_name = hostname
        with self._changed:
            if server not in self._open:
                self._open.add(server)
                self.sessions += 1
                self.peak_sessions = max(self.peak_sessions, len(self._open))
        return responses

    def session_closed(self, server: SMTP) -> None:
        with self._changed:
            self._open.discard(server)
            self._changed.notify_all()

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.login is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        with self._changed:
            drop, self._drops = self._drops > 0, max(0, self._drops - 1)
        if drop and isinstance(server.transport, asyncio.Transport):
            # abort, not close: nothing written after it (the answer below) reaches the client.
            server.transport.abort()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return _reply(250)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        with self._changed:
            rule = self._recipient_answers.get(address)
            code = rule.take() if rule else 250
            if rule and rule.spent:
                del self._recipient_answers[address]
        if code != 250:
            return _reply(code)
        envelope.rcpt_tos.append(address)
        return _reply(250)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self._changed:
            holding = self._holding
            if holding:
                self._held += 1
                self._changed.notify_all()
        if holding:
            await asyncio.to_thread(self._release.wait)
        with self._changed:
            if holding:
                self._held -= 1
            rule = self._answer or self._default
            code = rule.take()
            if rule.spent:
                self._answer = None
            if code == 250:
                data = envelope.original_content or b""
                parsed = message_from_bytes(data, policy=default_policy)
                assert isinstance(parsed, EmailMessage)
                received = ReceivedMessage(
                    str(envelope.mail_from),
                    list(envelope.rcpt_tos),
                    data,
                    parsed,
                    list(envelope.mail_options),
                )
                self.messages.append(received)
        return _reply(code)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert self.login is not None
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
            self.login
        )
        # handled=False: aiosmtpd then answers a refusal with its 535 itself.
        return AuthResult(success=ok, handled=False)


def _reply(code: int) -> str:
    return f"{code} {ANSWER_TEXT.get(code, 'Test answer')}"
