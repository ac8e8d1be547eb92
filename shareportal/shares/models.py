"""What the portal keeps of password attempts: the throttle's counters and the owner's record.

Neither holds a password or a raw client address: an address is kept as a keyed hash of the
network it counts as (`throttling.who_of`), enough to count distinct ones and nothing more.
"""

from django.db import models


class AttemptCounter(models.Model):
    """One counter of the password throttle in the database store (the default).

    `key` names what is counted (an address on a share, an address, a share); `count` is the
    attempts reserved in its window, which began at its first attempt and ends at
    `expires_ms` (milliseconds since the epoch). The throttle increments it with one atomic
    `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, and deletes expired rows as it goes.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField()
    expires_ms = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return self.key


class PasswordFailure(models.Model):
    """One wrong password tried on a share, for the owner's dashboard: when, and from whom.

    `who` is a keyed hash of the visitor's network, so that the dashboard can count distinct
    addresses without keeping any. Rows older than the dashboard shows are deleted.
    """

    share_id = models.CharField(max_length=64)
    who = models.CharField(max_length=32)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["share_id", "at"], name="shares_failure_share_at"),
            models.Index(fields=["at"], name="shares_failure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.share_id} {self.at:%Y-%m-%d %H:%M:%S}"


class EmbedSites(models.Model):
    """The sites an owner lets frame one share's embed view, chosen in the dashboard.

    Kept by the portal, keyed by share id, because PDS has no such field. Each origin was one of
    `EMBED_ALLOWED_ORIGINS` when it was chosen; the deployment's list is applied again on every
    read, so that removing a site there removes it from every share at once.
    """

    share_id = models.CharField(max_length=64, primary_key=True)
    origins = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.share_id
