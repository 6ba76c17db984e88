import email
import email.policy
import threading

import pytest

import outbox
from outbox.models import OutboxMessage
from tests.e2e.conftest import advertise_pipelining


@outbox.registry.builder("tests.note")
def build_note(message: OutboxMessage):
    if message.context.get("drop"):
        return None
    if message.context.get("explode"):
        raise RuntimeError("builder bug")
    ref = message.ref
    return outbox.Email(subject=f"Note {ref}", text=f"Hello {ref}", html=f"<p>Hello {ref}</p>")


class Catcher:
    """An SMTP server that accepts mail, except for addresses that ask to be refused (refused@,
    busy@); it advertises PIPELINING, as real mail servers do."""

    def __init__(self):
        self.messages = []
        self.sessions = 0
        self.lock = threading.Lock()
        # Set to N: the server answers "421 closing" to a session's MAIL FROM after N messages.
        self.closing_after = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        session.mails = 0
        return advertise_pipelining(responses)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.closing_after is not None and session.mails >= self.closing_after:
            return "421 4.7.0 Too many messages in this connection, closing"
        session.mails += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local == "refused":
            return "550 5.1.1 No such mailbox"
        if local == "busy":
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    from tests.e2e.conftest import free_port

    catcher = Catcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "outbox.backends.SMTPBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    try:
        yield catcher
    finally:
        controller.stop()
