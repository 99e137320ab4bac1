"""The OpenAPI document: valid OpenAPI 3, complete, committed up to date, and a docs page that works offline."""

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "schema" / "openapi.json"
NOT_DOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs-assets/<path:name>"}
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def api_routes(app) -> dict[str, set[str]]:
    """Every /api/v1 route (and the FullCalendar source portals call) as an OpenAPI path, with its methods."""
    routes = {}
    for rule in app.url_map.iter_rules():
        documented = rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("fullcalendar.")
        if not documented or rule.rule in NOT_DOCUMENTED:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_document_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "calendar_app API" and spec["info"]["version"] == "v1"


def test_document_lists_every_route_and_method(app, spec):
    routes = api_routes(app)
    assert {"/api/v1/organizations", "/api/v1/agreements/{slug}/events", "/api/v1/occurrences",
            "/api/v1/events/{event_id}"} <= set(routes)
    documented = {path: {m for m in operations if m in WRITES | {"get"}} for path, operations in spec["paths"].items()}
    assert documented == routes


def test_every_operation_has_a_summary_and_every_write_needs_the_bearer_token(spec):
    assert spec["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            assert operation.get("summary"), (method, path)
            if method in WRITES:
                assert operation.get("security") == [{"bearer": []}], (method, path)


def test_document_describes_the_list_envelope_and_query_limits(spec):
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 500
    assert {"organization", "agreement", "kind", "status", "from", "to", "q", "offset"} <= set(parameters)
    envelope = spec["components"]["schemas"]["EventList"]
    assert set(envelope["properties"]) == {"items", "total", "next", "total_is_lower_bound"}  # issue 15: searches
    assert envelope["required"] == ["items", "next", "total"]
    assert {"Event", "EventIn", "EventInPatch", "Organization", "Agreement", "AgreementIn"} <= set(
        spec["components"]["schemas"])


def test_committed_document_is_the_generated_one(spec):
    assert COMMITTED.exists(), "schema/openapi.json is missing: run `make openapi`"
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == spec, "schema/openapi.json is stale: run `make openapi` and commit the result"


def test_docs_page_refers_only_to_local_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == ["/api/v1/docs-assets/swagger-ui-bundle.js",
                              "/api/v1/docs-assets/swagger-ui-standalone-preset.js",
                              "/api/v1/docs-assets/swagger-ui.css"]
    assert not re.search(r"https?://", html)
    assert '"validatorUrl": null' in html  # no validator badge from validator.swagger.io, whatever the layout
    for asset in assets:
        with client.get(asset) as response:  # a file response: close it
            assert response.status_code == 200 and len(response.data) > 10_000, asset


CHROMIUM = shutil.which("chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_docs_page_renders_in_a_browser_without_any_outside_request(client):
    """Serve the page to Chromium from the app itself under a public-looking host; refuse every other host."""
    from playwright.sync_api import sync_playwright

    host = "docs.calendar-app.test"
    client.application.config["TRUSTED_HOSTS"] = [host]
    outside, served = [], []

    def answer(route):
        url = urlsplit(route.request.url)
        if url.hostname != host:
            outside.append(route.request.url)
            route.abort()
            return
        with client.open(url.path + (f"?{url.query}" if url.query else ""), method=route.request.method,
                         headers={"Host": host}) as response:
            served.append(url.path)
            route.fulfill(status=response.status_code, body=response.get_data(),
                          headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"})

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", answer)
            page.goto(f"http://{host}/api/v1/docs")
            page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
            title = page.inner_text(".swagger-ui .info .title")
            page.wait_for_selector(".opblock-tag-section", timeout=15_000)
            tags = page.locator(".opblock-tag-section h3").all_inner_texts()
        finally:
            browser.close()
    assert title.startswith("calendar_app API")
    assert {"organizations", "agreements", "events"} <= {t.split()[0] for t in tags if t}
    assert "/api/v1/openapi.json" in served
    assert outside == []
