"""How a built message is delivered, per channel. "email" sends over one connection, kept by a busy
sender from batch to batch: SMTP, or a provider's API through django-anymail (EMAIL_URL).

A transport raises PermanentFailure (never retried: SMTP 5xx, an invalid address) or
TemporaryFailure (retried with backoff); `connection_lost` says the rest of the batch cannot go
over this connection.
"""

import smtplib

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core import mail

from . import headers
from .backends import SMTPBackend
from .mail import Attachment


class PermanentFailure(Exception):
    pass


class TemporaryFailure(Exception):
    def __init__(self, reason: str, *, connection_lost: bool = False):
        super().__init__(reason)
        self.connection_lost = connection_lost


def _smtp_reason(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"


def _raise_for_code(code: int, reason: str):
    if 500 <= code < 600:
        raise PermanentFailure(reason)
    raise TemporaryFailure(reason)


def django_message(message, email) -> mail.EmailMultiAlternatives:
    """The row and what its builder made, as one email with its headers: the only place they are set."""
    result = mail.EmailMultiAlternatives(
        email.subject,
        email.text,
        email.from_email or settings.DEFAULT_FROM_EMAIL,
        [message.to],
        headers={**headers.message_headers(message, email), **email.headers},
    )
    if email.html:
        result.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        if isinstance(attachment, Attachment):
            result.attach(attachment.filename, attachment.content, attachment.mimetype)
        else:  # a ready MIME part (a calendar invitation names its method in its Content-Type)
            result.attach(attachment)
    return result


class EmailTransport:
    """Sends over one connection of the default mailer (SMTP in production): a batch, or several
    in a row (a sender keeps it while there is work; `close` makes the next send open another)."""

    # Called once a message is ready and before it goes (the sender reads its last mark's answer):
    # the SMTP backend calls it after making the message's bytes, the others before sending.
    before_delivery = None
    reusable = True

    def __init__(self):
        self.connection = mail.mailers.default
        self.opened = False
        self.sent = 0  # messages handed over since the connection opened

    def send(self, message, email) -> None:
        outgoing = django_message(message, email)
        try:
            if not self.opened:
                self.connection.open()
                self.opened = True
            if isinstance(self.connection, SMTPBackend):
                self.connection.before_delivery = self.before_delivery
            elif self.before_delivery is not None:
                self.before_delivery()
            self.connection.send_messages([outgoing])
            self.sent += 1
        except AnymailRecipientsRefused as exc:  # a provider's API refused the address itself
            raise PermanentFailure(f"refused by the provider: {exc}") from exc
        except AnymailAPIError as exc:
            # 400/422: this message cannot be sent as it is. Anything else (a wrong key, limits,
            # the provider down) may pass later, so it is retried.
            if getattr(exc, "status_code", None) in {400, 422}:
                raise PermanentFailure(f"refused by the provider: {exc}") from exc
            raise TemporaryFailure(f"provider: {exc}") from exc
        except ValueError as exc:  # an address that cannot be sent to (CR/LF, non-ASCII local part)
            raise PermanentFailure(f"invalid address: {exc}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            _raise_for_code(code, _smtp_reason(code, text))
        except smtplib.SMTPServerDisconnected as exc:
            raise TemporaryFailure(f"disconnected: {exc}", connection_lost=True) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the connection (RFC 5321 3.8)
                reason = _smtp_reason(exc.smtp_code, exc.smtp_error)
                raise TemporaryFailure(reason, connection_lost=True) from exc
            # The server answered (sender or data refused) and the session was reset: it is usable.
            _raise_for_code(exc.smtp_code, _smtp_reason(exc.smtp_code, exc.smtp_error))
        except OSError as exc:  # includes the other SMTPExceptions: the connection is in doubt
            raise TemporaryFailure(repr(exc), connection_lost=True) from exc

    def close(self) -> None:
        if isinstance(self.connection, SMTPBackend):
            self.connection.before_delivery = None
        if self.opened:
            self.opened = False
            self.sent = 0
            try:
                self.connection.close()
            except (OSError, smtplib.SMTPException):
                pass  # the messages are accepted or not already; a failed QUIT changes nothing


TRANSPORTS = {"email": EmailTransport}


def register(channel: str, transport_class) -> None:
    """Another channel (webhooks): same claim, lease and retry machinery, another way to deliver."""
    TRANSPORTS[channel] = transport_class
