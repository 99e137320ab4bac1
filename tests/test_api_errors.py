"""The one JSON error shape: every status the API answers with, raised in views or around them."""

import json

import pytest

from conftest import make_token

JSON = "application/json"


def assert_error(response, status: int, message: str | None = None, errors: dict | None = None,
                 fields: set | None = None) -> dict:
    """Check the shape {"code", "status", "message", "errors"?} and return the body.

    `errors` is the whole expected field map, `fields` its keys; with neither, no "errors" may be sent.
    """
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == JSON
    body = response.get_json()
    with_errors = errors is not None or fields is not None
    assert set(body) == ({"code", "status", "message", "errors"} if with_errors else {"code", "status", "message"})
    assert body["code"] == status
    assert body["status"] == {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                              405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
                              413: "Request Entity Too Large", 422: "Unprocessable Entity",
                              500: "Internal Server Error"}[status]
    assert isinstance(body["message"], str) and body["message"]
    if message is not None:
        assert body["message"] == message
    if errors is not None:
        assert body["errors"] == errors
    if fields is not None:
        assert set(body["errors"]) == fields
        assert all(isinstance(m, (list, dict)) and m for m in body["errors"].values())
    return body


def count(client, auth, what: str) -> int:
    return client.get(f"/api/v1/{what}", headers=auth).get_json()["total"]


@pytest.mark.parametrize("data", ["{not json", '{"name": "A",}', b'{"name": "\xff\xfe"}', '{"name": "A"'])
def test_malformed_json_is_400(client, auth, data):
    response = client.post("/api/v1/organizations", data=data, headers={**auth, "Content-Type": JSON})
    assert_error(response, 400, "Invalid JSON body.")
    assert count(client, auth, "organizations") == 0


@pytest.mark.parametrize("headers, message", [
    ({}, "Authentication required: send 'Authorization: Bearer <token>'."),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "Use 'Authorization: Bearer <token>'."),
    ({"Authorization": "Bearer "}, "Use 'Authorization: Bearer <token>'."),
    ({"Authorization": "Bearer cal_1_wrong"}, "The token is unknown, expired or revoked."),
    ({"Authorization": "Bearer not-a-token"}, "The token is unknown, expired or revoked."),
])
def test_writes_without_a_valid_token_are_401_and_write_nothing(client, auth, headers, message):
    for method, path in (("post", "/api/v1/organizations"), ("post", "/api/v1/events"),
                         ("post", "/api/v1/agreements")):
        # A malformed body: authentication comes first, so nothing is parsed or reported about it.
        response = getattr(client, method)(path, data="{" * 10, headers={**headers, "Content-Type": JSON})
        assert_error(response, 401, message)
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="calendar_app"'
    assert count(client, auth, "organizations") == 0 and count(client, auth, "events") == 0


def test_revoked_and_expired_tokens_are_401(app, client, make, auth):
    org = make.organization()
    from calendar_app.db import get_db, write_transaction
    from calendar_app.repositories import tokens

    secret = make_token(app)
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            tokens.revoke(db, int(secret.split("_")[1]))
            db.execute("update api_tokens set expires_at = '2000-01-01T00:00:00Z' where id = ?",
                       [int(auth["Authorization"].split("_")[1])])
    for headers in ({"Authorization": f"Bearer {secret}"}, auth):
        response = client.patch(f"/api/v1/organizations/{org['slug']}", json={"name": "X"}, headers=headers)
        assert_error(response, 401, "The token is unknown, expired or revoked.")
    assert client.get(f"/api/v1/organizations/{org['slug']}").get_json()["name"] == org["name"]


def test_read_only_token_is_403_for_every_write(app, client, make, auth):
    org = make.organization()
    event = make.event()
    read_only = {"Authorization": f"Bearer {make_token(app, scope='read')}"}
    attempts = [
        client.post("/api/v1/organizations", json={"name": "Mới"}, headers=read_only),
        client.patch(f"/api/v1/organizations/{org['slug']}", json={"name": "Đổi"}, headers=read_only),
        client.delete(f"/api/v1/organizations/{org['slug']}", headers=read_only),
        client.post("/api/v1/events", json={"title": "x"}, headers=read_only),
        client.delete(f"/api/v1/events/{event['id']}", headers=read_only),
        client.post("/api/v1/agreements", json={}, headers=read_only),
    ]
    for response in attempts:
        assert_error(response, 403, "This token is read-only.")
    assert count(client, auth, "organizations") == 1 and count(client, auth, "events") == 1
    # Reads with it work and include internal events.
    assert client.get("/api/v1/events", headers=read_only).status_code == 200


@pytest.mark.parametrize("path, message", [
    ("/api/v1/organizations/khong-co", "No organization with slug 'khong-co'."),
    ("/api/v1/agreements/khong-co", "No agreement with slug 'khong-co'."),
    ("/api/v1/events/999", "No event with id 999."),
    ("/api/v1/organizations/khong-co/events", "No organization with slug 'khong-co'."),
    ("/api/v1/agreements/khong-co/events", "No agreement with slug 'khong-co'."),
    ("/api/v1/events?agreement=khong-co", "No agreement with slug 'khong-co'."),
    ("/api/v1/nowhere", None),
    ("/api/v1/events/abc", None),
])
def test_unknown_things_are_404(client, path, message):
    assert_error(client.get(path), 404, message)


def test_unknown_write_targets_are_404_after_authentication(client, auth):
    assert_error(client.patch("/api/v1/organizations/khong-co", json={"name": "X"}, headers=auth), 404)
    assert_error(client.delete("/api/v1/agreements/khong-co", headers=auth), 404)
    assert_error(client.delete("/api/v1/events/999", headers=auth), 404)


