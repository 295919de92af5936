"""The environment is prepared by lionrock.config.testing (see pyproject's DJANGO_SETTINGS_MODULE)."""

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage as ReceivedEmail
from typing import Any

import pytest


@dataclass
class SmtpSink:
    """What a real SMTP server on 127.0.0.1 received, parsed: the CI stand-in for the agency's relay."""

    messages: list[ReceivedEmail] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """Starts aiosmtpd on 127.0.0.1 and points Django's SMTP backend at it, plain (no TLS)."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()
