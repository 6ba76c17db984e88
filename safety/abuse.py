"""Checks on the signing path: client IP, block lists, disposable domains, fill time and rate limits.

Each check answers with a reason to hold the signature for review, or "" to let it through. A held
signature is stored but neither counted nor mailed, and the signer sees the same page as everyone:
a bot learns nothing from the answer. Every check fails open: if Redis is down, people can still sign.
"""

import ipaddress
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from campaign.addresses import canonical_email

log = logging.getLogger(__name__)

HOLD_BLOCKED_EMAIL = "blocked email"
HOLD_BLOCKED_DOMAIN = "blocked domain"
HOLD_BLOCKED_IP = "blocked IP"
HOLD_NO_FORM_TIME = "no form time"
HOLD_IP_RATE = "IP rate limit"
HOLD_DOMAIN_RATE = "domain rate limit"


# --- The client's address -------------------------------------------------------------------------


def client_ip(meta: dict) -> str:
    """The client's address: the socket's, or X-Forwarded-For read through trusted proxies only.

    With TRUSTED_PROXY_COUNT = n, each of our n proxies appended the address it received the
    request from, so the client is the n-th entry from the right. Whatever the client wrote to the
    left of those is ignored; with n = 0 the header is never read.
    """
    remote = meta.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    entries = [entry.strip() for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not entries:
        return remote
    candidate = entries[-proxies] if len(entries) >= proxies else entries[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class TrustedProxyMiddleware:
    """Puts the real client address in REMOTE_ADDR, for everything that reads it (signing, allauth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "TRUSTED_PROXY_COUNT", 0) > 0:
            request.META["REMOTE_ADDR"] = client_ip(request.META)
        return self.get_response(request)


# --- Block lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    emails: frozenset
    domains: frozenset
    networks: tuple
    loaded_at: float


_rules: _Rules | None = None
_rules_lock = threading.Lock()
RULES_TTL_SECONDS = 10.0


def forget_block_rules() -> None:
    """Drop this process's copy of the block lists (called when a rule is saved or deleted here)."""
    global _rules
    _rules = None


def _block_rules() -> _Rules:
    global _rules
    rules = _rules
    if rules is not None and time.monotonic() - rules.loaded_at < RULES_TTL_SECONDS:
        return rules
    from .models import BlockRule

    with _rules_lock:
        emails, domains, networks = set(), set(), []
        for kind, value in BlockRule.objects.values_list("kind", "value"):
            if kind == BlockRule.Kind.EMAIL:
                emails.add(canonical_email(value))
            elif kind == BlockRule.Kind.DOMAIN:
                domains.add(value)
            elif kind == BlockRule.Kind.IP:
                try:
                    networks.append(ipaddress.ip_network(value, strict=False))
                except ValueError:
                    log.warning("ignoring block rule with a bad IP range %r", value)
        rules = _Rules(frozenset(emails), frozenset(domains), tuple(networks), time.monotonic())
        _rules = rules
    return rules


def email_domain(email_normalized: str) -> str:
    return email_normalized.rpartition("@")[2]


def domain_candidates(domain: str) -> set[str]:
    """The rule values that block this domain: itself, and ``*.`` + itself or any parent domain."""
    labels = domain.split(".")
    candidates = {domain}
    for i in range(len(labels) - 1):
        candidates.add("*." + ".".join(labels[i:]))
    return candidates


def _ip(value: str):
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def blocked(email_normalized: str, ip: str) -> str:
    """Why this email or address is on a block list, or ""."""
    rules = _block_rules()
    if email_normalized in rules.emails:
        return HOLD_BLOCKED_EMAIL
    if rules.domains and domain_candidates(email_domain(email_normalized)) & rules.domains:
        return HOLD_BLOCKED_DOMAIN
    address = _ip(ip) if rules.networks else None
    if address is not None and any(
        address.version == network.version and address in network for network in rules.networks
    ):
        return HOLD_BLOCKED_IP
    return ""


def is_disposable(email: str) -> bool:
    """Whether the email is at a disposable-mail domain (or a subdomain of one)."""
    from disposable_email_domains import blocklist

    domain = email_domain(email.strip().lower())
    labels = domain.split(".")
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))


# --- Minimum fill time ----------------------------------------------------------------------------

_FORM_SALT = "moderation.form-started"


def form_started_token() -> str:
    """A signed timestamp for a form's hidden field, made when the form is rendered."""
    return signing.dumps(int(time.time() * 1000), salt=_FORM_SALT)


