"""A real SMTP server on a free local port that keeps every message it receives (aiosmtpd)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any


@dataclass
class Inbox:
    """What the server at 127.0.0.1:`port` has received, raw, in arrival order."""

    port: int
    received: list[bytes] = field(default_factory=list)

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(raw, _class=EmailMessage, policy=policy.default)
            for raw in list(self.received)
        ]

    def wait_for(
        self,
        wanted: Callable[[EmailMessage], bool],
        timeout: float,
        explain: Callable[[], str] = lambda: "",
    ) -> EmailMessage:
        """The first message `wanted` accepts, waiting up to `timeout` seconds for it; on time
        out, fail with what did arrive and `explain()`."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages():
                if wanted(message):
                    return message
            if time.monotonic() > deadline:
                subjects = [m["Subject"] for m in self.messages()]
                raise AssertionError(
                    f"no wanted e-mail within {timeout:.0f}s; received {subjects}\n{explain()}"
                )
            time.sleep(1)


@contextmanager
def local_smtp() -> Iterator[Inbox]:
    """Serve SMTP on 127.0.0.1 (no TLS, no login) until the block ends."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = Inbox(port)

    class Handler:
        async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
            inbox.received.append(envelope.content)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
