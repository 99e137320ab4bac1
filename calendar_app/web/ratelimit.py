"""Sign-in attempts limited per address and, with a growing delay, per username.

The count lives in SQLite rather than in process memory: gunicorn runs several workers, and a
per-process count would let an attacker multiply the limit by the number of workers.

Per username there is no lock-out: after LOGIN_MAX_FAILURES failures each further attempt waits
LOGIN_DELAY_SECONDS, doubling per failure up to LOGIN_MAX_DELAY_SECONDS, so someone guessing
slows to a crawl while the editor with the right password waits at most that long. Per address,
LOGIN_MAX_FAILURES_PER_ADDRESS failures within the window refuse further attempts (one client
trying many usernames); behind a proxy that address is the client's only with TRUSTED_PROXIES set.
"""

import time
from dataclasses import dataclass

from ..db import write_transaction


@dataclass(frozen=True)
class Refusal:
    """Why an attempt was not let through, and how long to wait."""

    reason: str  # "username" or "address"
    retry_after: int  # seconds


class AttemptLimiter:
    """Admit an attempt (recording it first, atomically) or refuse it; forget a username's on success."""

    def __init__(self, free: int = 5, window: float = 900, delay: float = 2, max_delay: float = 60,
                 per_address: int = 30, clock=time.time):
        self.free, self.window, self.delay, self.max_delay = free, window, delay, max_delay
        self.per_address, self.clock = per_address, clock

    def admit(self, db, username: str, address: str | None) -> int | Refusal:
        """Record the attempt and return its id, or a Refusal; the password is checked only after this.

        One write transaction (BEGIN IMMEDIATE) holds the count and the insert together: parallel
        attempts, in any worker, are counted one after the other, so none slips in between.
        """
        now, name, address = self.clock(), username.casefold(), address or "-"
        with write_transaction(db):
            db.execute("delete from signin_attempts where at <= ?", [now - self.window])
            from_address = db.execute("select count(*), min(at) from signin_attempts where address = ?",
                                      [address]).fetchone()
            if from_address[0] >= self.per_address:
                return Refusal("address", _seconds(from_address[1] + self.window - now))
            failures, last = db.execute("select count(*), max(at) from signin_attempts where username = ?",
                                        [name]).fetchone()
            if failures >= self.free:
                wait = last + self.wait_after(failures) - now
                if wait > 0:
                    return Refusal("username", _seconds(wait))
            return db.execute("insert into signin_attempts (username, address, at) values (?, ?, ?)",
                              [name, address, now]).lastrowid

    def wait_after(self, failures: int) -> float:
        """The delay before the next attempt once `failures` (≥ free) have been made."""
        return min(self.delay * 2 ** (failures - self.free), self.max_delay)

    def succeeded(self, db, username: str) -> None:
        """Forget the username's attempts (this one included) after the right password."""
        with write_transaction(db):
            db.execute("delete from signin_attempts where username = ?", [username.casefold()])


def _seconds(value: float) -> int:
    return max(1, int(value + 0.999))


def limiter_for(app) -> AttemptLimiter:
    """The application's limiter, created on first use from its configuration."""
    if "calendar_login_limiter" not in app.extensions:
        config = app.config
        app.extensions["calendar_login_limiter"] = AttemptLimiter(
            config["LOGIN_MAX_FAILURES"], config["LOGIN_FAILURE_WINDOW_SECONDS"], config["LOGIN_DELAY_SECONDS"],
            config["LOGIN_MAX_DELAY_SECONDS"], config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
    return app.extensions["calendar_login_limiter"]
