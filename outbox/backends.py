"""Email backends: SMTP as providers expect it, and the embedded mode's readable console.

Django's console backend prints the raw MIME message, whose quoted-printable encoding breaks the
confirmation links across lines; here the headers that matter and the plain-text body are printed
as the signer would read them, so the link can be opened straight from the terminal.
"""

import re
import smtplib

from django.core.mail.backends import smtp
from django.core.mail.backends.console import EmailBackend as ConsoleBackend

from . import dkim, headers


class ReadableConsoleBackend(ConsoleBackend):
    def write_message(self, message):
        rule = "-" * 79
        lines = [
            rule,
            f"Email to: {', '.join(message.to)}",
            f"From: {message.from_email}",
            f"Subject: {message.subject}",
        ]
        for name, value in (message.extra_headers or {}).items():
            lines.append(f"{name}: {value}")
        for attachment in getattr(message, "attachments", []) or []:
            filename = getattr(attachment, "filename", None) or attachment[0]
            lines.append(f"Attachment: {filename}")
        lines += ["", message.body.rstrip(), rule, ""]
        self.stream.write("\n".join(lines))


_LEADING_DOT = re.compile(rb"(?m)^\.")


class _Pipelining:
    """smtplib's mail transaction in two round trips instead of four where the server allows it.

    A server that advertises PIPELINING (RFC 2920: Postfix, Exim and the providers' relays do) gets
    MAIL FROM, RCPT TO and DATA in one write and answers them together; the message follows once
    DATA is answered with 354. Every outcome is what `smtplib.SMTP.sendmail` returns or raises for
    the same answers, and the session is reset after any refusal, so the connection stays usable.
    A server without PIPELINING, or a call with ESMTP options, gets smtplib's own steps.
    """

    def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
        self.ehlo_or_helo_if_needed()
        if mail_options or rcpt_options or not isinstance(msg, bytes) or not self.has_extn("pipelining"):
            return super().sendmail(from_addr, to_addrs, msg, mail_options, rcpt_options)
        if isinstance(to_addrs, str):
            to_addrs = [to_addrs]
        size = f" SIZE={len(msg)}" if self.has_extn("size") else ""
        commands = [
            f"MAIL FROM:{smtplib.quoteaddr(from_addr)}{size}",
            *(f"RCPT TO:{smtplib.quoteaddr(address)}" for address in to_addrs),
            "DATA",
        ]
        if any("\r" in command or "\n" in command for command in commands):
            raise ValueError("command and arguments contain prohibited newline characters")
        self.send("".join(command + "\r\n" for command in commands))

        code, reply = self.getreply()
        if code != 250:
            self._refused(code, smtplib.SMTPSenderRefused(code, reply, from_addr), len(to_addrs))
        refused = {}
        for address in to_addrs:
            code, reply = self.getreply()
            if code not in (250, 251):
                refused[address] = (code, reply)
            if code == 421:
                self.close()
                raise smtplib.SMTPRecipientsRefused(refused)
        if len(refused) == len(to_addrs):
            self._refused(None, smtplib.SMTPRecipientsRefused(refused), 0)
        code, reply = self.getreply()
        if code != 354:
            self._refused(code, smtplib.SMTPDataError(code, reply), -1)
        data = _LEADING_DOT.sub(b"..", msg)  # dot-stuffing, as smtplib does
        if data[-2:] != b"\r\n":
            data += b"\r\n"
        self.send(data + b".\r\n")
        code, reply = self.getreply()
        if code != 250:
            self._refused(code, smtplib.SMTPDataError(code, reply), -1)
        return refused

    def _refused(self, code, error, unread):
        """End the transaction after a refusal and raise it. `unread`: the answers still to read
        (the recipients' and DATA's after a refused sender; -1 when none are)."""
        if code == 421:  # the server is closing the connection
            self.close()
            raise error
        try:
            replies = [self.getreply() for _ in range(unread + 1)] if unread >= 0 else []
            if replies and replies[-1][0] == 354:
                # A server that took DATA despite the refusal: an empty message, which it refuses.
                self.send(".\r\n")
                self.getreply()
        except smtplib.SMTPServerDisconnected:
            pass  # it hung up after refusing: the refusal is still the answer, as with smtplib
        self._rset()  # smtplib's, which ignores a closed connection
        raise error


class PipeliningSMTP(_Pipelining, smtplib.SMTP):
    pass


class PipeliningSMTP_SSL(_Pipelining, smtplib.SMTP_SSL):
    pass


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, sending the bytes providers expect (see outbox.headers), DKIM-signed
    when DKIM is configured (outbox.dkim).

    Django's `_send` serialises with the stock SMTP policy, which encodes a long `List-Unsubscribe`;
    this one is the same steps with the platform's policy, its Message-ID domain and the signature.
    """

    # Set by the outbox's transport: called with the bytes ready, just before they are sent.
    before_delivery = None

    @property
    def connection_class(self):
        return PipeliningSMTP_SSL if self.use_ssl else PipeliningSMTP

    def prep_address(self, address, force_ascii=True):
        if type(address) is str and headers.PLAIN_ADDRESS.fullmatch(address):
            return address
        return super().prep_address(address, force_ascii=force_ascii)

    def _send(self, email_message):
        if not email_message.recipients():
            return False
        # The sender's address is the same on every mail: parsed and checked once per backend.
        prepared = self.__dict__.setdefault("_prepared_from", {})
        if email_message.from_email not in prepared:
            prepared[email_message.from_email] = self.prep_address(email_message.from_email)
        from_email = prepared[email_message.from_email]
        recipients = [self.prep_address(address) for address in email_message.recipients()]
        raw = dkim.sign(headers.message_bytes(email_message))
        if self.before_delivery is not None:
            self.before_delivery()
        try:
            self.connection.sendmail(from_email, recipients, raw)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
