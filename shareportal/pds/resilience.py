"""What keeps a sick drive from taking the portal down with it, per portal process.

Three guards, each owned by the process's `PdsClient` (rebuilt with it when the settings
change), each cheap enough to sit in front of every call (a few microseconds, no thread):

- `Bulkhead`: drive calls may hold only some of the process's threads, so that pages needing
  no drive (static files, the home page, error pages) always find a thread;
- `CircuitBreaker`, one per drive host: after a run of failures the portal stops asking the
  drive for a cool-down, then lets one probe through, which closes it again or not;
- `RetryBudget`: retries may add about a tenth to the calls made, so that a failing drive is
  not sent three calls per page.

The state is the process's own: each gunicorn worker learns on its own that the drive is
down (a few failed calls each), which is simpler than sharing it and costs little.
"""

import logging
import math
import threading
import time
from collections.abc import Callable

from . import errors

logger = logging.getLogger(__name__)

# What a visitor turned away for want of a slot is told to wait.
NO_SLOT_RETRY_AFTER = 2


class Bulkhead:
    """At most `size` drive calls at once; a call finding none free waits `wait` s at most.

    Busy and stuck are told apart by whether calls finish. While slots are released, a call
    waits its turn (a burst on a healthy drive). Once a call waited a whole `wait` without any
    slot being released, the holders are stuck (a stalled drive holds them to the deadline):
    until one is released, calls finding no free slot fail at once, so that a queue of visitors
    each waiting in turn does not keep the free threads, and the static files behind them, busy.
    """

    def __init__(self, size: int, *, wait: float) -> None:
        if size < 1:
            raise ValueError("a bulkhead needs at least one slot")
        self.size = size
        self.wait = wait
        self._slots = threading.BoundedSemaphore(size)
        # Counted without a lock: a release lost to a race only delays telling "unstuck".
        self._releases = 0
        self._stuck_at = -1  # the release count when calls were found stuck; -1: not stuck

    def acquire(self) -> None:
        """Take a slot, or raise `NoSlot`."""
        if self._slots.acquire(blocking=False):
            return
        releases = self._releases
        if releases != self._stuck_at:
            if self._slots.acquire(timeout=self.wait):
                return
            if self._releases == releases:
                self._stuck_at = releases
        raise errors.NoSlot(
            "every drive slot of this process is taken", retry_after=NO_SLOT_RETRY_AFTER
        )

    def release(self) -> None:
        self._slots.release()
        self._releases += 1


class CircuitBreaker:
    """Closed, open after `failures` failures in a row, then half-open: one probe at a time.

    Failures are what says the drive is sick (no answer, a timeout, a 5xx, garbage); any answer
    of the API, a 4xx included, is a success: the drive is there and speaking.
    """

    def __init__(
        self,
        host: str,
        *,
        failures: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host = host
        self.threshold = max(1, failures)
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0  # 0: closed
        self._probe_since = 0.0  # when the probe in flight was let through; 0: none

    @property
    def is_open(self) -> bool:
        """Open or half-open: the last calls failed and no probe has succeeded since."""
        return self._open_until != 0.0

    def check(self) -> None:
        """Let a call through, or raise `CircuitOpen`. Closed, this reads one attribute."""
        if not self._open_until:
            return
        with self._lock:
            now = self._clock()
            if self._open_until and now < self._open_until:
                raise errors.CircuitOpen(
                    "the drive is failing; not asked", retry_after=_seconds(self._open_until - now)
                )
            if self._open_until and self._probe_since and now - self._probe_since < self.cooldown:
                # Another thread's probe is on its way (bounded by its deadline).
                raise errors.CircuitOpen("the drive is being probed; not asked", retry_after=1)
            if self._open_until:
                self._probe_since = now

    def succeeded(self) -> None:
        if not self._failures and not self._open_until:
            return
        with self._lock:
            if self._open_until:
                logger.warning("PDS host %s answers again: circuit closed", self.host)
            self._failures = 0
            self._open_until = 0.0
            self._probe_since = 0.0

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if not self._open_until and self._failures < self.threshold:
                return
            if not self._open_until:
                logger.warning(
                    "PDS host %s failed %d calls in a row: circuit open for %.0f s",
                    self.host,
                    self._failures,
                    self.cooldown,
                )
            self._open_until = self._clock() + self.cooldown
            self._probe_since = 0.0


class RetryBudget:
    """Retries may add `ratio` to the calls made, plus a small `reserve` for quiet times.

    A token bucket: each first attempt adds `ratio` of a token, up to `reserve`; a retry takes a
    whole one. Over any stretch of calls, retries stay under `reserve + ratio * calls`.
    """

    def __init__(self, *, ratio: float = 0.1, reserve: float = 3.0) -> None:
        self.ratio = ratio
        self.reserve = reserve
        self._balance = reserve
        self._lock = threading.Lock()

    def deposit(self) -> None:
        # Unlocked: two threads adding at once may lose a tenth of a token, which only errs
        # on the side of fewer retries.
        if self._balance < self.reserve:
            self._balance = min(self.reserve, self._balance + self.ratio)

    def withdraw(self) -> bool:
        """Take one retry from the budget; False when there is none left."""
        with self._lock:
            if self._balance < 1:
                return False
            self._balance -= 1
            return True


def _seconds(delay: float) -> int:
    """Whole seconds for `Retry-After`, at least 1."""
    return max(1, math.ceil(delay))
