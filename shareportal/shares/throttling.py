"""The throttle of share passwords and share codes: an attempt is counted before the drive is
asked.

Three budgets bound password guessing, each on its own counter:

- 10 attempts per address on one share in 15 minutes;
- 50 attempts per address across all shares in an hour;
- `PASSWORD_SHARE_BUDGET` (100) attempts on one share from all addresses together in an hour.
  Past that, guessing on the share slows down instead of stopping: each address may still try
  it `SATURATED_TRIES` (3) times in its 15 minutes, so that a stranger who spreads guesses over
  many addresses cannot lock the share for the visitors who know its password.

Share codes (`share_msg`, which stand for a share and its password) are secrets too: each
address may try 10 codes in 15 minutes, whatever the codes, within the same 50 an hour.

A window is the counter's own: it starts at that counter's first attempt (not at the top of
the hour, where every window would reset together) and the counter starts again once it has
passed. An IPv6 address counts as its /64, and addresses are kept only as keyed hashes.

An attempt is *reserved* before the drive is asked (`password_attempt_reserve`, which refuses
it when a budget is spent) and given back when the password was right
(`attempt_release`), so concurrent guesses cannot slip past a counter that has not
been written yet. The counters live in a store every process of the deployment shares:

- the portal's database by default (`DatabaseStore`): one atomic
  `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` per counter, in one transaction, exact
  across gunicorn workers and their threads on SQLite and PostgreSQL;
- Redis when `THROTTLE_REDIS_URL` (by default `REDIS_URL`) is set (`RedisStore`): one Lua
  script, so machines share the counters.

A store that fails or hangs (a short socket timeout) raises `ThrottleUnavailable`: the password
POST then fails closed with a 503, because guessing without a throttle is what it prevents.

Wrong passwords are also recorded per share (`PasswordFailure`: when, and a hash of who) for
the owner's dashboard (`password_failures_recent`), and deleted once older than it shows.
"""

import logging
import math
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

import redis
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from redis.backoff import NoBackoff
from redis.retry import Retry

from common import clientaddr

from .models import AttemptCounter, PasswordFailure

logger = logging.getLogger(__name__)

# Tries each address has on a share once the share's own budget is spent, per 15 minutes.
SATURATED_TRIES = 3
# How far back the owner's dashboard looks; records older than this are deleted.
FAILURES_SHOWN = timedelta(hours=24)
# Expired counters and old failures are deleted at most this often per process, by whichever
# request comes next: often enough to keep the tables small, rare enough to cost nothing.
CLEANUP_EVERY = 600.0
# What a visitor is told to wait when the store cannot be reached.
UNAVAILABLE_RETRY_AFTER = 30


@dataclass(frozen=True)
class Rule:
    """At most `limit` attempts per `window` seconds on one counter of `scope`."""

    scope: str  # "pair": an address on a share; "address"; "share": every address on it
    limit: int
    window: int


PAIR = Rule(scope="pair", limit=10, window=15 * 60)
ADDRESS = Rule(scope="address", limit=50, window=60 * 60)
# Share codes tried by one address, whatever the code (`code_attempt_reserve`).
CODE = Rule(scope="code", limit=10, window=15 * 60)


def share_rule() -> Rule:
    return Rule(scope="share", limit=settings.PASSWORD_SHARE_BUDGET, window=60 * 60)


class Counted(NamedTuple):
    """A counter after an increment: its attempts, its window's id and the seconds left."""

    key: str
    attempts: int
    window_id: str
    seconds_left: float


class ThrottleUnavailable(Exception):
    """The throttle's store failed or did not answer in time: refuse the attempt."""

    retry_after = UNAVAILABLE_RETRY_AFTER


