"""Owner access tokens: random bearer strings, stored only as their SHA-256, that expire."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import AccessToken, User

ACCESS_TOKEN_LIFETIME = timedelta(hours=2)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def access_token_issue(
    *, user: User, lifetime: timedelta = ACCESS_TOKEN_LIFETIME, client=None, grant=None
) -> tuple[str, AccessToken]:
    """Create an access token for `user`; return the raw value (shown once) and its row."""
    raw = secrets.token_urlsafe(32)
    row = AccessToken.objects.create(
        token_hash=hash_token(raw),
        user=user,
        client=client,
        grant=grant,
        expires_at=timezone.now() + lifetime,
    )
    return raw, row


def access_token_user(raw: str) -> User | None:
    """The enabled user behind a raw access token, or None if it is unknown or expired."""
    if not raw:
        return None
    # [:1], not .first(): the hash is the primary key, so no ORDER BY is needed.
    rows = AccessToken.objects.select_related("user").filter(
        token_hash=hash_token(raw), expires_at__gt=timezone.now()
    )[:1]
    row = next(iter(rows), None)
    if row is None or row.user.status != User.Status.ENABLED:
        return None
    return row.user
