"""A slow SMTP server that remembers when and on which session each message arrived.

It is `tests.mail.smtp_server.SmtpServer` (aiosmtpd in its own thread) with a random wait
before every answer at DATA, and a record per accepted message: its Message-ID, recipient,
the SMTP session it came on and the moment it was accepted; and per session, the moment
its connection ended. Times are `time.monotonic()` of this process, the clock the test
reads when it kills a worker.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
import time
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.mail.smtp_server import SmtpServer


@dataclass(frozen=True)
class Receipt:
    message_id: str
    recipient: str
    session: int
    at: float


class SlowSmtpServer(SmtpServer):
    """Waits `delay` seconds (uniform in the range) before answering each DATA."""

    def __init__(self, delay: tuple[float, float] = (0.005, 0.020), *, seed: int = 0) -> None:
        super().__init__()
        self.delay = delay
        self._random = random.Random(seed)
        self._numbers = itertools.count(1)
        self._record = threading.Lock()
        self._receipts: list[Receipt] = []
        self._session_ends: dict[int, float] = {}

    def __enter__(self) -> SlowSmtpServer:
        super().__enter__()
        return self

    def receipts(self) -> list[Receipt]:
        with self._record:
            return list(self._receipts)

    def session_ends(self) -> dict[int, float]:
        with self._record:
            return dict(self._session_ends)

    @staticmethod
    def _number(server: SMTP) -> int | None:
        return getattr(server, "chaos_session", None)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list
    ) -> list[str]:
        if self._number(server) is None:
            server.chaos_session = next(self._numbers)  # type: ignore[attr-defined]
        return await super().handle_EHLO(server, session, envelope, hostname, responses)

    def session_closed(self, server: SMTP) -> None:
        number = self._number(server)
        if number is not None:
            with self._record:
                self._session_ends[number] = time.monotonic()
        super().session_closed(server)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(self._random.uniform(*self.delay))
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250"):
            headers = BytesHeaderParser(policy=default_policy).parsebytes(
                envelope.original_content or b""
            )
            receipt = Receipt(
                message_id=str(headers["Message-ID"]),
                recipient=",".join(envelope.rcpt_tos),
                session=self._number(server) or 0,
                at=time.monotonic(),
            )
            with self._record:
                self._receipts.append(receipt)
        return reply