class Throttled(Exception):
    """A budget is spent: the visitor may try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class DatabaseStore:
    """Counters in the portal's database, in the `AttemptCounter` table."""

    def __init__(self) -> None:
        table = connection.ops.quote_name(AttemptCounter._meta.db_table)
        key, count, expires = (connection.ops.quote_name(f) for f in ("key", "count", "expires_ms"))
        # The CASEs read the row as it was, so a counter whose window has ended starts a new
        # one at 1 in the same statement. Both SQLite (3.35+) and PostgreSQL speak this.
        self.upsert = (
            f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{expires} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{expires} = CASE WHEN {table}.{expires} <= %s THEN %s ELSE {table}.{expires} END "
            f"RETURNING {count}, {expires}"
        )
        self.take_back = (
            f"UPDATE {table} SET {count} = {count} - 1 "  # noqa: S608
            f"WHERE {key} = %s AND {expires} = %s AND {count} > 0"
        )

    def increment(self, keys: Sequence[tuple[str, int]]) -> list[Counted]:
        now_ms = _now_ms()
        counted = []
        with connection.cursor() as cursor:
            # Always in the same order, so two transactions on PostgreSQL that lock the same
            # rows cannot each wait for the other.
            for key, window in sorted(keys):
                ends = now_ms + window * 1000
                cursor.execute(self.upsert, [key, ends, now_ms, now_ms, ends])
                count, expires_ms = cursor.fetchone()
                counted.append(Counted(key, count, str(expires_ms), (expires_ms - now_ms) / 1000))
        return counted

    def decrement(self, counted: Iterable[Counted]) -> None:
        with connection.cursor() as cursor:
            for item in sorted(counted):
                cursor.execute(self.take_back, [item.key, int(item.window_id)])

    def atomic(self) -> AbstractContextManager[object]:
        # On SQLite the settings make this BEGIN IMMEDIATE, which serialises writers; on
        # PostgreSQL the upserted rows stay locked until the commit.
        return transaction.atomic()

    def cleanup(self) -> None:
        AttemptCounter.objects.filter(expires_ms__lte=_now_ms()).delete()


# KEYS: the counters; ARGV: a fresh window id, then each counter's window in milliseconds.
# A counter is a hash {n: attempts, w: its window's id} that expires when its window ends.
REDIS_INCREMENT = """
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('HINCRBY', key, 'n', 1)
  if n == 1 then
    redis.call('HSET', key, 'w', ARGV[1])
    redis.call('PEXPIRE', key, ARGV[i + 1])
  end
  out[i] = {n, redis.call('PTTL', key), redis.call('HGET', key, 'w')}
end
return out
"""
# KEYS: the counters; ARGV: the window id each was incremented in.
REDIS_DECREMENT = """
for i, key in ipairs(KEYS) do
  if redis.call('HGET', key, 'w') == ARGV[i] then
    redis.call('HINCRBY', key, 'n', -1)
  end
end
return 0
"""


class RedisStore:
    """Counters in Redis, shared by every machine; each change is one atomic Lua script."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = _redis_client(url)
        self.prefix = prefix
        self._increment = self.client.register_script(REDIS_INCREMENT)
        self._decrement = self.client.register_script(REDIS_DECREMENT)

    def increment(self, keys: Sequence[tuple[str, int]]) -> list[Counted]:
        names = [f"{self.prefix}:{key}" for key, _ in keys]
        window_id = secrets.token_hex(8)
        answer = self._increment(
            keys=names, args=[window_id, *(window * 1000 for _, window in keys)]
        )
        return [
            Counted(key, int(n), _text(w), max(int(ttl), 0) / 1000)
            for (key, _), (n, ttl, w) in zip(keys, answer, strict=True)
        ]

    def decrement(self, counted: Iterable[Counted]) -> None:
        items = list(counted)
        self._decrement(
            keys=[f"{self.prefix}:{item.key}" for item in items],
            args=[item.window_id for item in items],
        )

    def atomic(self) -> AbstractContextManager[object]:
        # Each script is atomic by itself; between the two, a concurrent attempt may see a
        # count that is about to be taken back and be refused too early, never too late.
        return nullcontext()

    def cleanup(self) -> None:
        """Nothing to do: Redis expires each counter at the end of its window."""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@cache
def _redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per process and URL.

    A Redis that hangs must cost a visitor a fraction of a second, not the library's default of
    5 s tried four times: short connect and read timeouts, and no retries.
    """
    timeout = settings.THROTTLE_REDIS_TIMEOUT
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
    )


