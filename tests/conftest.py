"""Fixtures: an app from the factory with a temporary instance folder, clients, tokens, factories."""

import itertools
import shutil
import sqlite3
from datetime import date, datetime, time, timedelta, timezone

import pytest

from calendar_app import clock as app_clock
from calendar_app import create_app
from calendar_app.db import connect, get_db, migrate, write_transaction
from calendar_app.repositories import tokens

_counter = itertools.count(1)


def app_config(instance) -> dict:
    """The configuration of a test application whose instance folder (and database) is `instance`."""
    return {"INSTANCE_PATH": str(instance), "TESTING": True, "SECRET_KEY": "test-secret",
            "DATABASE": str(instance / "test.sqlite3")}


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database migrated once per session: each test copies it rather than migrating its own."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    database = connect(str(path))
    migrate(database)
    database.close()  # the last connection's close checkpoints the WAL: the one file holds everything
    assert not path.with_name(path.name + "-wal").exists()
    return path


class Snapshots:
    """Databases built once per session by a recipe, each test starting from its own copy (still fresh per test)."""

    def __init__(self, folder, migrated_database):
        self.folder, self.migrated_database, self.built, self.values = folder, migrated_database, {}, {}

    def get(self, name: str, build):
        """The database of snapshot `name`, made on first use by `build(app)` on an app of its own."""
        if name not in self.built:
            instance = self.folder / name
            instance.mkdir()
            shutil.copyfile(self.migrated_database, instance / "test.sqlite3")
            self.values[name] = build(create_app(app_config(instance)))
            self.built[name] = instance / "test.sqlite3"
        return self.built[name]


SNAPSHOT_VALUES = pytest.StashKey[dict]()


def snapshot_value(request, name: str):
    """What the recipe of the module's snapshot `name` returned (the records it made, say)."""
    return request.node.stash[SNAPSHOT_VALUES][f"{request.module.__name__}.{name}"]


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory, migrated_database):
    return Snapshots(tmp_path_factory.mktemp("snapshots"), migrated_database)


@pytest.fixture
def app(request, tmp_path, migrated_database, snapshots):
    """A fresh application and database per test (the factory finds the copied database up to date).

    A test asking for fixtures named in STARTING_POINTS or in its module's SNAPSHOTS starts from a copy of
    their data, built once per session by the recipes given there (in that order).
    """
    recipes = {**STARTING_POINTS, **{f"{request.module.__name__}.{name}": build
                                     for name, build in getattr(request.module, "SNAPSHOTS", {}).items()}}
    chosen = [key for key in recipes if key.rpartition(".")[2] in request.fixturenames]

    def build(app) -> dict:
        return {key: recipes[key](app) for key in chosen}

    source = snapshots.get("+".join(chosen), build) if chosen else migrated_database
    request.node.stash[SNAPSHOT_VALUES] = snapshots.values.get("+".join(chosen), {})
    instance = tmp_path / "instance"
    instance.mkdir()
    copy_database(source, instance / "test.sqlite3")
    yield create_app(app_config(instance))


def copy_database(source, target) -> None:
    """Copy a database through SQLite (its WAL included, whatever connection its builder left open)."""
    source, target = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


class HeldClock:
    """The instant every reader of calendar_app.clock sees during a test: set it, move it on."""

    def set(self, moment: datetime | date) -> datetime:
        """Hold the clock at an aware instant; a date means noon UTC of that day (feeds cut at the UTC date)."""
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(12), timezone.utc)
        app_clock.hold(moment)
        return app_clock.utc_now()

    def advance(self, delta: timedelta) -> datetime:
        """Move the held clock on (or back, with a negative delta)."""
        return self.set(app_clock.utc_now() + delta)


@pytest.fixture
def clock():
    """Fix "now" for the test (the one supported way; never monkeypatch a module's now or today)."""
    yield HeldClock()
    app_clock.hold(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The database, inside an application context."""
    with app.app_context():
        yield get_db()


def make_token(app, scope="write", organizations=None, expires_in_days=365) -> str:
    """Create an API token directly in the database and return its secret."""
    with app.app_context():
        database = get_db()
        with write_transaction(database):
            _record, secret = tokens.create(database, f"test-{next(_counter)}", scope, organizations, expires_in_days)
    return secret


@pytest.fixture
def auth(app):
    """Headers of a write token for every organization."""
    return {"Authorization": f"Bearer {make_token(app)}"}


@pytest.fixture
def seeded(app):
    """The demo data set loaded (the app started from it: see STARTING_POINTS)."""
    return app


def seed_demo(app) -> None:
    from calendar_app.demo import seed

    with app.app_context():
        seed(get_db())


STARTING_POINTS = {"seeded": seed_demo}  # fixture name -> recipe of the database its tests start from


class Factory:
    """Create records through the API, so tests exercise the same path clients use."""

    def __init__(self, client, auth):
        self.client, self.auth = client, auth

    def _post(self, path, body):
        response = self.client.post(path, json=body, headers=self.auth)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def organization(self, **fields):
        n = next(_counter)
        return self._post("/api/v1/organizations", {"slug": f"org-{n}", "name": f"Tổ chức số {n}", **fields})

    def agreement(self, parties=None, **fields):
        n = next(_counter)
        if parties is None:
            a, b = self.organization(), self.organization()
            parties = [{"organization": a["slug"], "role": "signatory"}, {"organization": b["slug"], "role": "party"}]
        return self._post("/api/v1/agreements", {"slug": f"agreement-{n}", "title": f"Quy chế phối hợp số {n}",
                                                 "kind": "regulation", "parties": parties, **fields})

    def event(self, **fields):
        body = {"title": "Hội thảo khoa học", "kind": "joint_workshop",
                "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00", **fields}
        return self._post("/api/v1/events", body)


@pytest.fixture
def make(client, auth):
    return Factory(client, auth)
