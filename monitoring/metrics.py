"""The platform's own Prometheus metrics, read from PostgreSQL at each scrape.

They come from the tables, not from counters in each process, so every web process and replica
answers the same figures, and nothing is lost when a process restarts. A few grouped counts per
scrape (Prometheus scrapes every 15-60 s); the uncounted and due queries use partial indexes.
"""

import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from . import health


class PlatformCollector:
    def describe(self):
        # Without this, registering would call collect(): queries while the apps load.
        return []

    def collect(self):
        from outbox.models import OutboxMessage
        from outbox.services import purged_totals
        from petitions.models import Signature

        now = timezone.now()
        signatures = Signature.objects.aggregate(
            total=Count("id"), confirmed=Count("id", filter=Q(confirmed_at__isnull=False))
        )
        yield _counter("campaign_signatures", "Signing submissions stored.", signatures["total"])
        yield _counter("campaign_confirmations", "Signatures confirmed by email.", signatures["confirmed"])

        by_status = GaugeMetricFamily(
            "campaign_signatures_by_status", "Signature rows by status now.", labels=["status"]
        )
        counts = dict(Signature.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in Signature.Status.values:
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status

        yield from _backlog(
            Signature.objects.filter(status=Signature.Status.CONFIRMED, counted=False),
            "confirmed_at",
            now,
            ("campaign_tally_uncounted", "Confirmed signatures not yet in a total."),
            (
                "campaign_tally_lag_seconds",
                "Age of the oldest confirmation not yet in a total (0: up to date).",
            ),
        )

        mail = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
        # Counters never go down: what the retention purge deleted still counts.
        for outcome, count in purged_totals().items():
            mail[outcome] = mail.get(outcome, 0) + count
        yield _counter("campaign_mail_sent", "Mails sent.", mail.get(OutboxMessage.Status.SENT, 0))
        yield _counter("campaign_mail_failed", "Mails given up on.", mail.get(OutboxMessage.Status.FAILED, 0))
        pending = mail.get(OutboxMessage.Status.PENDING, 0)
        yield _gauge("campaign_mail_pending", "Mails not sent yet, due or later.", pending)
        yield from _backlog(
            OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, due_at__lte=now),
            "due_at",
            now,
            ("campaign_mail_due", "Mails due and not sent yet."),
            ("campaign_mail_lag_seconds", "How long the oldest due mail has waited."),
        )

        beaten = cache.get(health.HEARTBEAT_KEY)
        if beaten is not None:
            yield _gauge(
                "campaign_beat_heartbeat_age_seconds",
                "Seconds since beat's last heartbeat ran on a worker.",
                max(0.0, time.time() - float(beaten)),
            )


def _backlog(queryset, time_field, now, count_metric, lag_metric):
    """How many rows wait, and how long the oldest has waited (0 when none does)."""
    backlog = queryset.aggregate(n=Count("id"), oldest=Min(time_field))
    yield _gauge(*count_metric, backlog["n"])
    yield _gauge(*lag_metric, _age(now, backlog["oldest"]))


def _counter(name, documentation, value):
    return CounterMetricFamily(name, documentation, value=value)


def _gauge(name, documentation, value):
    return GaugeMetricFamily(name, documentation, value=value)


def _age(now, moment) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


def allowed(request) -> bool:
    """METRICS_TOKEN as a bearer token, or a client address in METRICS_ALLOWED_IPS; neither set: nobody."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        client in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_IPS
    )
