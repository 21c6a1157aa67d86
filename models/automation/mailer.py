"""What delivery needs from the process: where mail goes, how links are built, how long a
claim lasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from models.mail.message import Mailbox
from models.mail.transport import Transport

LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Mailer:
    """What delivery needs from the process: where mail goes and how links are built."""

    transport: Transport
    mail_from: str
    public_url: str
    secret: str
    # Parallel SMTP transactions; matches the transport's connections.
    concurrency: int = 4
    # How long a claimed row belongs to its worker before the sweep hands it back; renewed
    # right before its SMTP transaction, so it must outlast the slowest transaction.
    lease: timedelta = LEASE

    @property
    def message_domain(self) -> str:
        return Mailbox(self.mail_from).domain or "segmentql.local"
