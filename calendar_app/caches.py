"""The one bounded LRU the app's in-memory caches use, and the registry that clears them all at once.

Every cache of a worker registers here, so that a restored or vanished database file (db.py
notices it) clears each of them exactly once, and tests can reset them in one call.
"""

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

_MISSING = object()


class LRU:
    """A least-recently-used map bounded by entry count and, optionally, by the size of its values.

    Thread-safe. `size` tells how much a value weighs against `max_size` (bytes, say); a value
    heavier than `max_size` alone is never kept. `max_entries=0` keeps nothing.
    """

    def __init__(self, max_entries: int, max_size: int | None = None, size: Callable[[Any], int] | None = None):
        self.max_entries, self.max_size = max_entries, max_size
        self._size = size or (lambda _value: 0)
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        """The value kept under key (now the most recently used), or default."""
        with self._lock:
            try:
                value = self._items[key]
            except KeyError:
                return default
            self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        """Keep value under key, evicting the least recently used entries beyond the bounds."""
        weight = self._size(value)
        with self._lock:
            old = self._items.pop(key, _MISSING)  # a value too heavy to keep still replaces the old one
            if old is not _MISSING:
                self._weight -= self._size(old)
            if self.max_entries <= 0 or (self.max_size is not None and weight > self.max_size):
                return
            self._items[key] = value
            self._weight += weight
            while len(self._items) > self.max_entries or (self.max_size is not None and self._weight > self.max_size):
                _key, evicted = self._items.popitem(last=False)
                self._weight -= self._size(evicted)

    def discard(self, key: Hashable, only_if=None) -> None:
        """Forget key; with only_if, only while it still holds that very value (another thread may have replaced it)."""
        with self._lock:
            if only_if is not None and self._items.get(key) is not only_if:
                return
            old = self._items.pop(key, _MISSING)
            if old is not _MISSING:
                self._weight -= self._size(old)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def weight(self) -> int:
        """The summed size of the kept values."""
        return self._weight


def register(app, name: str, cache) -> Any:
    """Record one of the app's caches (anything with clear()) under a name, and return it."""
    app.extensions.setdefault("calendar_caches", {})[name] = cache
    return cache


def registered(app) -> dict:
    """The app's caches by name."""
    return app.extensions.get("calendar_caches", {})


def clear_all(app) -> None:
    """Empty every registered cache (after a restore, or when the database file vanished)."""
    for cache in registered(app).values():
        cache.clear()
