"""Error tracking with Sentry, switched on by SENTRY_DSN, that never sends a signer's email or IP.

Two layers: the SDK collects no user identity, request bodies (the signing form) or SQL parameters,
and scrubs secret headers and cookies; then every string left in an event or breadcrumb (exception
messages, frame variables, log lines, headers, URLs) has emails and IP addresses replaced.
"""

import ipaddress
import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[^\s@<>()\[\]\"',;:]+")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# Candidates only: a time like 19:24:18 matches too, and is kept when ipaddress refuses it.
IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w:])")

EMAIL_MARK = "[email]"
IP_MARK = "[ip]"


def _ipv6(match: re.Match) -> str:
    try:
        ipaddress.ip_address(match.group(0).split("%")[0])
    except ValueError:
        return match.group(0)
    return IP_MARK


def scrub_text(text: str) -> str:
    text = EMAIL.sub(EMAIL_MARK, text)
    text = IPV4.sub(IP_MARK, text)
    return IPV6.sub(_ipv6, text)


def scrub(value):
    """The same structure with every email and IP address in its strings (and keys) replaced."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(item) for item in value)
    return value


def before_send(event, hint):
    event = scrub(event)
    # Who was affected, as an id at most: never their address.
    if "user" in event:
        event["user"] = {"id": event["user"]["id"]} if event["user"].get("id") else {}
    return event


def before_breadcrumb(crumb, hint):
    return scrub(crumb)


def init(dsn: str, *, environment: str = "", traces_sample_rate: float = 0.0, **options):
    """Start the SDK (from settings, before Django loads the apps). Returns the SDK's init guard."""
    return sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No user identity (IP, email), no request bodies (the signing form), no SQL parameters.
        data_collection={"user_info": False, "http_bodies": [], "database_query_data": False},
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
        **options,
    )
