"""Configuration: defaults, the generated secret key, and CALENDAR_APP_* environment variables."""

import re
import stat
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import Factory, make_token
from icalendar import Calendar
from test_web import create_editor, csrf_token, event_form, post_form, sign_in

from calendar_app import clock as app_clock
from calendar_app import create_app
from calendar_app.db import get_db, thread_db, write_transaction


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


# --- every setting changes what it says (issue 9, defect 6) ----------------------------------------------
# The cache sizes (FEED_CACHE_*, FEED_SHORTCUT_SLOTS, LIST_CACHE_*, EVENT_CACHE_ENTRIES) are held by
# the caches' own tests; DATABASE and SECRET_KEY by the tests above.

TIMED = {"title": "Hội nghị giao ban", "kind": "review_meeting",
         "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00"}


def _app(tmp_path, **settings):
    instance = tmp_path / "instance"
    return create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "SECRET_KEY": "test-secret",
                       "DATABASE": str(instance / "test.sqlite3"), **settings})


def _setup(app):
    client = app.test_client()
    auth = {"Authorization": f"Bearer {make_token(app)}"}
    return client, auth, Factory(client, auth)


def _days_ago(days: int) -> dict:
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=days)
    return {**TIMED, "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}


def _feed(client, path="/feeds/all.ics"):
    response = client.get(path)
    assert response.status_code == 200
    return response


def _summaries(client) -> list[str]:
    calendar = Calendar.from_ical(_feed(client).data)
    return sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))


def observe_default_timezone(app):
    client, auth, make = _setup(app)
    stored = make.event(**TIMED)["timezone"]
    feed = Calendar.from_ical(_feed(client).data)["X-WR-TIMEZONE"]
    create_editor(app)
    sign_in(client)
    form = event_form(title="Hội nghị từ biểu mẫu")
    del form["timezone"]
    assert post_form(client, "/events/new", form).status_code == 302
    with app.app_context():
        from_form = get_db().execute("select timezone from events where title = ?",
                                     ["Hội nghị từ biểu mẫu"]).fetchone()[0]
    return stored, str(feed), from_form


def observe_list_limit_default(app):
    client, auth, make = _setup(app)
    for _ in range(3):
        make.event(**TIMED)
    return len(client.get("/api/v1/events").get_json()["items"])


def observe_list_limit_max(app):
    client, _auth, _make = _setup(app)
    return tuple(client.get(f"/api/v1/events?limit={n}").status_code for n in (10, 11, 400))


def observe_max_content_length(app):
    client, auth, _make = _setup(app)
    return client.post("/api/v1/events", json={**TIMED, "description": "x" * 2000}, headers=auth).status_code


def observe_feed_max_age(app):
    client, _auth, _make = _setup(app)
    return _feed(client).headers["Cache-Control"]


def observe_feed_refresh(app):
    client, _auth, _make = _setup(app)
    return Calendar.from_ical(_feed(client).data)["REFRESH-INTERVAL"].to_ical().decode()


def observe_feed_retry_after(app):
    client, _auth, make = _setup(app)
    event = make.event(**TIMED)
    with app.app_context():
        database = get_db()
        with write_transaction(database):  # a hand edit: the row no code can read
            database.execute("update events set timezone = 'Mars/Olympus' where id = ?", [event["id"]])
    response = client.get("/feeds/all.ics")
    return response.status_code, response.headers["Retry-After"]


def observe_feed_past_days(app):
    client, _auth, make = _setup(app)
    make.event(**{**_days_ago(10), "title": "Mười ngày trước"})
    return _summaries(client)


def observe_feed_expand_days(app):
    client, _auth, make = _setup(app)
    make.event(**{**_days_ago(-20), "title": "Hằng ngày", "rrule": "FREQ=DAILY;COUNT=30"})
    return len(Calendar.from_ical(_feed(client, "/feeds/all.ics?expand=1").data).walk("VEVENT"))


