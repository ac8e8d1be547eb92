"""The drive's brute-force guard for secrets: share passwords, share codes and sign-ins.

Every password check is counted under two keys before it is made:

- the **caller's** key (one share or user name, one client address; an IPv6 client by its /64):
  `CALLER.free` attempts pass at once, then each must wait for the backoff the last one earned,
  doubling from `base` up to `cap`. While it waits, every attempt is refused, the right password
  too: otherwise a guesser would simply keep guessing and learn the answer from the one that
  works. The right password clears the caller's count.
- the **target's** key (the share or the user name, whoever asks): a budget across callers, so
  that many addresses together cannot guess faster than one. Past `TARGET.free` attempts it
  spaces checks out, with a backoff that doubles up to a short cap. It never closes: whoever asks
  after the wait is checked, so a stranger cannot lock the right password out for everyone. An
  attempt with the right password is taken off its count.

A count lasts its key's window from that key's first attempt (never the clock's hour, when every
key would reset together), and for as long as its backoff runs. Attempts are reserved before the
check, in one atomic statement, so parallel requests on any number of workers cannot squeeze
past a limit: in the drive's database (`UPDATE ... SET attempts = attempts + 1 WHERE ...`, on
SQLite and PostgreSQL), or in Redis (one Lua script) when `LOCALPDS_REDIS_URL` is set.
"""

import hashlib
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Greatest
from django.http import HttpRequest

from common import clientaddr

from .models import AttemptCounter

logger = logging.getLogger(__name__)

__all__ = [
    "ALL_SHARE_MSGS",
    "CALLER",
    "SHARE_MSG",
    "SHARE_PASSWORD",
    "SIGN_IN",
    "TARGET",
    "Attempt",
    "Policy",
    "ThrottleUnavailable",
    "TooManyAttempts",
    "attempt_start",
    "client_address",
]


@dataclass(frozen=True)
class Policy:
    """`free` attempts per `window` seconds, then a backoff from `base` doubling up to `cap`."""

    free: int
    base: float
    cap: float
    window: float

    def delay(self, attempts: int) -> float:
        """Seconds the next attempt must wait once `attempts` were admitted in the window."""
        if attempts < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** (attempts - self.free))

    def steps(self) -> list[tuple[int, float]]:
        """`(attempts, delay)` for every delay below the cap, for the database's CASE."""
        steps, attempts = [], self.free
        while (delay := self.delay(attempts)) < self.cap:
            steps.append((attempts, delay))
            attempts += 1
        return steps


# One caller at one share or account: 10 at once (what the portal itself allows a visitor),
# then 1 s, 2 s, 4 s ... up to 15 minutes, counted over a day from the first attempt.
CALLER = Policy(free=10, base=1.0, cap=15 * 60.0, window=24 * 3600.0)
# One share or account, all callers together: 100 an hour, then spaced out up to a minute.
TARGET = Policy(free=100, base=1.0, cap=60.0, window=3600.0)
# While a target spaces its attempts out, a caller with no failures there yet still gets this
# many checks a day without waiting its turn: otherwise whoever takes every turn (one guess a
# minute from rotating addresses) would keep the right password out for everyone.
NEWCOMER = Policy(free=3, base=24 * 3600.0, cap=24 * 3600.0, window=24 * 3600.0)
# What is guessed: keeps the counts of share passwords, share codes and sign-ins apart.
SHARE_PASSWORD = "share-password"
SHARE_MSG = "share-msg"
SIGN_IN = "sign-in"
# The target of every share code (`share_msg`): a guesser tries codes, not one share, so all
# of them together are one target, and one caller's wrong codes count wherever they land.
ALL_SHARE_MSGS = "*"
# Expired rows removed by each request that starts a new count: more than it adds, so the
# table holds live counts only and never grows with history.
PURGE_BATCH = 100


class TooManyAttempts(Exception):
    """An attempt refused by the guard; `retry_after` is the whole seconds to wait."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class ThrottleUnavailable(Exception):
    """The guard's store (Redis) cannot be reached: the check is refused, not let through."""


def client_address(request: HttpRequest) -> str:
    """The caller's address: the peer, or what LOCALPDS_TRUSTED_PROXIES say it forwarded for."""
    return clientaddr.client_address(request.META, settings.LOCALPDS_TRUSTED_PROXIES)


