"""CORS (issue 14): anonymous reads from any origin, tokens and writes only from CORS_ORIGINS."""

import pytest

from calendar_app import create_app
from conftest import app_config, make_token

PORTAL, STRANGER = "https://cong.example.gov.vn", "https://la.example.com"
PUBLIC_GETS = ["/api/v1/events", "/api/v1/occurrences?from=2027-01-01&to=2027-02-01", "/feeds/all.ics",
               "/api/v1/organizations"]


@pytest.fixture
def app(request, tmp_path, migrated_database):
    from conftest import copy_database
    copy_database(migrated_database, tmp_path / "test.sqlite3")
    return create_app({**app_config(tmp_path), "CORS_ORIGINS": [PORTAL]})


def _cors(response) -> dict:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


@pytest.mark.parametrize("path", PUBLIC_GETS)
def test_anonymous_reads_allow_any_origin_without_credentials(client, path):
    response = client.get(path, headers={"Origin": STRANGER})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" in response.headers["Vary"]


def test_no_origin_no_cors_headers_but_vary(client):
    response = client.get("/api/v1/events")
    assert _cors(response) == {} and "Origin" in response.headers["Vary"]


def test_pages_get_no_cors_headers(client):
    assert _cors(client.get("/", headers={"Origin": STRANGER})) == {}


def test_a_preflight_for_a_read_is_answered_for_any_origin(client):
    response = client.options("/api/v1/events", headers={
        "Origin": STRANGER, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "If-None-Match"})
    assert response.status_code == 200
    assert _cors(response) | {"Access-Control-Expose-Headers": None} == {
        "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "If-None-Match",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS", "Access-Control-Max-Age": "600",
        "Access-Control-Expose-Headers": None}


@pytest.mark.parametrize(("method", "headers"), [("GET", "Authorization"), ("POST", "Authorization, Content-Type"),
                                                 ("DELETE", "Authorization")])
def test_a_stranger_may_not_send_tokens_or_write(client, method, headers):
    response = client.options("/api/v1/events", headers={
        "Origin": STRANGER, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers})
    allowed_headers = response.headers.get("Access-Control-Allow-Headers", "").lower()
    allowed_methods = response.headers.get("Access-Control-Allow-Methods", "")
    assert "authorization" not in allowed_headers and (method == "GET" or method not in allowed_methods)


def test_a_listed_portal_may_send_tokens_and_write(client, app):
    preflight = client.options("/api/v1/events", headers={
        "Origin": PORTAL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert preflight.headers["Access-Control-Allow-Origin"] == PORTAL
    assert preflight.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    token = {"Authorization": f"Bearer {make_token(app)}"}
    created = client.post("/api/v1/organizations", headers={**token, "Origin": PORTAL},
                          json={"slug": "cong", "name": "Cổng thông tin"})
    assert created.status_code == 201 and created.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "Location" in created.headers["Access-Control-Expose-Headers"]


def test_identified_answers_and_writes_reach_no_other_origin(client, app):
    token = {"Authorization": f"Bearer {make_token(app)}"}
    read = client.get("/api/v1/events", headers={**token, "Origin": STRANGER})
    assert read.status_code == 200 and _cors(read) == {}
    write = client.post("/api/v1/organizations", headers={**token, "Origin": STRANGER},
                        json={"slug": "la", "name": "Lạ"})
    assert _cors(write) == {}
    private = client.get("/feeds/organizations/la.ics?token=x", headers={"Origin": STRANGER})
    assert _cors(private) == {}


def test_error_answers_carry_the_headers_a_portal_needs_to_read_them(client):
    response = client.get("/api/v1/occurrences?from=2027-01-01", headers={"Origin": STRANGER})
    assert response.status_code == 422 and response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_feed_shortcut_leaves_cross_origin_requests_to_flask(client):
    first = client.get("/feeds/all.ics")
    assert client.get("/feeds/all.ics").headers["Vary"] == "Origin"  # the shortcut's answer
    again = client.get("/feeds/all.ics", headers={"Origin": STRANGER, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("origins", [["https://*.example.gov.vn"], "https://cong.example.gov.vn",
                                     [r"^https://cong\.example\.gov\.vn$"], ["https://Cong.example.gov.vn/"]])
def test_origin_patterns_are_refused_at_start(tmp_path, origins):
    with pytest.raises(ValueError, match="CORS_ORIGINS"):
        create_app({**app_config(tmp_path), "CORS_ORIGINS": origins})
