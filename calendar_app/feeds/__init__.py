"""iCalendar feeds: routes, the pure builder and the feed cache."""


def init_app(app) -> None:
    """Register the feed routes, the in-memory feed cache, its shortcut and the ICS import command."""
    from ..importer import import_ics_command
    from .cache import FeedCache
    from .routes import bp
    from .shortcut import DEFAULT_SLOTS, Shortcut

    feed_cache = app.extensions["feed_cache"] = FeedCache(app.config.get("FEED_CACHE_MAX_ENTRIES", 64),
                                                          app.config.get("FEED_CACHE_MAX_BYTES", 32 * 1024 * 1024))
    # In front of Flask: repeated feed requests are answered before a request context exists.
    app.wsgi_app = app.extensions["feed_shortcut"] = Shortcut(
        app, app.wsgi_app, feed_cache, app.config.get("FEED_SHORTCUT_SLOTS", DEFAULT_SLOTS))
    app.register_blueprint(bp)
    app.cli.add_command(import_ics_command)