def _key(*parts: str) -> str:
    # Hashed: no user name or address sits in the store, and every key has one length.
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """An admitted password check; call `succeeded()` when the password was right."""

    caller_key: str
    target_key: str

    def succeeded(self) -> None:
        """The right password: forget the caller's failures, and take this one off the target."""
        store = _store()
        store.forget(self.caller_key)
        if self.target_key:  # "": a newcomer's check, which took no turn of the target
            store.release(self.target_key)


def attempt_start(*, kind: str, target: str, address: str) -> Attempt:
    """Count one password attempt of `kind` on `target` (a share id, a user name) from `address`.

    Raises TooManyAttempts when the caller or the target must wait first (nothing is counted
    then), ThrottleUnavailable when the store cannot be reached.
    """
    who = clientaddr.counted_as(address)
    caller_key = _key(kind, "caller", target, who)
    target_key = _key(kind, "target", target)
    store = _store()
    now = time.time()
    turn = store.waiting(target_key, now)
    if turn:
        return _newcomer_attempt(store, kind, target, who, caller_key, turn, now)
    # The caller is counted before the target: a caller in backoff never takes the target's
    # next turn.
    wait = store.admit(caller_key, CALLER, now)
    if not wait:
        wait = store.admit(target_key, TARGET, now)
        if wait:
            # Another caller took the target's turn meanwhile: this attempt was not checked.
            store.release(caller_key)
    if wait:
        raise TooManyAttempts(max(1, math.ceil(wait)))
    return Attempt(caller_key=caller_key, target_key=target_key)


def _newcomer_attempt(
    store: "DatabaseStore | RedisStore",
    kind: str,
    target: str,
    who: str,
    caller_key: str,
    turn: float,
    now: float,
) -> Attempt:
    """An attempt while the target spaces attempts out: one of a clean caller's few, or none.

    The target's turn is not taken (its spacing goes on for the callers who failed there), so
    the right password from a new address gets in at once while guessing stays slow: each
    address gets `NEWCOMER.free` such checks a day, and only before its first failure there.
    """
    if store.failures(caller_key, now) or store.admit(
        _key(kind, "newcomer", target, who), NEWCOMER, now
    ):
        raise TooManyAttempts(max(1, math.ceil(turn)))
    wait = store.admit(caller_key, CALLER, now)
    if wait:
        raise TooManyAttempts(max(1, math.ceil(wait)))
    return Attempt(caller_key=caller_key, target_key="")


class DatabaseStore:
    """Counts in the drive's database, one `AttemptCounter` row per key."""

    def admit(self, key: str, policy: Policy, now: float) -> float:
        """Count an attempt if the key allows one now; else the seconds it must wait."""
        for _ in range(3):
            if self._count(key, policy, now):
                return 0.0
            row = AttemptCounter.objects.filter(key=key).values_list("next_at", "expires_at")
            live = next(iter(row), None)
            if live is not None and live[1] > now:
                if live[0] > now:
                    return live[0] - now
                continue  # Its backoff ended between our two statements.
            self._start(key, policy, now)
        # Three rounds lost to other requests starting and purging the same key: refuse
        # rather than let an uncounted attempt through.
        return policy.base

    def failures(self, key: str, now: float) -> int:
        """The attempts counted on a live key (0 when it has none)."""
        row = AttemptCounter.objects.filter(key=key, expires_at__gt=now)
        return row.values_list("attempts", flat=True).first() or 0

    def waiting(self, key: str, now: float) -> float:
        row = AttemptCounter.objects.filter(key=key, expires_at__gt=now, next_at__gt=now)
        next_at = row.values_list("next_at", flat=True).first()
        return 0.0 if next_at is None else next_at - now

    def release(self, key: str) -> None:
        AttemptCounter.objects.filter(key=key, attempts__gt=0).update(attempts=F("attempts") - 1)

    def forget(self, key: str) -> None:
        AttemptCounter.objects.filter(key=key).delete()

    @staticmethod
    def _count(key: str, policy: Policy, now: float) -> bool:
        # When the next attempt may come, from the count before this one (attempts + 1 after
        # it). Within the free attempts it stays where it was: a parallel request that read the
        # clock a moment before this one must not find itself in a backoff of zero seconds.
        next_at = Case(
            When(attempts__lt=policy.free - 1, then=F("next_at")),
            *(When(attempts=n - 1, then=Value(now + delay)) for n, delay in policy.steps()),
            default=Value(now + policy.cap),
            output_field=FloatField(),
        )
        return bool(
            AttemptCounter.objects.filter(key=key, next_at__lte=now, expires_at__gt=now).update(
                attempts=F("attempts") + 1,
                next_at=next_at,
                expires_at=Greatest(F("expires_at"), next_at),
            )
        )

    @staticmethod
    def _start(key: str, policy: Policy, now: float) -> None:
        """A fresh window for a key that has none (or whose row is over), starting now."""
        fresh = {"attempts": 0, "next_at": 0.0, "expires_at": now + policy.window}
        if AttemptCounter.objects.filter(key=key, expires_at__lte=now).update(**fresh):
            return
        expired = AttemptCounter.objects.filter(expires_at__lte=now).values("key")
        AttemptCounter.objects.filter(key__in=expired[:PURGE_BATCH]).delete()
        # INSERT ... ON CONFLICT DO NOTHING: a parallel request may have started it first.
        row = AttemptCounter(key=key, **fresh)
        AttemptCounter.objects.bulk_create([row], ignore_conflicts=True)


