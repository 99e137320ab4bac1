"""iCalendar feeds: routes, the pure builder and the feed cache."""


def init_app(app) -> None:
    """Register the feed routes, the in-memory feed cache and its shortcut."""
    from ..caches import register
    from .cache import FeedCache
    from . import holiday_feed  # noqa: F401  (adds its route to bp)
    from . import fullcalendar  # noqa: F401 (its route joins the feeds' blueprint)
    from .routes import bp
    from .shortcut import Shortcut

    feed_cache = app.extensions["feed_cache"] = register(app, "feed_cache", FeedCache(
        app.config["FEED_CACHE_MAX_ENTRIES"], app.config["FEED_CACHE_MAX_BYTES"]))
    # In front of Flask: repeated feed requests are answered before a request context exists.
    app.wsgi_app = app.extensions["feed_shortcut"] = Shortcut(
        app, app.wsgi_app, feed_cache, app.config["FEED_SHORTCUT_SLOTS"])
    app.register_blueprint(bp)
