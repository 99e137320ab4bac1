"""A real server on a free 127.0.0.1 port and Debian's chromium driven by Playwright (no browser download)."""

import shutil
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from calendar_app import create_app
from calendar_app.db import get_db, write_transaction
from calendar_app.demo import seed
from calendar_app.repositories import users

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
EDITOR = {"username": "van-thu", "password": "Mật khẩu thử nghiệm 2026"}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)")
    return path


def serve(instance: Path, prepare=None):
    """The application with the demo data and one editor (and what `prepare(db)` adds, in the same
    write transaction), served by werkzeug in a thread: yields its base URL."""
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "browser-tests",
                      "DATABASE": str(instance / "browser.sqlite3")})
    with app.app_context():
        database = get_db()
        seed(database)
        with write_transaction(database):
            users.create(database, EDITOR["username"], EDITOR["password"], "Văn thư Đảng ủy Khối")
            if prepare is not None:
                prepare(database)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The application with the demo data and one editor, served by werkzeug in a thread."""
    yield from serve(tmp_path_factory.mktemp("browser-instance"))


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) that records script errors and refused resources."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    opened = context.new_page()
    opened.console_errors = []  # CSP violations and script errors; a 422 answer to a bad form is expected
    opened.on("console", lambda message: message.type == "error" and "status of 422" not in message.text
              and opened.console_errors.append(message.text))
    opened.on("pageerror", lambda error: opened.console_errors.append(str(error)))
    yield opened
    context.close()


@pytest.fixture(scope="session")
def editor() -> dict:
    """The editor account the live server has."""
    return EDITOR


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
             "resultTypes": ["violations"]}


def axe_violations(page) -> list[dict]:
    """WCAG 2.x A/AA violations axe-core finds on the page as it stands (its id, impact and first nodes).

    axe-playwright-python ships axe.min.js in its wheel and runs it through Playwright's evaluate,
    which the pages' CSP (no inline script) does not stop.
    """
    violations = Axe().run(page, options=WCAG_A_AA).response["violations"]
    return [{"id": v["id"], "impact": v["impact"], "nodes": [" ".join(n["target"]) for n in v["nodes"]][:5]}
            for v in violations]
