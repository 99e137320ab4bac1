"""iCalendar feeds: routes, the pure builder and the feed cache."""


def init_app(app) -> None:
    """Register the feed routes, the in-memory feed cache and the ICS import command."""
    from ..importer import import_ics_command
    from .cache import FeedCache
    from .routes import bp

    app.extensions["feed_cache"] = FeedCache(app.config.get("FEED_CACHE_MAX_ENTRIES", 64),
                                             app.config.get("FEED_CACHE_MAX_BYTES", 32 * 1024 * 1024))
    app.register_blueprint(bp)
    app.cli.add_command(import_ics_command)
