"""calendar_app: events and signing ceremonies of coordination agreements, as JSON and iCalendar."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, database, API, feeds, pages and CLI."""
    instance_path = (config or {}).get("INSTANCE_PATH")  # tests point this at a temporary folder
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    from . import api, cli, cors, db, errors, feeds, settings, web
    from .body import BoundedRequest

    app.request_class = BoundedRequest

    settings.load(app, config)
    app.json.ensure_ascii = False  # Vietnamese text goes out as UTF-8, byte for byte
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    feeds.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    cors.init_app(app)
    if app.config["TRUSTED_PROXIES"]:  # outermost, so every layer sees the client's address and scheme
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app
