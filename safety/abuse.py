"""Checks on the signing path: client IP, block lists, disposable domains, fill time, rate limits and
mail caps.

Each check answers with a reason to hold the signature for review, or "" to let it through. A held
signature is stored but not counted until a moderator releases it, and the signer sees the same page
as everyone: a bot learns nothing from the answer. Every check fails open: if Redis is down, people
can still sign.

The counters (rate limits, the per-address and per-IP mail caps) live in Redis and are all read and
moved by one Lua script (counters.lua): one round trip per submission, atomic, so a burst cannot
slip between a read and a write.
"""

import hashlib
import hmac
import ipaddress
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

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
# This IP address made the platform mail MAIL_CAP_PER_IP_PER_HOUR addresses within the hour: the
# submission is kept for a moderator and not mailed (releasing it sends its mail).
HOLD_IP_MAIL_CAP = "IP mail cap"


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


# --- Rate limits and mail caps ------------------------------------------------------------------

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


def _count_locally(keys_and_windows: list[tuple[str, int]]) -> list[int]:
    """The fixed-window counters in the Django cache (the in-process cache of the embedded site)."""
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


_SCRIPT = (Path(__file__).with_name("counters.lua")).read_text()
_script_client = None


def _counters_script():
    """counters.lua registered with the Redis client: EVALSHA, loaded once per process if missing."""
    global _script_client
    client = _redis()
    if _script_client is None or _script_client[0] is not client:
        _script_client = (client, client.register_script(_SCRIPT))
    return _script_client[1]


def _hash(value: str) -> str:
    """A keyed hash for counter keys: Redis never holds an email or an IP address."""
    return hmac.new(settings.IP_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Verdict:
    """What the counters decided about one submission."""

    hold_reason: str = ""
    # Whether the submission may be mailed: False over a mail cap, None when the counters could not
    # decide it (no Redis, Redis down, or no mail asked): the caller then applies its own cap.
    mail: bool | None = None


@dataclass(frozen=True)
class MailCaps:
    """The mail caps one submission is checked against in Redis (see check())."""

    # (key, limit, seconds): at most `limit` mails to this address within the rolling window;
    # None leaves the per-address cap to the caller.
    address: tuple[str, int, int] | None = None
    # Whether the IP's hourly cap applies: to anonymous submissions, not to an organiser's API key.
    ip: bool = True


def address_mail_cap(
    scope: int | str, email_normalized: str, limit: int, seconds: int = 86400, *, ip: bool = True
) -> MailCaps:
    """A cap of `limit` mails to this address about `scope` (a statement's id) per `seconds`."""
    if not email_normalized or limit <= 0:
        return MailCaps(ip=ip)
    return MailCaps(address=(_key("mail-address", scope, _hash(email_normalized)), limit, seconds), ip=ip)


def _ip_mail_cap(ip_hash: str) -> tuple[str, int, int] | None:
    limit = settings.MAIL_CAP_PER_IP_PER_HOUR
    if not ip_hash or limit <= 0:
        return None
    return (_key("mail-ip", ip_hash[:32]), limit, 3600)


def _rate_checks(statement_id: int | str, ip_hash: str, domain: str) -> list[tuple[str, int, int, str]]:
    """(key, window, limit, reason) of each rate-limit window this attempt counts against."""
    if not settings.SIGNING_RATE_LIMITS_ENABLED:
        return []
    now = int(time.time())
    checks = []
    if ip_hash:
        for limit, window in settings.SIGNING_RATE_LIMITS_PER_IP:
            key = _key("ip", statement_id, ip_hash[:32], window, now // window)
            checks.append((key, window, limit, HOLD_IP_RATE))
    if domain and domain not in settings.RATE_LIMIT_DOMAIN_ALLOWLIST:
        for limit, window in settings.SIGNING_RATE_LIMITS_PER_DOMAIN:
            key = _key("domain", statement_id, domain[:100], window, now // window)
            checks.append((key, window, limit, HOLD_DOMAIN_RATE))
    return checks


def _redis_unavailable(exc: Exception | None = None) -> bool:
    """Whether to skip Redis for now: it failed within REDIS_RETRY_SECONDS (or has just failed)."""
    global _redis_down_until
    if exc is not None:
        log.warning("rate limits unavailable; signing without them for a while", exc_info=exc)
        _redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
        return True
    return time.monotonic() < _redis_down_until


def _run_counters(checks, caps: MailCaps | None, ip_hash: str) -> tuple[list[int], bool | None, bool]:
    """Count this attempt in every rate-limit window and, if it would be mailed, against the mail
    caps: one call of counters.lua. Returns the window counts, whether it may be mailed (None when
    no mail was asked about) and whether this IP's mail cap stopped it. Raises what Redis raises.
    """
    keys = [key for key, _window, _limit, _reason in checks]
    args = [int(time.time() * 1000), len(checks), *(window for _key, window, _limit, _reason in checks)]
    caps_asked = caps is not None
    ip_cap = _ip_mail_cap(ip_hash) if caps_asked and caps.ip else None
    for cap in (caps.address, ip_cap) if caps_asked else (None, None):
        keys.append(cap[0] if cap else _key("none"))
        args += [cap[1], cap[2]] if cap else [0, 0]
    args += [int(caps_asked), secrets.token_hex(8)]
    *counts, mail, ip_capped = _counters_script()(keys=keys, args=args)
    return [int(n) for n in counts], (bool(mail) if caps_asked else None), bool(ip_capped)


def _over(counts: list[int], checks) -> str:
    return next((reason for n, (_, _, limit, reason) in zip(counts, checks, strict=True) if n > limit), "")


def check(
    scope: int | str, email_normalized: str, ip: str, ip_hash: str, *, mail: MailCaps | None = None
) -> Verdict:
    """Every server-side check of a submission, with at most one Redis round trip.

    `scope` names the rate-limit windows: a statement's id, or "event-<id>" for an event. `mail`
    (None for a submission that is not mailed) asks whether its mail may go: over the address's
    cap (address_mail_cap) it is not mailed; over this IP's MAIL_CAP_PER_IP_PER_HOUR (mails caused
    on any statement or event) it is not mailed and is held for a moderator. A mail that goes
    counts against both caps.
    """
    reason = blocked(email_normalized, ip)
    checks = _rate_checks(scope, ip_hash, email_domain(email_normalized))
    counted_caps = mail is not None and bool(mail.address or (mail.ip and _ip_mail_cap(ip_hash)))
    if not (checks or counted_caps) or _redis_unavailable():
        return Verdict(reason)
    if not settings.REDIS_URL:
        # The embedded site: rate limits in its in-process cache; the caller applies its mail cap.
        counts = _count_locally([(key, window) for key, window, _limit, _reason in checks])
        return Verdict(reason or _over(counts, checks))
    try:
        counts, may_mail, ip_capped = _run_counters(checks, mail if counted_caps else None, ip_hash)
    except Exception as exc:  # noqa: BLE001 - fail open: signing must work without Redis
        _redis_unavailable(exc)
        return Verdict(reason)
    held = reason or (HOLD_IP_MAIL_CAP if ip_capped else "") or _over(counts, checks)
    return Verdict(held, may_mail)


def screen(statement_id: int | str, email_normalized: str, ip: str, ip_hash: str) -> str:
    """check() for a submission that is not mailed: the first hold reason found, or ""."""
    return check(statement_id, email_normalized, ip, ip_hash).hold_reason
