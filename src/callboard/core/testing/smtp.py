"""A real SMTP server for tests and ``make smoke``: aiosmtpd on 127.0.0.1, keeping what it gets.

    with Mailbox() as box:                       # a free port; box.port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", box.port
        ...
        message = box.wait_for(lambda m: m["To"] == "klara@example.org")

Each message arrives parsed (``email.message.EmailMessage``). ``refuse`` lists addresses the
server refuses for good (550), as a real server refuses an unknown mailbox.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.lower() in self.box.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self.box.lock:
            self.box.messages.append(message)
            self.box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class Mailbox:
    """An SMTP server on 127.0.0.1:``port`` (a free one by default); start/stop or ``with``."""

    def __init__(self, port: int | None = None, refuse: Iterable[str] = ()) -> None:
        self.port = port or free_port()
        self.refuse = {a.lower() for a in refuse}
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> Mailbox:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Mailbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)

    def wait_for(
        self, predicate: Callable[[EmailMessage], bool], timeout: float = 30.0
    ) -> EmailMessage:
        """The first message received that matches, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.received():
                if predicate(message):
                    return message
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no matching e-mail within {timeout:.0f} s "
                    f"({len(self.received())} received: "
                    f"{[str(m['Subject']) for m in self.received()]})"
                )
            time.sleep(0.1)


def text_of(message: EmailMessage) -> str:
    """The plain-text body of a received message."""
    part = message.get_body(preferencelist=("plain",))
    return "" if part is None else str(part.get_content())
