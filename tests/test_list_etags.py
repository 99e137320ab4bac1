"""ETags on lists and occurrences (issue 14): If-None-Match gives 304 until a change the caller may see."""

import pytest

from conftest import make_token

LISTS = ["/api/v1/events", "/api/v1/occurrences?from=2026-12-01&to=2027-01-01", "/api/v1/organizations",
         "/api/v1/agreements", "/api/v1/events?kind=joint_workshop&kind=other"]


def _etag(client, path, headers=None):
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"]
    return response.headers["ETag"]


def _revalidate(client, path, tag, headers=None):
    return client.get(path, headers={**(headers or {}), "If-None-Match": tag})


@pytest.mark.parametrize("path", LISTS)
def test_a_list_answers_304_until_it_changes(client, make, path):
    make.event()
    tag = _etag(client, path)
    same = _revalidate(client, path, tag)
    assert same.status_code == 304 and same.data == b"" and same.headers["ETag"] == tag
    assert _revalidate(client, path, '"other"').status_code == 200
    make.event(title="Tọa đàm", kind="other")  # a new event moves every list (organizations: via "all")
    make.organization()
    changed = _revalidate(client, path, tag)
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_nested_lists_carry_etags(client, make):
    organization = make.organization()
    make.event(organizations=[organization["slug"]])
    path = f"/api/v1/organizations/{organization['slug']}/events"
    tag = _etag(client, path)
    assert _revalidate(client, path, tag).status_code == 304


def test_the_etag_is_not_a_hash_of_the_body(client, app, make):
    """Anonymous and limited callers may see the same body; they never share a validator."""
    organization = make.organization()
    make.event()
    limited = {"Authorization": f"Bearer {make_token(app, 'read', [organization['slug']])}"}
    anonymous = client.get("/api/v1/events")
    as_limited = client.get("/api/v1/events", headers=limited)
    assert anonymous.data == as_limited.data
    assert anonymous.headers["ETag"] != as_limited.headers["ETag"]
    assert _revalidate(client, "/api/v1/events", anonymous.headers["ETag"], limited).status_code == 200


def test_internal_changes_do_not_show_through_other_callers_etags(client, app, make):
    mine, other = make.organization(), make.organization()
    limited = {"Authorization": f"Bearer {make_token(app, 'read', [mine['slug']])}"}
    full = {"Authorization": f"Bearer {make_token(app, 'read')}"}
    make.event()
    tags = {name: _etag(client, "/api/v1/events", headers) for name, headers in
            (("anonymous", {}), ("limited", limited), ("full", full))}
    make.event(title="Họp nội bộ", visibility="internal", organizations=[other["slug"]])
    assert _revalidate(client, "/api/v1/events", tags["anonymous"]).status_code == 304
    assert _revalidate(client, "/api/v1/events", tags["limited"], limited).status_code == 304
    assert _revalidate(client, "/api/v1/events", tags["full"], full).status_code == 200
    make.event(title="Họp nội bộ của tôi", visibility="internal", organizations=[mine["slug"]])
    assert _revalidate(client, "/api/v1/events", tags["anonymous"]).status_code == 304
    seen = _revalidate(client, "/api/v1/events", tags["limited"], limited)
    assert seen.status_code == 200 and "Họp nội bộ của tôi" in seen.get_data(as_text=True)


def test_a_cached_body_carries_the_etag_and_a_304_stays_private(client, app, make):
    make.event()
    full = {"Authorization": f"Bearer {make_token(app, 'read')}"}
    first, second = client.get("/api/v1/events", headers=full), client.get("/api/v1/events", headers=full)
    assert first.headers["ETag"] == second.headers["ETag"] and first.data == second.data
    not_modified = _revalidate(client, "/api/v1/events", first.headers["ETag"], full)
    assert not_modified.status_code == 304 and "private" in not_modified.headers["Cache-Control"]
    assert {"Authorization", "Cookie"} <= set(not_modified.headers["Vary"].replace(" ", "").split(","))


def test_errors_carry_no_list_etag(client):
    response = client.get("/api/v1/occurrences?from=2027-01-01")
    assert response.status_code == 422 and "ETag" not in response.headers
