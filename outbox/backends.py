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


# A bare address of the common form (a dot-atom local part, an ASCII domain of plain labels): what
# Django's prep_address returns for it is the address itself, without parsing it as a header.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, sending the bytes providers expect (see outbox.headers), DKIM-signed
    when DKIM is configured (outbox.dkim).

    Django's `_send` serialises with the stock SMTP policy, which encodes a long `List-Unsubscribe`;
    this one is the same steps with the platform's policy, its Message-ID domain and the signature.
    """

    # Set by the outbox's transport: called with the bytes ready, just before they are sent.
    before_delivery = None

    def prep_address(self, address, force_ascii=True):
        if type(address) is str and _PLAIN_ADDRESS.fullmatch(address):
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
        message = headers.complete(email_message.message(policy=headers.POLICY), email_message.extra_headers)
        raw = dkim.sign(headers.as_bytes(message, message_id=message["Message-ID"] or ""))
        if self.before_delivery is not None:
            self.before_delivery()
        try:
            self.connection.sendmail(from_email, recipients, raw)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