# The same rules as DatabaseStore, in one script so that Redis runs each admission alone.
# Redis expires the key itself once its window and backoff are over.
ADMIT_SCRIPT = """
local now, free, base, cap, window = tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'attempts', 'next_at', 'expires_at')
local attempts, next_at = tonumber(state[1]) or 0, tonumber(state[2]) or 0
local expires_at = tonumber(state[3]) or 0
if expires_at <= now then
    attempts, next_at, expires_at = 0, 0, now + window
end
if next_at > now then
    return tostring(next_at - now)
end
attempts = attempts + 1
if attempts >= free then
    next_at = now + math.min(cap, base * 2 ^ (attempts - free))
end
expires_at = math.max(expires_at, next_at)
redis.call('HSET', KEYS[1], 'attempts', attempts, 'next_at', tostring(next_at),
    'expires_at', tostring(expires_at))
redis.call('PEXPIRE', KEYS[1], math.ceil((expires_at - now) * 1000))
return '0'
"""
RELEASE_SCRIPT = """
if tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') > 0 then
    redis.call('HINCRBY', KEYS[1], 'attempts', -1)
end
"""


class RedisStore:
    """Counts in Redis, one hash per key, for a drive on more than one machine."""

    def __init__(self, url: str, prefix: str):
        # Short timeouts: a hung Redis must cost a password check a second, not a worker.
        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.prefix = f"{prefix}:throttle:"
        self._admit = self.client.register_script(ADMIT_SCRIPT)
        self._release = self.client.register_script(RELEASE_SCRIPT)

    def admit(self, key: str, policy: Policy, now: float) -> float:
        args = [now, policy.free, policy.base, policy.cap, policy.window]
        with _redis_errors():
            return float(self._admit(keys=[self.prefix + key], args=args))

    def failures(self, key: str, now: float) -> int:
        """The attempts counted on a live key (0 when it has none)."""
        with _redis_errors():
            attempts, expires_at = self.client.hmget(self.prefix + key, ["attempts", "expires_at"])
        if attempts is None or expires_at is None or float(expires_at) <= now:
            return 0
        return int(float(attempts))

    def waiting(self, key: str, now: float) -> float:
        with _redis_errors():
            next_at, expires_at = self.client.hmget(self.prefix + key, ["next_at", "expires_at"])
        if next_at is None or expires_at is None or float(expires_at) <= now:
            return 0.0
        return max(0.0, float(next_at) - now)

    def release(self, key: str) -> None:
        with _redis_errors():
            self._release(keys=[self.prefix + key])

    def forget(self, key: str) -> None:
        with _redis_errors():
            self.client.delete(self.prefix + key)


@contextmanager
def _redis_errors() -> Iterator[None]:
    try:
        yield
    except redis.RedisError as exc:
        # Keys are hashes, and the error's type is all that is logged: no password or address.
        logger.warning("The password throttle's Redis failed: %s", type(exc).__name__)
        raise ThrottleUnavailable from exc


@cache
def _redis_store(url: str, prefix: str) -> RedisStore:
    return RedisStore(url, prefix)


def _store() -> DatabaseStore | RedisStore:
    if settings.LOCALPDS_REDIS_URL:
        return _redis_store(settings.LOCALPDS_REDIS_URL, settings.LOCALPDS_REDIS_KEY_PREFIX)
    return DatabaseStore()