def observe_cancelled_retention(app):
    client, _auth, make = _setup(app)
    event = make.event(**{**TIMED, "status": "cancelled", "title": "Đã hủy"})
    with app.app_context():
        db = get_db()
        moment = (datetime.now(timezone.utc) - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        db.execute("update events set cancelled_at = ? where id = ?", [moment, event["id"]])
        db.conn.commit()
    return _summaries(client)


def observe_occurrence_window(app):
    client, _auth, _make = _setup(app)
    return client.get("/api/v1/occurrences?from=2026-12-01T00:00:00%2B07:00&to=2026-12-21T00:00:00%2B07:00"
                      ).status_code


def observe_occurrence_max_results(app):
    client, _auth, make = _setup(app)
    make.event(**TIMED, rrule="FREQ=DAILY;COUNT=5")
    return client.get("/api/v1/occurrences?from=2026-12-01T00:00:00%2B07:00&to=2026-12-31T00:00:00%2B07:00"
                      ).status_code


def observe_search_total_limit(app):
    client, _auth, make = _setup(app)
    for _ in range(3):
        make.event(**TIMED)
    body = client.get("/api/v1/events?q=giao+ban&limit=1").get_json()
    return body["total"], body["total_is_lower_bound"], body["next"] is not None


def observe_public_base_url(app):
    _client, _auth, make = _setup(app)
    return make.event(**TIMED)["ics_url"].split("/events/")[0]


def observe_import_max_bytes(app):
    client, auth, make = _setup(app)
    slug = make.organization()["slug"]
    body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n" + " " * 200).encode()
    return client.post(f"/api/v1/import?organization={slug}", data=body,
                       headers={**auth, "Content-Type": "text/calendar"}).status_code


def observe_login_max_failures(app):
    client, _auth, _make = _setup(app)
    create_editor(app)
    sign_in(client, password="sai mật khẩu")
    return sign_in(client).status_code  # 302 signed in, 429 locked out


def _held_clock(app) -> None:
    """Hold the sign-in limiter's clock, so a wait reads the same however slow the checks."""
    from calendar_app.web.ratelimit import limiter_for
    limiter_for(app).clock = lambda: 1_000_000.0


def observe_login_failure_window(app):
    """How long an address that failed too often is refused: about the window."""
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 1  # read when the limiter is first used
    client, _auth, _make = _setup(app)
    create_editor(app)
    sign_in(client, password="sai mật khẩu")
    refused = sign_in(client)
    assert refused.status_code == 429
    return round(int(refused.headers["Retry-After"]), -2)


def observe_login_delay(app):
    client, _auth, _make = _setup(app)
    create_editor(app)
    _held_clock(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, password="sai mật khẩu")
    return sign_in(client).headers["Retry-After"]


def observe_login_failures_per_address(app):
    client, _auth, _make = _setup(app)
    create_editor(app)
    for n in range(2):
        sign_in(client, f"nguoi-{n}", "sai mật khẩu")
    return sign_in(client).status_code


def observe_trusted_proxies(app):
    client, _auth, _make = _setup(app)
    client.post("/login", data={"username": "ai-do", "password": "sai", "csrf_token": csrf_token(client)},
                headers={"X-Forwarded-For": "198.51.100.9"})
    with app.app_context():
        return get_db().execute("select address from signin_attempts").fetchone()[0]


def observe_password_min_length(app):
    return app.test_cli_runner().invoke(args=["create-user", "lan"], input="mật khẩu dài\nmật khẩu dài\n").exit_code


def observe_busy_timeout(app):
    with app.app_context():
        return thread_db(app).execute("PRAGMA busy_timeout").fetchone()[0]


def observe_keep_connections(app):
    connections = []
    for _ in range(2):
        with app.app_context():
            connections.append(get_db())  # the object, not id(): a freed id can be reused
    return connections[0] is connections[1]


def observe_samesite(app):
    client, _auth, _make = _setup(app)
    client.get("/login")
    return client.get_cookie("session").same_site


def observe_footer(app):
    """The footer line of a page, as text."""
    html = app.test_client().get("/organizations").get_data(as_text=True)
    return re.sub(r"<[^>]+>", "", re.search(r'<p class="publisher">(.*?)</p>', html).group(1))


def observe_api_title(app):
    client, _auth, _make = _setup(app)
    return client.get("/api/v1/openapi.json").get_json()["info"]["title"]


# --- webhooks: a receiver on a closed port, so every attempt fails at once ---------------------------------

CLOSED_RECEIVER = "http://127.0.0.1:9/h"


def _webhook_world(app):
    app.config["WEBHOOK_ALLOW_HTTP_HOSTS"] = ["127.0.0.1"]
    client, auth, make = _setup(app)
    organization = make.organization()
    hook = client.post("/api/v1/webhooks", json={"url": CLOSED_RECEIVER, "organizations": [organization["slug"]]},
                       headers=auth).get_json()
    make.event(organizations=[organization["slug"]])
    return client, auth, hook


def _attempt(app):
    assert app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"]).exit_code == 0


def _delivery(client, auth, hook) -> dict:
    return client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth).get_json()["items"][0]


