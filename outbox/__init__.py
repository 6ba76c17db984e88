"""The outbox: how every email (and webhook) leaves the platform.

A row (OutboxMessage) says what to send, to whom and when it is due; it is written by
outbox.services.enqueue() in the same transaction as the domain change it follows. Celery senders
claim due rows, build each message with the builder its app registered for the kind
(outbox.registry), and send them (outbox.sending). See the README, "How an email leaves the platform".
"""

from . import registry
from .mail import Attachment, Email, render

__all__ = ["Attachment", "Email", "registry", "render"]
