"""Sign-in failures per username and address, counted in the database so passwords cannot be guessed quickly.

The count lives in SQLite rather than in process memory: gunicorn runs several workers, and a
per-process count would let an attacker multiply the limit by the number of workers.
"""

import time

from ..db import write_transaction


def limiter_key(username: str, address: str | None) -> str:
    """One key per (username, address): a wrong password elsewhere does not lock a clerk out."""
    return f"{username.casefold()}\x1f{address or '-'}"


class FailureLimiter:
    """Refuse a key after `limit` failures within `window` seconds (a sliding window)."""

    def __init__(self, limit: int = 5, window: float = 900, clock=time.time):
        self.limit, self.window, self.clock = limit, window, clock

    def blocked(self, db, key: str) -> bool:
        """Whether the key has used up its failures for now."""
        count = db.execute("select count(*) from signin_failures where key = ? and at > ?",
                           [key, self.clock() - self.window]).fetchone()[0]
        return count >= self.limit

    def record_failure(self, db, key: str) -> None:
        """Count one failure, forgetting failures older than the window."""
        now = self.clock()
        with write_transaction(db):
            db.execute("delete from signin_failures where at <= ?", [now - self.window])
            db.execute("insert into signin_failures (key, at) values (?, ?)", [key, now])

    def reset(self, db, key: str) -> None:
        """Forget a key's failures after a successful sign-in."""
        with write_transaction(db):
            db.execute("delete from signin_failures where key = ?", [key])


def limiter_for(app) -> FailureLimiter:
    """The application's limiter, created on first use from its configuration."""
    if "calendar_login_limiter" not in app.extensions:
        app.extensions["calendar_login_limiter"] = FailureLimiter(
            app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    return app.extensions["calendar_login_limiter"]