def _webhook_waits(app, attempts: int) -> list[int]:
    """The seconds waited after each of `attempts` failed attempts."""
    app_clock.hold(datetime(2026, 12, 1, 8, tzinfo=timezone.utc))
    try:
        client, auth, hook = _webhook_world(app)
        waits = []
        for _ in range(attempts):
            _attempt(app)
            due = app_clock.from_stored(_delivery(client, auth, hook)["next_attempt_at"])
            waits.append(int((due - app_clock.utc_now()).total_seconds()))
            app_clock.hold(due)
        return waits
    finally:
        app_clock.hold(None)


def observe_webhook_http_hosts(app):
    client, auth, make = _setup(app)
    organization = make.organization()
    return client.post("/api/v1/webhooks", json={"url": CLOSED_RECEIVER, "organizations": [organization["slug"]]},
                       headers=auth).status_code


def observe_webhook_timeout(app):
    """The timeout each attempt is made with (the opener is stopped before it connects)."""
    seen, original = [], urllib.request.OpenerDirector.open

    def record(self, request, data=None, timeout=None):
        seen.append(timeout)
        raise OSError("not sent")

    urllib.request.OpenerDirector.open = record
    try:
        _webhook_world(app)
        _attempt(app)
    finally:
        urllib.request.OpenerDirector.open = original
    return seen


def observe_webhook_retry_hours(app):
    app_clock.hold(datetime(2026, 12, 1, 8, tzinfo=timezone.utc))
    try:
        client, auth, hook = _webhook_world(app)
        _attempt(app)
        app_clock.hold(datetime(2026, 12, 1, 10, tzinfo=timezone.utc))
        _attempt(app)
        return _delivery(client, auth, hook)["state"]
    finally:
        app_clock.hold(None)


def observe_webhooks_per_token(app):
    client, auth, make = _setup(app)
    organization = make.organization()
    return [client.post("/api/v1/webhooks", json={"url": "https://a.example/h", "organizations": [organization["slug"]]},
                        headers=auth).status_code for _ in range(3)]


def _document_text(app) -> list[str]:
    """The paragraphs of a Word export's frame as these settings make it."""
    import io
    from datetime import date

    from docx import Document
    from test_document_frame import paragraphs

    from calendar_app.exports.document_frame import finish, frame_from_config, open_document
    frame = frame_from_config(app.config, issuing_body="Văn phòng", title="LỊCH", issued_on=date(2027, 3, 5))
    return paragraphs(Document(io.BytesIO(finish(open_document(frame), frame))))


def observe_document_place(app):
    return [t for t in _document_text(app) if "ngày 05 tháng 03" in t]


def observe_document_recipients(app):
    return [t for t in _document_text(app) if t.startswith("- ")]


def observe_document_signer(app):
    text = _document_text(app)
    return text[text.index("LỊCH") + 1:][-2:]


def observe_document_issuing_body(app):
    """The issuing body of /week.docx when no organization is chosen: the header's first cell."""
    import io

    from docx import Document
    client, _auth, _make = _setup(app)
    doc = Document(io.BytesIO(client.get("/week.docx?start=2027-03-08").data))
    return doc.tables[0].rows[0].cells[0].paragraphs[0].text


def observe_replica_url(app):
    from calendar_app.replication import ReplicationError, write_config
    try:
        return write_config(app.config).read_text().split("url: ")[1].split("\n")[0]
    except ReplicationError:
        return None


def observe_sync_interval(app):
    from calendar_app.replication import write_config
    config = {**app.config, "LITESTREAM_REPLICA_URL": "file:///mnt/backup/lich"}
    return write_config(config).read_text().split("sync-interval: ")[1].strip()


def observe_litestream_binary(app):
    from calendar_app.replication import litestream_binary
    return Path(litestream_binary(app.config)).name, Path(litestream_binary(app.config)).is_absolute()


def observe_cors_origins(app):
    client, auth, _make = _setup(app)
    answer = client.get("/api/v1/events", headers={**auth, "Origin": "https://cong.example.gov.vn"})
    return answer.headers.get("Access-Control-Allow-Origin")


def observe_embed_allowed_origins(app):
    _client, _auth, make = _setup(app)
    slug = make.organization()["slug"]
    policy = app.test_client().get(f"/embed/organizations/{slug}").headers["Content-Security-Policy"]
    return policy.split("frame-ancestors ")[1].split(";")[0]
