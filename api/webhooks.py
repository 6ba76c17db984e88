"""Webhooks: events of a campaign POSTed to its organisers' tools, through the outbox.

When a domain service publishes an event (campaign.events) this module, subscribed at start-up,
writes one outbox row per webhook that wants it, in the same transaction: nothing is sent on the
signer's request, so a slow or dead endpoint never slows signing. The outbox's senders for the
"webhook" channel claim the rows with a lease and hand each to the HTTP transport below; failures
are retried with the outbox's backoff. Each delivery carries:

- `X-Campaign-Delivery`: the delivery id (the outbox row's uuid), the same on every retry, so a
  receiver can drop a repeat;
- `X-Campaign-Event`: the event, e.g. `signature.confirmed`;
- `X-Campaign-Signature`: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body with the secret>`.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from campaign import events
from events.models import Attendee
from funds.models import Donation
from outbox import registry, services, transports
from petitions.models import Signature
from petitions.withdrawal import not_anonymised

from . import resources
from .models import Webhook

KIND = "api.webhook"
CHANNEL = "webhook"


def url_problem(url: str) -> str:
    """Why this address cannot receive webhooks, or "" if it can."""
    parts = urlsplit(url)
    if settings.WEBHOOKS_ALLOW_LOCAL and parts.scheme in ("http", "https") and parts.hostname:
        return ""
    if parts.scheme != "https" or not parts.hostname:
        return "Webhook addresses must start with https://."
    if parts.username or parts.password:
        return "Put no user name or password in the address: deliveries are signed instead."
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return ""
    return "" if literal.is_global else "The address must be reachable on the internet."


def _public(host: str) -> bool:
    """Whether every address the host resolves to is a public one (no loopback, private, metadata…)."""
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return True  # the delivery itself will fail and be retried
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


def create_webhook(campaign, user, url: str, wanted: list[str]) -> Webhook:
    webhook = Webhook(
        campaign=campaign, url=url, events=wanted, created_by=user, secret=secrets.token_hex(32)
    )
    webhook.full_clean()
    webhook.save()
    return webhook


def disable_webhook(webhook: Webhook) -> bool:
    return bool(
        Webhook.objects.filter(pk=webhook.pk, disabled_at__isnull=True).update(disabled_at=timezone.now())
    )


def recent_deliveries(campaign, limit: int = 20):
    from outbox.models import OutboxMessage

    return OutboxMessage.objects.filter(channel=CHANNEL, campaign_id=campaign.pk).order_by("-created_at")[
        :limit
    ]


# --- Publishing: one outbox row per webhook, in the publisher's transaction ---------------------


def on_event(event: str, *, campaign_id: int, ref: str) -> None:
    occurred = timezone.now().isoformat()
    for webhook in Webhook.objects.filter(campaign_id=campaign_id, disabled_at__isnull=True).only(
        "uuid", "url", "events"
    ):
        if event in webhook.events:
            services.enqueue(
                KIND,
                webhook.url,
                ref=ref,
                context={"webhook": str(webhook.uuid), "event": event, "occurred_at": occurred},
                campaign_id=campaign_id,
                channel=CHANNEL,
            )


# --- Building a delivery (at send time, from the current state) --------------------------------


@dataclass
class Delivery:
    url: str
    body: bytes
    headers: dict


class _SiteLinks(resources.Links):
    """Links for a payload built outside a request: absolute, from SITE_URL."""

    def __init__(self):
        self.site = settings.SITE_URL.rstrip("/")
        self.base = self.site + "/api/v1/"


def _data(event: str, ref: str, campaign) -> dict:
    links = _SiteLinks()
    gone = {"identifiers": resources.identifiers(ref)}
    if event in (events.SIGNATURE_CONFIRMED, events.SIGNATURE_WITHDRAWN):
        row = (
            not_anonymised(Signature.objects.filter(uuid=ref, status=Signature.Status.CONFIRMED))
            .select_related("statement")
            .first()
        )
        if event == events.SIGNATURE_WITHDRAWN or row is None:
            return gone  # withdrawn (or gone since): nothing personal is left to send
        return resources.signature(row, row.statement.uuid, links, campaign)
    if event in (events.ATTENDEE_REGISTERED, events.ATTENDEE_CANCELLED):
        row = Attendee.objects.select_related("event").filter(uuid=ref).first()
        return resources.attendance(row, links, campaign) if row else gone
    row = Donation.objects.select_related("fund").filter(uuid=ref).first()
    return resources.donation(row, links) if row else gone


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


@registry.builder(KIND)
def build(message) -> Delivery | None:
    webhook = (
        Webhook.objects.select_related("campaign")
        .filter(uuid=message.context.get("webhook"), disabled_at__isnull=True)
        .first()
    )
    if webhook is None:
        return None  # disabled since: nothing is owed any more
    event = message.context["event"]
    payload = {
        "id": str(message.uuid),
        "event": event,
        "occurred_at": message.context.get("occurred_at"),
        "campaign": webhook.campaign.slug,
        "data": _data(event, message.ref, webhook.campaign),
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    return Delivery(
        url=message.to,
        body=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": "SolidarityCampaigns-Webhooks/1",
            "X-Campaign-Delivery": str(message.uuid),
            "X-Campaign-Event": event,
            "X-Campaign-Signature": f"t={timestamp},v1={sign(webhook.secret, timestamp, body)}",
        },
    )


# --- The HTTP channel of the outbox --------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could point the signed delivery anywhere (an internal address): it is a failure.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class WebhookTransport:
    """POSTs each delivery; 2xx is delivered, 410 is refused for good, anything else is retried.

    An endpoint that does not answer is skipped for the rest of the batch (retried later with the
    outbox's backoff), so one dead endpoint costs a batch one timeout, not one per delivery.
    """

    def __init__(self):
        self.unreachable: set[str] = set()

    def send(self, message, delivery: Delivery) -> None:
        host = urlsplit(delivery.url).hostname or ""
        if host in self.unreachable:
            raise transports.TemporaryFailure("endpoint unreachable earlier in this batch")
        problem = url_problem(delivery.url)
        if problem or not (settings.WEBHOOKS_ALLOW_LOCAL or _public(host)):
            raise transports.PermanentFailure(problem or "the address is not a public one")
        # url_problem() above allowed https (or http, locally) only: no file: or other schemes.
        request = urllib.request.Request(  # noqa: S310
            delivery.url, data=delivery.body, headers=delivery.headers, method="POST"
        )
        try:
            with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, OSError, HTTPException) as error:
            self.unreachable.add(host)
            raise transports.TemporaryFailure(f"no answer: {error}") from error
        if 200 <= status < 300:
            return
        if status == 410:
            raise transports.PermanentFailure("410 Gone: the receiver asked for no more deliveries")
        raise transports.TemporaryFailure(f"HTTP {status}")

    def close(self) -> None:
        pass


def install() -> None:
    """Called once at start-up (ApiConfig.ready)."""
    transports.register(CHANNEL, WebhookTransport)
    events.subscribe(on_event)