@pytest.mark.parametrize("method, path, allow", [
    ("delete", "/api/v1/organizations", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("put", "/api/v1/organizations/x", {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH"}),
    ("post", "/api/v1/events/1", {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH"}),
    ("patch", "/api/v1/occurrences", {"GET", "HEAD", "OPTIONS"}),
    ("post", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
])
def test_wrong_method_is_405_with_allow_whether_or_not_authenticated(client, auth, method, path, allow):
    for headers in ({}, auth):
        response = getattr(client, method)(path, headers=headers)
        assert_error(response, 405, "The method is not allowed for the requested URL.")
        assert {m.strip() for m in response.headers["Allow"].split(",")} == allow


def test_conflicts_are_409(client, auth, make):
    org = make.organization(slug="bo-tu-phap")
    assert_error(client.post("/api/v1/organizations", json={"slug": "bo-tu-phap", "name": "Khác"}, headers=auth), 409,
                 "An organization with slug 'bo-tu-phap' already exists.", {"slug": ["Already taken."]})
    agreement = make.agreement(slug="quy-che")
    party = agreement["parties"][0]["organization"]
    assert_error(client.delete(f"/api/v1/organizations/{party}", headers=auth), 409,
                 f"Organization '{party}' cannot be deleted: it is party to 1 agreement(s).")
    make.event(agreement="quy-che", organizations=[org["slug"]])
    assert_error(client.delete("/api/v1/agreements/quy-che", headers=auth), 409,
                 "Agreement 'quy-che' cannot be deleted: 1 event(s) are linked to it.")
    assert_error(client.delete("/api/v1/organizations/bo-tu-phap", headers=auth), 409,
                 "Organization 'bo-tu-phap' cannot be deleted: it takes part in 1 event(s).")


@pytest.mark.parametrize("kind", ["organization", "agreement", "event"])
def test_stale_if_match_is_412(client, auth, make, kind):
    made = getattr(make, kind)()
    path = {"organization": f"/api/v1/organizations/{made.get('slug')}",
            "agreement": f"/api/v1/agreements/{made.get('slug')}", "event": f"/api/v1/events/{made['id']}"}[kind]
    response = client.patch(path, json={"title" if kind != "organization" else "name": "Khác"},
                            headers={**auth, "If-Match": '"0123456789abcdef"'})
    assert_error(response, 412, "The resource changed since you read it; fetch it again (If-Match did not match).")
    assert client.get(path).get_json() == made


def test_body_over_one_mebibyte_is_413(client, auth):
    big = json.dumps({"name": "x", "description": "ư" * (600 * 1024)})  # ~1.2 MB of UTF-8
    assert len(big.encode()) > 1024 * 1024
    for path in ("/api/v1/organizations", "/api/v1/events", "/api/v1/agreements"):
        assert_error(client.post(path, data=big, headers={**auth, "Content-Type": JSON}), 413)
    just_under = json.dumps({"name": "Bộ Tư pháp", "pad": " " * (1024 * 1024 - 100)})
    assert len(just_under.encode()) < 1024 * 1024
    under = client.post("/api/v1/organizations", data=just_under, headers={**auth, "Content-Type": JSON})
    assert_error(under, 422, fields={"pad"})  # read and validated, not refused for its size
    assert count(client, auth, "organizations") == 0


def test_422_names_every_bad_field_at_once(client, auth):
    response = client.post("/api/v1/events", headers=auth, json={
        "title": "", "kind": "party", "status": "maybe", "url": "javascript:alert(1)", "timezone": "Mars/Base",
        "starts_at": "2020-03-05T14:00:00+07:00", "ends_at": "2020-03-05T16:00:00+07:00", "surprise": 1})
    assert_error(response, 422, "Some fields are invalid.",
                 fields={"title", "kind", "status", "url", "timezone", "surprise"})


def test_422_for_query_arguments_names_them_without_location(client):
    response = client.get("/api/v1/events", query_string={"limit": 501, "kind": "party", "from": "yesterday"})
    assert_error(response, 422, "Some fields are invalid.", fields={"limit", "kind", "from"})
    assert_error(client.get("/api/v1/occurrences"), 422, fields={"from", "to"})


def test_unreasonable_expansion_is_400_saying_why(client):
    response = client.get("/api/v1/occurrences", query_string={"from": "2000-01-01T00:00:00Z",
                                                               "to": "2030-01-01T00:00:00Z"})
    body = assert_error(response, 400, errors={"to": ["At most 3660 days after from."]})
    assert body["message"] == "The window is longer than 3660 days; ask for a shorter one."


@pytest.fixture
def unguarded(app):
    """The app as production runs it: unexpected exceptions become 500 answers, not test failures."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_unexpected_error_in_a_view_is_a_json_500_without_traceback(unguarded, client, monkeypatch):
    from calendar_app.repositories import organizations

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals /srv/calendar.sqlite3")

    monkeypatch.setattr(organizations, "list_organizations", explode)
    response = client.get("/api/v1/organizations")
    body = assert_error(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in body["message"]


def test_errors_raised_before_any_view_keep_the_shape(unguarded, client):
    @unguarded.before_request
    def break_one_path():
        from flask import request
        if request.path == "/api/v1/agreements":
            raise KeyError("outside every view")

    assert_error(client.get("/api/v1/agreements"), 500)
    assert client.get("/api/v1/organizations").status_code == 200
