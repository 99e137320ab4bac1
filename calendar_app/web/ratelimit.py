"""Sign-in failures per username and address, kept in process, so passwords cannot be guessed quickly."""

import threading
import time
from collections import deque


class FailureLimiter:
    """Refuse a key after `limit` failures within `window` seconds (a sliding window)."""

    def __init__(self, limit: int = 5, window: float = 900, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[tuple, deque] = {}
        self._lock = threading.Lock()  # threaded servers share one limiter

    def _recent(self, key) -> deque:
        failures = self._failures.get(key, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def blocked(self, key) -> bool:
        """Whether the key has used up its failures for now."""
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def record_failure(self, key) -> None:
        with self._lock:
            failures = self._recent(key)
            failures.append(self.clock())
            self._failures[key] = failures

    def reset(self, key) -> None:
        """Forget a key's failures after a successful sign-in."""
        with self._lock:
            self._failures.pop(key, None)


def limiter_for(app) -> FailureLimiter:
    """The application's limiter, created on first use from its configuration."""
    if "calendar_login_limiter" not in app.extensions:
        app.extensions["calendar_login_limiter"] = FailureLimiter(
            app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    return app.extensions["calendar_login_limiter"]