# Both stores answer the same four calls: `increment` adds one to each `(key, window seconds)`,
# starting a new window where one ended; `decrement` takes one back from each counter unless
# its window has since been replaced; `atomic` makes an increment and its decrement one change
# others never see half-done; `cleanup` deletes expired counters.
type Store = DatabaseStore | RedisStore


@dataclass(frozen=True)
class Reservation:
    """Attempts reserved by one password POST, to give back if the password was right."""

    store: Store
    counted: tuple[Counted, ...]


def store() -> Store:
    """The store of this deployment: Redis when configured, else the portal's database."""
    if settings.THROTTLE_REDIS_URL:
        return RedisStore(settings.THROTTLE_REDIS_URL, settings.THROTTLE_KEY_PREFIX)
    return DatabaseStore()


def _now_ms() -> int:
    return int(time.time() * 1000)


def client_address(request: HttpRequest) -> str:
    """The visitor's address: the peer, or what TRUSTED_PROXIES say in X-Forwarded-For."""
    return clientaddr.client_address(request.META, settings.TRUSTED_PROXIES)


def who_of(address: str) -> str:
    """A keyed hash of the network `address` counts as: the same for the same visitor, and
    no way back to the address without the portal's SECRET_KEY."""
    digest = salted_hmac(
        "shareportal.shares.throttling", clientaddr.counted_as(address), algorithm="sha256"
    )
    return digest.hexdigest()[:32]


def _wait(by_scope: dict[str, Counted], share: Rule) -> float | None:
    """Seconds until this attempt would be allowed; None when it is allowed now."""
    pair, address, whole = by_scope["pair"], by_scope["address"], by_scope["share"]
    waits = []
    if pair.attempts > PAIR.limit:
        waits.append(pair.seconds_left)
    if address.attempts > ADDRESS.limit:
        waits.append(address.seconds_left)
    if whole.attempts > share.limit and pair.attempts > SATURATED_TRIES:
        # Tries come back when the share's hour ends or this address's 15 minutes do.
        waits.append(min(whole.seconds_left, pair.seconds_left))
    return max(waits) if waits else None


def password_attempt_reserve(*, address: str, share_id: str) -> Reservation:
    """Count one password attempt from `address` on `share_id`, before the drive is asked.

    Raises `Throttled` (nothing counted) when a budget is spent, and `ThrottleUnavailable`
    when the store fails.
    """
    who = who_of(address)
    share = share_rule()
    keys = {
        "pair": (f"pwd:pair:{share_id}:{who}", PAIR.window),
        "address": (f"pwd:addr:{who}", ADDRESS.window),
        "share": (f"pwd:share:{share_id}", share.window),
    }
    return _reserve(keys, lambda by_scope: _wait(by_scope, share))


def code_attempt_reserve(*, address: str) -> Reservation:
    """Count one share code (`share_msg`) tried from `address`, before the drive is asked.

    A code is a secret that opens a share, like a password, but a guesser tries codes, not one
    share: `CODE` attempts per address in 15 minutes whatever the code, within the same hourly
    budget per address (`ADDRESS`) as its passwords. Give a right code's attempt back with
    `attempt_release`. Raises `Throttled` (nothing counted) when a budget is spent, and
    `ThrottleUnavailable` when the store fails.
    """
    who = who_of(address)
    keys = {
        "code": (f"code:addr:{who}", CODE.window),
        "address": (f"pwd:addr:{who}", ADDRESS.window),
    }

    def wait(by_scope: dict[str, Counted]) -> float | None:
        waits = [
            by_scope[scope].seconds_left
            for scope, rule in (("code", CODE), ("address", ADDRESS))
            if by_scope[scope].attempts > rule.limit
        ]
        return max(waits) if waits else None

    return _reserve(keys, wait)


