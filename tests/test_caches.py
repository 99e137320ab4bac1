"""The one LRU class and the registry of the app's caches."""

from calendar_app import caches


def test_lru_is_bounded_by_entries_and_by_size():
    lru = caches.LRU(2, max_size=10, size=len)
    for key in "abc":
        lru.put(key, b"1234")
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (None, b"1234", b"1234") and lru.weight == 8
    lru.get("b")  # now the most recently used: "c" goes first
    lru.put("d", b"12345")
    assert (lru.get("b"), lru.get("c"), lru.get("d")) == (b"1234", None, b"12345") and lru.weight == 9


def test_a_value_too_heavy_to_keep_still_replaces_the_old_one():
    """Else a reader would go on getting the value the caller meant to replace."""
    lru = caches.LRU(4, max_size=10, size=len)
    lru.put("k", b"old")
    lru.put("k", b"x" * 11)
    assert lru.get("k") is None and lru.weight == 0 and len(lru) == 0


def test_zero_entries_keeps_nothing_and_discard_respects_only_if():
    assert len(caches.LRU(0)) == 0
    off = caches.LRU(0)
    off.put("k", 1)
    assert off.get("k") is None
    lru = caches.LRU(2)
    kept = object()
    lru.put("k", kept)
    lru.discard("k", only_if=object())
    assert lru.get("k") is kept
    lru.discard("k", only_if=kept)
    assert lru.get("k") is None


def test_clear_all_empties_every_registered_cache(app, client, make):
    """A restore clears them all at once: the feed cache, the shortcut's slots, list bodies, representations."""
    organization = make.organization()
    make.event(organizations=[organization["slug"]])
    client.get("/feeds/all.ics")
    client.get("/api/v1/events")
    registered = caches.registered(app)
    assert {"feed_cache", "feed_shortcut", "list_bodies", "event_representations"} <= set(registered)
    lrus = [registered["feed_cache"], registered["feed_shortcut"], registered["list_bodies"].bodies,
            registered["event_representations"].kept]
    assert all(len(lru) for lru in lrus)
    caches.clear_all(app)
    assert not any(len(lru) for lru in lrus)
