"""Server-rendered pages and the forms staff use to add events."""


def init_app(app) -> None:
    """Register the pages."""
