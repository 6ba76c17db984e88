"""Creating, checking and revoking a campaign's API keys."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from campaigns.models import Campaign

from .models import ApiKey

KEY_PREFIX = "cpk_"
# A key's last use is stored at most this often: the per-request log (ApiKeyUse) has every use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class NewKey:
    key: ApiKey
    # The only time the key itself exists outside the client: shown once, never stored.
    raw: str


def create_key(campaign: Campaign, user, name: str, scope: str) -> NewKey:
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        campaign=campaign, name=name, scope=scope, prefix=raw[:12], digest=digest(raw), created_by=user
    )
    return NewKey(key, raw)


def revoke_key(key: ApiKey, user) -> bool:
    """Revoke the key at once (the next request with it gets 401); False if it already was."""
    return bool(
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user
        )
    )


def key_for(raw: str | None) -> ApiKey | None:
    """The active key with this value, or None (unknown, malformed or revoked)."""
    if not raw or len(raw) > 100 or not raw.startswith(KEY_PREFIX):
        return None
    key = (
        ApiKey.objects.select_related("campaign").filter(digest=digest(raw), revoked_at__isnull=True).first()
    )
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