def fill_time(token: str | None) -> tuple[int | None, str]:
    """How many milliseconds the form took to come back, and a hold reason if it had no valid time.

    Speed alone never holds a signature (browser autofill sends a form back at once): it is kept
    for moderators, who see signatures quicker than SIGNING_MIN_FILL_SECONDS flagged. A form
    without its signed start time did not come from our page, which is a reason to hold.
    """
    try:
        started_ms = int(signing.loads(token or "", salt=_FORM_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        if settings.SIGNING_MIN_FILL_SECONDS <= 0:
            return None, ""
        return None, HOLD_NO_FORM_TIME
    return max(0, int(time.time() * 1000) - started_ms), ""


def is_quick(fill_ms: int | None) -> bool:
    """Whether a form came back sooner than a person usually fills it in (a signal, not a verdict)."""
    minimum = settings.SIGNING_MIN_FILL_SECONDS
    return minimum > 0 and fill_ms is not None and fill_ms < minimum * 1000


# --- Rate limits ----------------------------------------------------------------------------------

_redis_client = None
_redis_down_until = 0.0
REDIS_RETRY_SECONDS = 30.0


def _redis():
    global _redis_client
    if _redis_client is None or _redis_client[0] != settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        _redis_client = (settings.REDIS_URL, client)
    return _redis_client[1]


def _key(*parts) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "") or "campaign"
    return ":".join([prefix, "rl", *map(str, parts)])


def _count(keys_and_windows: list[tuple[str, int]]) -> list[int]:
    """Add one hit to each fixed-window counter and return the new counts.

    With Redis, one round trip (INCR and EXPIRE NX for each key, in a pipeline); otherwise the
    Django cache (the in-process cache of the embedded site).
    """
    if settings.REDIS_URL:
        pipe = _redis().pipeline(transaction=False)
        for key, window in keys_and_windows:
            pipe.incr(key)
            pipe.expire(key, window, nx=True)
        results = pipe.execute()
        return [int(count) for count in results[::2]]
    counts = []
    for key, window in keys_and_windows:
        if cache.add(key, 1, timeout=window):
            counts.append(1)
        else:
            try:
                counts.append(cache.incr(key))
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=window)
                counts.append(1)
    return counts


def rate_limited(statement_id: int | str, ip_hash: str, domain: str) -> str:
    """Count this attempt against the statement's per-IP and per-domain limits; a hold reason if over.

    The limits are (count, seconds) pairs in SIGNING_RATE_LIMITS_PER_IP and _PER_DOMAIN. Domains in
    RATE_LIMIT_DOMAIN_ALLOWLIST (big webmail providers) are not limited by domain.
    """
    global _redis_down_until
    if not settings.SIGNING_RATE_LIMITS_ENABLED:
        return ""
    if time.monotonic() < _redis_down_until:
        return ""
    now = int(time.time())
    checks = []  # (key, window, limit, reason)
    if ip_hash:
        for limit, window in settings.SIGNING_RATE_LIMITS_PER_IP:
            key = _key("ip", statement_id, ip_hash[:32], window, now // window)
            checks.append((key, window, limit, HOLD_IP_RATE))
    if domain and domain not in settings.RATE_LIMIT_DOMAIN_ALLOWLIST:
        for limit, window in settings.SIGNING_RATE_LIMITS_PER_DOMAIN:
            key = _key("domain", statement_id, domain[:100], window, now // window)
            checks.append((key, window, limit, HOLD_DOMAIN_RATE))
    if not checks:
        return ""
    try:
        counts = _count([(key, window) for key, window, _limit, _reason in checks])
    except Exception:  # noqa: BLE001 - fail open: signing must work without Redis
        log.warning("rate limits unavailable; signing without them for a while", exc_info=True)
        _redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
        return ""
    for count, (_, _, limit, reason) in zip(counts, checks, strict=True):
        if count > limit:
            return reason
    return ""


def screen(statement_id: int | str, email_normalized: str, ip: str, ip_hash: str) -> str:
    """Every server-side check of a signing attempt; the first hold reason found, or "".

    `statement_id` names the rate-limit windows: a statement's id, or "event-<id>" for an event.
    """
    reason = blocked(email_normalized, ip)
    # Counted even when blocked, so a blocked sender also fills its own rate limit window.
    limited = rate_limited(statement_id, ip_hash, email_domain(email_normalized))
    return reason or limited
