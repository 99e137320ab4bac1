"""iCalendar feeds: routes, the pure builder and the feed cache."""


def init_app(app) -> None:
    """Register the feed routes."""
