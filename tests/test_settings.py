"""Configuration: defaults, the generated secret key, and CALENDAR_APP_* environment variables."""

import stat
from pathlib import Path

from calendar_app import create_app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance)})
    key_file = instance / "secret_key"
    key = key_file.read_text()
    assert app.config["SECRET_KEY"] == key and len(key) == 64 and int(key, 16) >= 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app({"INSTANCE_PATH": str(instance)}).config["SECRET_KEY"] == key  # sessions survive restarts


def test_database_defaults_to_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    assert app.config["DATABASE"] == str(instance / "calendar_app.sqlite3")
    assert Path(app.config["DATABASE"]).exists()
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024 and app.config["LIST_LIMIT_MAX"] == 500


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    database = tmp_path / "elsewhere" / "lich.sqlite3"
    monkeypatch.setenv("CALENDAR_APP_DATABASE", str(database))
    monkeypatch.setenv("CALENDAR_APP_SECRET_KEY", "khoa-bi-mat")
    monkeypatch.setenv("CALENDAR_APP_FEED_MAX_AGE_SECONDS", "60")
    monkeypatch.setenv("CALENDAR_APP_PUBLIC_BASE_URL", "https://lich.example.vn")
    app = create_app()
    assert app.config["DATABASE"] == str(database) and database.exists()
    assert app.config["SECRET_KEY"] == "khoa-bi-mat"
    assert app.config["FEED_MAX_AGE_SECONDS"] == 60  # read as JSON
    assert app.config["PUBLIC_BASE_URL"] == "https://lich.example.vn"
    assert app.test_client().get("/api/v1/organizations").get_json() == {"items": [], "total": 0, "next": None}