def _reserve(
    keys: dict[str, tuple[str, int]], wait_of: Callable[[dict[str, Counted]], float | None]
) -> Reservation:
    """Count one attempt on each counter of `keys` (`{scope: (key, window)}`), all or none.

    `wait_of` says, from the counters by scope, how long the attempt must wait (None: not at
    all); a refused attempt is taken back off every counter at once.
    """
    chosen = store()
    try:
        with chosen.atomic():
            counted = {c.key: c for c in chosen.increment(list(keys.values()))}
            by_scope = {scope: counted[key] for scope, (key, _) in keys.items()}
            wait = wait_of(by_scope)
            if wait is not None:
                chosen.decrement(counted.values())
    except (redis.RedisError, DatabaseError) as exc:
        logger.warning("The password throttle's store failed: %s", type(exc).__name__)
        raise ThrottleUnavailable from exc
    _cleanup_now_and_then(chosen)
    if wait is not None:
        raise Throttled(max(1, math.ceil(wait)))
    return Reservation(store=chosen, counted=tuple(counted.values()))


def attempt_release(reservation: Reservation) -> None:
    """Give back a reserved attempt: the password or code was right, so it was no guess."""
    try:
        with reservation.store.atomic():
            reservation.store.decrement(reservation.counted)
    except (redis.RedisError, DatabaseError) as exc:
        # The visitor is in; at worst their right password counts against them once.
        logger.warning("The password throttle could not give back an attempt: %s", exc)


def password_failure_record(*, address: str, share_id: str) -> None:
    """Record one wrong password on `share_id` for its owner's dashboard (never the guess)."""
    try:
        with transaction.atomic():
            PasswordFailure.objects.create(
                share_id=share_id, who=who_of(address), at=timezone.now()
            )
    except DatabaseError as exc:
        # The owner's record is worth less than the visitor's answer.
        logger.warning("A wrong share password could not be recorded: %s", type(exc).__name__)


class FailureSummary(NamedTuple):
    """Wrong passwords tried on one share in the last `FAILURES_SHOWN`."""

    tries: int
    addresses: int
    last_at: datetime


def password_failures_recent(share_ids: Iterable[str]) -> dict[str, FailureSummary]:
    """The wrong passwords of the last 24 hours of each share that had some.

    Returns {} when the record cannot be read: the dashboard shows its shares regardless.
    """
    ids = list(share_ids)
    if not ids:
        return {}
    since = timezone.now() - FAILURES_SHOWN
    rows = (
        PasswordFailure.objects.filter(share_id__in=ids, at__gt=since)
        .values("share_id")
        .annotate(count=Count("id"), addresses=Count("who", distinct=True), last_at=Max("at"))
    )
    try:
        # A savepoint when inside a transaction, so that a failure here spoils nothing else.
        with transaction.atomic():
            return {
                row["share_id"]: FailureSummary(row["count"], row["addresses"], row["last_at"])
                for row in rows
            }
    except DatabaseError as exc:
        logger.warning("Wrong share passwords could not be read: %s", type(exc).__name__)
        return {}


_last_cleanup = [0.0]


def _cleanup_now_and_then(chosen: Store) -> None:
    """Delete expired counters and failures older than the dashboard shows, now and then."""
    moment = time.time()
    if moment - _last_cleanup[0] < CLEANUP_EVERY:
        return
    _last_cleanup[0] = moment
    try:
        with transaction.atomic():
            chosen.cleanup()
            PasswordFailure.objects.filter(at__lte=timezone.now() - FAILURES_SHOWN).delete()
    except DatabaseError as exc:
        logger.warning("Old password attempts could not be deleted: %s", type(exc).__name__)
