"""SMTP PIPELINING (RFC 2920): MAIL FROM, RCPT TO and DATA in one write where the server allows it,
with every refusal handled as smtplib handles it and the connection still usable afterwards."""

import smtplib
import socket
import threading

import pytest
from django.core.mail import EmailMessage, mailers

from outbox import sender
from outbox.backends import PipeliningSMTP
from outbox.models import OutboxMessage
from outbox.services import enqueue
from tests.e2e.conftest import free_port
from tests.outbox.conftest import Catcher

pytestmark = pytest.mark.django_db


class ScriptedServer:
    """A bare SMTP server on a socket. With `pipelining` it advertises PIPELINING and answers
    nothing until MAIL FROM, RCPT TO and DATA have all arrived: a client that waits for each answer
    waits for ever (the test fails on its timeout). Without it, it answers each command at once."""

    def __init__(self, *, pipelining: bool, mail_answer: bytes = b"250 2.1.0 OK", hang_up: bool = False):
        self.pipelining = pipelining
        self.mail_answer = mail_answer + b"\r\n"
        self.hang_up = hang_up  # close the connection after answering MAIL, RCPT and DATA
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(10)
        self.commands: list[bytes] = []
        self.first_batch: list[bytes] = []  # the lines that were there at once after EHLO
        self.data = b""
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
            conn.settimeout(5)
            reader = conn.makefile("rb")
            conn.sendall(b"220 scripted ESMTP\r\n")
            self.commands.append(reader.readline())
            extensions = b"250-scripted\r\n250-SIZE 1000000\r\n"
            conn.sendall(extensions + (b"250 PIPELINING\r\n" if self.pipelining else b"250 HELP\r\n"))
            answers = {b"MAIL": self.mail_answer, b"RCPT": b"250 2.1.5 OK\r\n", b"DATA": b"354 go on\r\n"}
            pending = []
            while True:
                line = reader.readline()
                if not line:
                    return
                self.commands.append(line)
                verb = line[:4].upper()
                if verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                if verb in (b"RSET", b"NOOP"):
                    conn.sendall(b"250 OK\r\n")
                    continue
                pending.append(answers[verb])
                if self.pipelining and verb != b"DATA":
                    continue  # not a word until DATA has come too
                if self.pipelining and not self.first_batch:
                    self.first_batch = list(self.commands[1:])
                conn.sendall(b"".join(pending))
                pending.clear()
                if self.hang_up:
                    conn.close()
                    return
                if verb == b"DATA":
                    while not self.data.endswith(b"\r\n.\r\n"):
                        self.data += reader.readline()
                    conn.sendall(b"250 2.0.0 queued\r\n")
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.listener.close()


def use_server(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "outbox.backends.SMTPBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.mark.parametrize("pipelining", [True, False], ids=["server-pipelines", "server-does-not"])
def test_the_commands_go_in_one_write_only_when_the_server_advertises_pipelining(pipelining, settings):
    server = ScriptedServer(pipelining=pipelining)
    use_server(settings, server.port)

    body = "Hello\n.\n.hidden line\nbye"
    message = EmailMessage("Pipelined", body, "Campaign <no-reply@example.org>", ["ana@example.org"])
    assert mailers.default.send_messages([message]) == 1
    server.thread.join(10)

    assert server.error is None
    commands = [line.upper() for line in server.commands]  # smtplib writes them in lower case
    assert [command[:4] for command in commands] == [b"EHLO", b"MAIL", b"RCPT", b"DATA", b"QUIT"]
    assert commands[1].startswith(b"MAIL FROM:<NO-REPLY@EXAMPLE.ORG> SIZE=")
    assert commands[2] == b"RCPT TO:<ANA@EXAMPLE.ORG>\r\n"
    if pipelining:
        assert [line[:4].upper() for line in server.first_batch] == [b"MAIL", b"RCPT", b"DATA"]
    # Dot-stuffed as the protocol asks: a line that starts with "." gets another.
    assert b"\r\nHello\r\n..\r\n..hidden line\r\nbye\r\n.\r\n" in server.data


def test_it_refuses_a_command_with_a_line_break_before_writing_anything(settings):
    server = ScriptedServer(pipelining=True)
    use_server(settings, server.port)
    connection = PipeliningSMTP("127.0.0.1", server.port, timeout=5)

    with pytest.raises(ValueError):
        connection.sendmail("no-reply@example.org", ["ana@example.org>\r\nRCPT TO:<x@evil.example"], b"Hi")
    connection.quit()
    server.thread.join(10)

    assert [line[:4].upper() for line in server.commands] == [b"EHLO", b"QUIT"]


class RefusingCatcher(Catcher):
    """Refuses the sender when it is refused@, and the message when its subject says so."""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("refused@"):
            return "550 5.7.1 Sender not allowed"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if b"Subject: Note reject" in envelope.content:
            return "554 5.6.0 Message refused"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_smtp(settings):
    from aiosmtpd.controller import Controller

    catcher = RefusingCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_server(settings, controller.port)
    try:
        yield catcher
    finally:
        controller.stop()


def note(to, ref):
    return enqueue("tests.note", to, ref=ref)


def test_refusals_in_one_batch_leave_the_connection_usable_for_the_next_message(refusing_smtp, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    rows = [
        note("ana@example.org", "first"),
        note("refused@example.org", "unknown"),  # RCPT refused for good
        note("busy@example.org", "later"),  # RCPT refused for now
        note("ben@example.org", "reject"),  # DATA's content refused for good
        note("cleo@example.org", "last"),
    ]

    assert sender.send_batch("s1") == 5

    states = {}
    for row in rows:
        row.refresh_from_db()
        states[row.ref] = (row.status, row.last_error[:3])
    assert states == {
        "first": ("sent", ""),
        "unknown": ("failed", "550"),
        "later": ("pending", "451"),
        "reject": ("failed", "554"),
        "last": ("sent", ""),
    }
    assert refusing_smtp.sessions == 1
    assert sorted(m["To"] for m in refusing_smtp.messages) == ["ana@example.org", "cleo@example.org"]


def test_a_refused_sender_fails_each_message_with_the_reason_over_one_connection(refusing_smtp, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.DEFAULT_FROM_EMAIL = "Campaign <refused@example.org>"
    note("ana@example.org", "1")
    note("ben@example.org", "2")

    sender.send_batch("s1")

    failed = OutboxMessage.objects.filter(status="failed")
    assert sorted(row.last_error for row in failed) == ["550 5.7.1 Sender not allowed"] * 2
    assert refusing_smtp.sessions == 1
    assert refusing_smtp.messages == []


def test_a_server_that_refuses_the_sender_and_hangs_up_gives_the_refusal(settings):
    server = ScriptedServer(pipelining=True, mail_answer=b"554 5.7.1 Go away", hang_up=True)
    connection = PipeliningSMTP("127.0.0.1", server.port, timeout=5)

    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        connection.sendmail("no-reply@example.org", ["ana@example.org"], b"Subject: hi\r\n\r\nHi\r\n")

    assert refused.value.smtp_code == 554  # a permanent failure for the outbox, not a lost connection
    server.thread.join(10)
    assert server.error is None
