"""Personal feed links (issue 14): named, scoped, revocable, hashed, use recorded hourly, revocation audited."""

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from calendar_app.db import get_db
from conftest import make_token


@pytest.fixture
def world(make):
    mine, other = make.organization(name="Sở Tư pháp"), make.organization(name="Đoàn Thanh niên")
    make.event(title="Hội thảo công khai", organizations=[mine["slug"]])
    make.event(title="Họp nội bộ của tôi", organizations=[mine["slug"]], visibility="internal")
    make.event(title="Họp nội bộ đơn vị khác", organizations=[other["slug"]], visibility="internal")
    return mine["slug"], other["slug"]


def _summaries(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT"))


def _path(feeds: dict) -> str:
    return feeds["https"].removeprefix("http://localhost")


def test_a_link_shows_its_organizations_internal_events_and_dies_at_once_on_revocation(client, auth, world, db):
    mine, _other = world
    created = client.post("/api/v1/feed-links", headers=auth, json={"name": "Điện thoại", "organizations": [mine]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {k: body[k] for k in ("name", "organizations", "revoked_at")} == {
        "name": "Điện thoại", "organizations": [mine], "revoked_at": None}
    path = _path(body["feeds"])
    assert body["feeds"]["webcal"].startswith("webcal://")
    assert _summaries(client.get(path)) == sorted(["Hội thảo công khai", "Họp nội bộ của tôi"])
    assert _summaries(client.get(path)) == sorted(["Hội thảo công khai", "Họp nội bộ của tôi"])  # no shortcut slot
    secret = path.split("/")[-1].removesuffix(".ics").split("-", 1)[1]
    stored = db.execute("select secret_hash from personal_feed_links").fetchone()[0]
    assert secret not in stored and len(stored) == 64  # only a hash is kept
    listed = client.get("/api/v1/feed-links", headers=auth).get_json()["items"]
    assert [link["name"] for link in listed] == ["Điện thoại"] and "feeds" not in listed[0]
    revoked = client.delete(f"/api/v1/feed-links/{body['id']}", headers=auth)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert client.get(path).status_code == 404
    trail = client.get("/api/v1/audit?entity=feed_link", headers=auth).get_json()["items"]
    assert [entry["action"] for entry in trail] == ["revoke", "create"]


def test_a_limited_token_links_only_its_organizations(client, app, world):
    mine, other = world
    limited = {"Authorization": f"Bearer {make_token(app, 'write', [mine])}"}
    refused = client.post("/api/v1/feed-links", headers=limited, json={"name": "x", "organizations": [other]})
    assert refused.status_code == 403
    created = client.post("/api/v1/feed-links", headers=limited, json={"name": "x", "organizations": [mine]})
    assert _summaries(client.get(_path(created.get_json()["feeds"]))) == sorted(["Hội thảo công khai", "Họp nội bộ của tôi"])


def test_links_are_their_owners_own(client, app, auth, world):
    mine, _other = world
    created = client.post("/api/v1/feed-links", headers=auth, json={"name": "của tôi", "organizations": [mine]})
    someone = {"Authorization": f"Bearer {make_token(app)}"}
    assert client.get("/api/v1/feed-links", headers=someone).get_json()["items"] == []
    assert client.delete(f"/api/v1/feed-links/{created.get_json()['id']}", headers=someone).status_code == 404
    assert client.get("/api/v1/feed-links").status_code == 401


def test_a_revoked_owner_token_closes_its_links(client, app, world):
    mine, _other = world
    token = make_token(app)
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/feed-links", headers=headers, json={"name": "x", "organizations": [mine]})
    path = _path(created.get_json()["feeds"])
    assert client.get(path).status_code == 200
    token_id = int(token.split("_")[1])
    with app.app_context():
        database = get_db()
        database.execute("update api_tokens set revoked_at = '2000-01-01T00:00:00Z' where id = ?", [token_id])
        database.conn.commit()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("bad", ["1-wrong", "x-y", "99999999999999999999999-a", "1", "-"])
def test_unknown_links_are_404(client, auth, world, bad):
    client.post("/api/v1/feed-links", headers=auth, json={"name": "x", "organizations": [world[0]]})
    assert client.get(f"/feeds/personal/{bad}.ics").status_code == 404


def test_use_is_recorded_at_most_hourly(client, auth, world, db, clock):
    clock.set(datetime(2027, 1, 1, 8, 0, tzinfo=timezone.utc))
    created = client.post("/api/v1/feed-links", headers=auth, json={"name": "x", "organizations": [world[0]]})
    path = _path(created.get_json()["feeds"])
    last_used = lambda: db.execute("select last_used_at from personal_feed_links").fetchone()[0]  # noqa: E731
    assert last_used() is None
    client.get(path)
    assert last_used() == "2027-01-01T08:00:00Z"
    clock.advance(timedelta(minutes=30))
    client.get(path)
    assert last_used() == "2027-01-01T08:00:00Z"
    clock.advance(timedelta(minutes=31))
    client.get(path)
    assert last_used() == "2027-01-01T09:01:00Z"


@pytest.mark.parametrize(("body", "fields"), [({"name": "", "organizations": ["a"]}, {"name"}),
                                              ({"name": "x", "organizations": []}, {"organizations"}),
                                              ({"name": "x", "organizations": ["khong-co"]}, {"organizations"})])
def test_bad_links_are_refused_and_nothing_is_written(client, auth, world, db, body, fields):
    response = client.post("/api/v1/feed-links", headers=auth, json=body)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == fields
    assert db.execute("select count(*) from personal_feed_links").fetchone()[0] == 0


def test_the_page_lists_creates_and_revokes(client, app, world):
    from test_web import create_editor, sign_in, csrf_token
    mine, _other = world
    assert client.get("/me/feed-links").status_code == 302  # visitors are sent to sign in
    create_editor(app)
    sign_in(client)
    page = client.get("/me/feed-links").get_data(as_text=True)
    assert "Đường dẫn lịch riêng của tôi" in page
    refused = client.post("/me/feed-links", data={"name": "x", "csrf_token": csrf_token(client, "/me/feed-links")})
    assert refused.status_code == 422
    created = client.post("/me/feed-links", data={"name": "Máy tính bảng", "organizations": [mine],
                                                  "csrf_token": csrf_token(client, "/me/feed-links")})
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    path = "/feeds/personal/" + html.split("/feeds/personal/")[1].split(".ics")[0] + ".ics"
    assert _summaries(client.get(path)) == sorted(["Hội thảo công khai", "Họp nội bộ của tôi"])
    with app.app_context():
        link_id = get_db().execute("select id from personal_feed_links").fetchone()[0]
    assert client.post(f"/me/feed-links/{link_id}/revoke").status_code == 400  # no CSRF token
    revoked = client.post(f"/me/feed-links/{link_id}/revoke",
                          data={"csrf_token": csrf_token(client, "/me/feed-links")})
    assert revoked.status_code == 302 and client.get(path).status_code == 404
    assert "Đã thu hồi" in client.get("/me/feed-links").get_data(as_text=True)
