"""A live server holding the scenario's calendar, one per client module (see scenario.py)."""

import threading
from datetime import datetime, timedelta

import pytest
from werkzeug.serving import make_server

from calendar_app import create_app
from calendar_app.db import get_db, write_transaction
from calendar_app.repositories import tokens

from conftest import copy_database

from .scenario import HCM, Scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, migrated_database):
    """The application on a free 127.0.0.1 port (werkzeug, in a thread) with the scenario's events.

    The events start the Monday after next, so the feed's window (today minus a year on) always holds them.
    """
    instance = tmp_path_factory.mktemp("clients-instance")
    copy_database(migrated_database, instance / "clients.sqlite3")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "client-tests",
                      "DATABASE": str(instance / "clients.sqlite3")})
    with app.app_context():
        database = get_db()
        with write_transaction(database):
            _record, secret = tokens.create(database, "client tests", "write", None, 1)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    today = datetime.now(HCM).date()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    built = Scenario(f"http://127.0.0.1:{server.server_port}", secret, monday)
    built.create()
    yield built
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