def observe_follow_up_expiring_days(app):
    """Which agreements the follow-up counts as ending soon: one ending in 60 days."""
    client, _auth, make = _setup(app)
    ending = (datetime.now(timezone.utc) + timedelta(days=60)).date().isoformat()
    agreement = make.agreement(valid_from="2020-01-01", valid_until=ending)
    return [a["slug"] for a in client.get("/api/v1/follow-up").get_json()["expiring"]] == [agreement["slug"]]


def observe_feed_max_events(app):
    """The combined feed of one event: served, or refused as holding too many."""
    client, _auth, make = _setup(app)
    make.event(**TIMED)
    return client.get("/feeds/all.ics").status_code


def observe_publish_week_exports(app):
    """The kinds of week export publish-feeds writes, for the whole calendar and per organization."""
    import tempfile

    from calendar_app.publish import Publisher
    _client, _auth, make = _setup(app)
    make.organization(slug="doan-thanh-nien")
    with tempfile.TemporaryDirectory() as out:
        written = Publisher(app, Path(out)).publish_changed()
    return sorted({("organization" if "/doan-thanh-nien." in path else "calendar", path.rsplit(".", 1)[1])
                   for path in written if path.startswith("/week/")})


SETTINGS = [
    ("DEFAULT_TIMEZONE", "Europe/Paris", observe_default_timezone,
     ("Asia/Ho_Chi_Minh",) * 3, ("Europe/Paris",) * 3),
    ("LIST_LIMIT_DEFAULT", 2, observe_list_limit_default, 3, 2),
    ("LIST_LIMIT_MAX", 10, observe_list_limit_max, (200, 200, 200), (200, 422, 422)),
    ("MAX_CONTENT_LENGTH", 1000, observe_max_content_length, 201, 413),
    ("FEED_MAX_AGE_SECONDS", 60, observe_feed_max_age, "public, max-age=900", "public, max-age=60"),
    ("FEED_REFRESH_SECONDS", 7200, observe_feed_refresh, "PT1H", "PT2H"),
    ("FEED_RETRY_AFTER_SECONDS", 60, observe_feed_retry_after, (503, "300"), (503, "60")),
    ("FEED_MAX_EVENTS", 0, observe_feed_max_events, 200, 400),
    ("PUBLISH_WEEK_EXPORTS", {"calendar": ["xlsx"], "organizations": ["pdf"]}, observe_publish_week_exports,
     [("calendar", "docx"), ("calendar", "pdf"), ("calendar", "xlsx"), ("organization", "docx"),
      ("organization", "xlsx")], [("calendar", "xlsx"), ("organization", "pdf")]),
    ("FEED_PAST_DAYS", 5, observe_feed_past_days, ["Mười ngày trước"], []),
    ("FEED_CANCELLED_RETENTION_DAYS", 2, observe_cancelled_retention, ["Đã hủy"], []),
    ("FEED_EXPAND_DAYS", 25, observe_feed_expand_days, 30, 5),
    ("OCCURRENCE_WINDOW_MAX_DAYS", 10, observe_occurrence_window, 200, 400),
    ("OCCURRENCE_MAX_RESULTS", 3, observe_occurrence_max_results, 200, 400),
    ("SEARCH_TOTAL_LIMIT", 2, observe_search_total_limit, (3, False, True), (2, True, True)),
    ("PUBLIC_BASE_URL", "https://lich.example.vn", observe_public_base_url, "http://localhost",
     "https://lich.example.vn"),
    ("IMPORT_MAX_BYTES", 100, observe_import_max_bytes, 200, 400),
    ("LOGIN_MAX_FAILURES", 1, observe_login_max_failures, 302, 429),
    ("LOGIN_FAILURE_WINDOW_SECONDS", 600, observe_login_failure_window, 900, 600),
    ("LOGIN_DELAY_SECONDS", 7, observe_login_delay, "2", "7"),
    ("LOGIN_MAX_DELAY_SECONDS", 1, observe_login_delay, "2", "1"),
    ("LOGIN_MAX_FAILURES_PER_ADDRESS", 2, observe_login_failures_per_address, 302, 429),
    ("TRUSTED_PROXIES", 1, observe_trusted_proxies, "127.0.0.1", "198.51.100.9"),
    ("PASSWORD_MIN_LENGTH", 13, observe_password_min_length, 0, 1),
    ("SQLITE_BUSY_TIMEOUT_MS", 1234, observe_busy_timeout, 10000, 1234),
    ("SQLITE_KEEP_CONNECTIONS", False, observe_keep_connections, True, False),
    ("SESSION_COOKIE_SAMESITE", "Strict", observe_samesite, "Lax", "Strict"),
    ("WEBHOOK_ALLOW_HTTP_HOSTS", ["127.0.0.1"], observe_webhook_http_hosts, 422, 201),
    ("WEBHOOK_TIMEOUT_SECONDS", 3, observe_webhook_timeout, [10], [3]),
    ("WEBHOOK_RETRY_HOURS", 1, observe_webhook_retry_hours, "pending", "failed"),
    ("WEBHOOK_FIRST_RETRY_SECONDS", 5, lambda app: _webhook_waits(app, 1), [30], [5]),
    ("WEBHOOK_MAX_RETRY_SECONDS", 45, lambda app: _webhook_waits(app, 3), [30, 60, 120], [30, 45, 45]),
    ("WEBHOOK_MAX_PER_TOKEN", 2, observe_webhooks_per_token, [201, 201, 201], [201, 201, 409]),
    ("API_TITLE", "Lịch phối hợp", observe_api_title, "calendar_app API", "Lịch phối hợp"),
    ("DOCUMENT_PLACE", "Đà Nẵng", observe_document_place, ["Hà Nội, ngày 05 tháng 03 năm 2027"],
     ["Đà Nẵng, ngày 05 tháng 03 năm 2027"]),
    ("DOCUMENT_RECIPIENTS", ["Các ban Đảng;", "Lưu: VT, VP."], observe_document_recipients,
     ["- Như trên;", "- Lưu: VT."], ["- Các ban Đảng;", "- Lưu: VT, VP."]),
    ("DOCUMENT_SIGNER_TITLE", "Phó Chánh Văn phòng", observe_document_signer, ["- Lưu: VT.", "CHÁNH VĂN PHÒNG"],
     ["- Lưu: VT.", "PHÓ CHÁNH VĂN PHÒNG"]),
    ("DOCUMENT_ISSUING_BODY", "Văn phòng Đảng ủy Khối", observe_document_issuing_body, "VĂN PHÒNG",
     "VĂN PHÒNG ĐẢNG ỦY KHỐI"),
    ("DOCUMENT_SIGNER_NAME", "Trần Văn Đức", observe_document_signer, ["- Lưu: VT.", "CHÁNH VĂN PHÒNG"],
     ["CHÁNH VĂN PHÒNG", "Trần Văn Đức"]),
    ("PUBLISHING_OFFICE", "Văn phòng Đảng ủy Khối", observe_footer, "Đơn vị đăng lịch: Văn phòng cơ quan",
     "Đơn vị đăng lịch: Văn phòng Đảng ủy Khối"),
    ("PUBLISHING_CONTACT", "Phòng Tổng hợp, 024 3825 0000", observe_footer, "Đơn vị đăng lịch: Văn phòng cơ quan",
     "Đơn vị đăng lịch: Văn phòng cơ quan · Liên hệ: Phòng Tổng hợp, 024 3825 0000"),
    ("LITESTREAM_REPLICA_URL", "file:///mnt/backup/lich", observe_replica_url, None, '"file:///mnt/backup/lich"'),
    ("LITESTREAM_SYNC_INTERVAL", "10s", observe_sync_interval, '"1s"', '"10s"'),
    ("LITESTREAM_BINARY", "/opt/litestream/bin/ls-0.5", observe_litestream_binary, ("litestream", True),
     ("ls-0.5", True)),
    ("EMBED_ALLOWED_ORIGINS", ["https://cong.example.gov.vn"], observe_embed_allowed_origins, "*",
     "https://cong.example.gov.vn"),
    ("CORS_ORIGINS", ["https://cong.example.gov.vn"], observe_cors_origins, None, "https://cong.example.gov.vn"),
    ("FOLLOW_UP_EXPIRING_DAYS", 30, observe_follow_up_expiring_days, True, False),
]


@pytest.mark.parametrize("name, value, observe, by_default, when_changed", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_each_setting_changes_what_it_says(tmp_path, name, value, observe, by_default, when_changed):
    assert observe(_app(tmp_path / "default")) == by_default
    assert observe(_app(tmp_path / "changed", **{name: value})) == when_changed
