"""iCalendar feeds: routes, the pure builder and the feed cache."""


FEED_SIZE_VERDICTS = 256  # feeds whose size check is remembered per worker (a few bytes each)


def init_app(app) -> None:
    """Register the feed routes, the in-memory feed cache and its shortcut."""
    from ..caches import LRU, register
    from .cache import FeedCache
    from . import holiday_feed, personal  # noqa: F401  (they add their routes to bp)
    from .routes import bp
    from .shortcut import Shortcut

    feed_cache = app.extensions["feed_cache"] = register(app, "feed_cache", FeedCache(
        app.config["FEED_CACHE_MAX_ENTRIES"], app.config["FEED_CACHE_MAX_BYTES"]))
    # Whether a feed is over FEED_MAX_EVENTS, per feed, versions and day (feeds.routes._too_large).
    app.extensions["feed_size_verdicts"] = register(app, "feed_size_verdicts", LRU(FEED_SIZE_VERDICTS))
    # In front of Flask: repeated feed requests are answered before a request context exists.
    app.wsgi_app = app.extensions["feed_shortcut"] = Shortcut(
        app, app.wsgi_app, feed_cache, app.config["FEED_SHORTCUT_SLOTS"])
    app.register_blueprint(bp)
