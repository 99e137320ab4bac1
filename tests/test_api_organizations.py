"""/api/v1/organizations: create, read, change, delete, filters, paging, ETags and nested events."""

import unicodedata

import pytest

from conftest import make_token

BASE = "http://localhost"


def feeds(slug: str) -> dict:
    https = f"{BASE}/feeds/organizations/{slug}.ics"
    webcal = f"webcal://localhost/feeds/organizations/{slug}.ics"
    return {"https": https, "webcal": webcal,
            "google": f"https://calendar.google.com/calendar/render?cid={webcal}"}


def test_create_returns_201_location_and_the_whole_organization(client, auth):
    response = client.post("/api/v1/organizations", headers=auth, json={
        "name": "Tạp chí Cộng sản", "short_name": "TCCS", "kind": "press",
        "website": "https://www.tapchicongsan.org.vn"})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"{BASE}/api/v1/organizations/tap-chi-cong-san"
    assert body == {
        "id": body["id"], "slug": "tap-chi-cong-san", "name": "Tạp chí Cộng sản", "short_name": "TCCS",
        "kind": "press", "parent": None, "website": "https://www.tapchicongsan.org.vn",
        "created_at": body["created_at"], "updated_at": body["created_at"], "feeds": feeds("tap-chi-cong-san"),
    }
    assert client.get("/api/v1/organizations/tap-chi-cong-san").get_json() == body


@pytest.mark.parametrize("name, slug", [
    ("Đảng ủy Khối Doanh nghiệp Trung ương", "dang-uy-khoi-doanh-nghiep-trung-uong"),
    ("Bộ Thông tin và Truyền thông", "bo-thong-tin-va-truyen-thong"),
    ("Ban cán sự Đảng Bộ TT&TT", "ban-can-su-dang-bo-tt-tt"),
])
def test_slug_is_made_ascii_from_the_name(client, auth, name, slug):
    response = client.post("/api/v1/organizations", json={"name": name}, headers=auth)
    assert response.status_code == 201 and response.get_json()["slug"] == slug


def test_nfd_name_is_stored_as_nfc(make):
    name = "Đảng ủy Khối Doanh nghiệp Trung ương"
    created = make.organization(name=unicodedata.normalize("NFD", name))
    assert created["name"] == unicodedata.normalize("NFC", name)


def test_get_one_carries_an_etag_that_changes_with_the_content(client, make, auth):
    org = make.organization()
    first = client.get(f"/api/v1/organizations/{org['slug']}")
    assert first.headers["ETag"].startswith('"') and first.headers["ETag"] == client.get(
        f"/api/v1/organizations/{org['slug']}").headers["ETag"]
    changed = client.patch(f"/api/v1/organizations/{org['slug']}", json={"short_name": "TC"}, headers=auth)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.headers["ETag"] == client.get(f"/api/v1/organizations/{org['slug']}").headers["ETag"]


def test_patch_honours_if_match(client, make, auth):
    org = make.organization(name="Bộ Tư pháp")
    path = f"/api/v1/organizations/{org['slug']}"
    etag = client.get(path).headers["ETag"]
    ok = client.patch(path, json={"name": "Bộ Tư pháp (mới)"}, headers={**auth, "If-Match": etag})
    assert ok.status_code == 200 and ok.get_json()["name"] == "Bộ Tư pháp (mới)"
    stale = client.patch(path, json={"name": "Ghi đè"}, headers={**auth, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["code"] == 412
    assert client.get(path).get_json()["name"] == "Bộ Tư pháp (mới)"
    star = client.patch(path, json={"kind": "ministry"}, headers={**auth, "If-Match": "*"})
    assert star.status_code == 200 and star.get_json()["kind"] == "ministry"
    unconditional = client.patch(path, json={"kind": "other"}, headers=auth)
    assert unconditional.status_code == 200


def test_patch_changes_the_slug_and_refuses_a_taken_one(client, make, auth):
    org, other = make.organization(), make.organization()
    moved = client.patch(f"/api/v1/organizations/{org['slug']}", json={"slug": "bo-tu-phap"}, headers=auth)
    assert moved.status_code == 200 and moved.get_json()["slug"] == "bo-tu-phap"
    assert client.get(f"/api/v1/organizations/{org['slug']}").status_code == 404
    taken = client.patch("/api/v1/organizations/bo-tu-phap", json={"slug": other["slug"]}, headers=auth)
    assert taken.status_code == 409
    assert taken.get_json()["errors"] == {"slug": ["Already taken."]}


def test_parent_filter_lists_direct_children_only(client, make):
    ministry = make.organization(name="Bộ Thông tin và Truyền thông")
    committee = make.organization(name="Ban cán sự Đảng", parent=ministry["slug"])
    make.organization(name="Chi bộ", parent=committee["slug"])
    make.organization(name="Tạp chí Cộng sản")
    body = client.get("/api/v1/organizations", query_string={"parent": ministry["slug"]}).get_json()
    assert [o["slug"] for o in body["items"]] == [committee["slug"]]
    assert body["total"] == 1 and body["next"] is None
    assert committee["parent"] == ministry["slug"]
    assert client.get("/api/v1/organizations", query_string={"parent": "khong-co"}).status_code == 404


def test_unknown_parent_and_cycles_are_refused(client, make, auth):
    bad = client.post("/api/v1/organizations", json={"name": "X", "parent": "khong-co"}, headers=auth)
    assert bad.status_code == 422 and bad.get_json()["errors"] == {"parent": ["Unknown organization 'khong-co'."]}
    top = make.organization()
    child = make.organization(parent=top["slug"])
    cycle = client.patch(f"/api/v1/organizations/{top['slug']}", json={"parent": child["slug"]}, headers=auth)
    assert cycle.status_code == 422
    assert cycle.get_json()["errors"] == {"parent": ["An organization cannot be its own ancestor."]}
    itself = client.patch(f"/api/v1/organizations/{top['slug']}", json={"parent": top["slug"]}, headers=auth)
    assert itself.status_code == 422
    assert client.get(f"/api/v1/organizations/{top['slug']}").get_json()["parent"] is None


def test_list_is_sorted_by_name_and_pages_with_next_links(client, make):
    for name in ("Cục C", "Ban A", "Bộ B"):
        make.organization(name=name)
    first = client.get("/api/v1/organizations?limit=2").get_json()
    assert [o["name"] for o in first["items"]] == ["Ban A", "Bộ B"]
    assert first["total"] == 3
    assert first["next"] == f"{BASE}/api/v1/organizations?limit=2&offset=2"
    second = client.get(first["next"]).get_json()
    assert [o["name"] for o in second["items"]] == ["Cục C"] and second["next"] is None
    beyond = client.get("/api/v1/organizations?offset=10").get_json()
    assert beyond == {"items": [], "total": 3, "next": None}


@pytest.mark.parametrize("query, status", [
    ("limit=500", 200), ("limit=1", 200), ("limit=501", 422), ("limit=0", 422), ("offset=-1", 422),
    ("limit=abc", 422),
])
def test_limit_is_at_most_500(client, query, status):
    response = client.get(f"/api/v1/organizations?{query}")
    assert response.status_code == status
    if status == 422:
        assert set(response.get_json()["errors"]) == {query.split("=")[0]}


def test_delete_removes_an_unreferenced_organization(client, make, auth):
    org = make.organization()
    assert client.delete(f"/api/v1/organizations/{org['slug']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/organizations/{org['slug']}").status_code == 404
    assert client.delete(f"/api/v1/organizations/{org['slug']}", headers=auth).status_code == 404


def test_delete_refuses_what_is_referred_to(client, make, auth):
    parent = make.organization()
    make.organization(parent=parent["slug"])
    in_event = make.organization()
    make.event(organizations=[in_event["slug"]])
    agreement = make.agreement()
    party = agreement["parties"][0]["organization"]
    for slug, reason in ((parent["slug"], "it has 1 child organization(s)"),
                         (in_event["slug"], "it takes part in 1 event(s)"),
                         (party, "it is party to 1 agreement(s)")):
        response = client.delete(f"/api/v1/organizations/{slug}", headers=auth)
        assert response.status_code == 409
        assert response.get_json() == {"code": 409, "status": "Conflict",
                                       "message": f"Organization '{slug}' cannot be deleted: {reason}."}
        assert client.get(f"/api/v1/organizations/{slug}").status_code == 200


def test_nested_events_include_direct_participation_and_agreement_parties(client, make):
    a, b, c = make.organization(), make.organization(), make.organization()
    agreement = make.agreement(parties=[{"organization": a["slug"], "role": "signatory"},
                                        {"organization": b["slug"], "role": "signatory"}])
    direct = make.event(title="Trực tiếp", organizations=[a["slug"]], starts_at="2026-01-05T08:00:00+07:00",
                        ends_at="2026-01-05T09:00:00+07:00")
    via = make.event(title="Qua thỏa thuận", agreement=agreement["slug"], starts_at="2026-02-05T08:00:00+07:00",
                     ends_at="2026-02-05T09:00:00+07:00")
    make.event(title="Của tổ chức khác", organizations=[c["slug"]])
    body = client.get(f"/api/v1/organizations/{a['slug']}/events").get_json()
    assert [e["id"] for e in body["items"]] == [direct["id"], via["id"]]
    assert body["total"] == 2 and body["next"] is None
    assert [e["id"] for e in client.get(f"/api/v1/organizations/{b['slug']}/events").get_json()["items"]] == [via["id"]]
    same = client.get("/api/v1/events", query_string={"organization": a["slug"]}).get_json()
    assert same == body
    page = client.get(f"/api/v1/organizations/{a['slug']}/events?limit=1").get_json()
    assert page["next"] == f"{BASE}/api/v1/organizations/{a['slug']}/events?limit=1&offset=1"
    assert [e["id"] for e in client.get(page["next"]).get_json()["items"]] == [via["id"]]
    assert client.get("/api/v1/organizations/khong-co/events").status_code == 404


def test_token_limited_to_an_organization_cannot_change_another(app, client, make):
    mine, theirs = make.organization(), make.organization()
    headers = {"Authorization": f"Bearer {make_token(app, organizations=[mine['slug']])}"}
    assert client.patch(f"/api/v1/organizations/{mine['slug']}", json={"kind": "press"},
                        headers=headers).status_code == 200
    refused = client.patch(f"/api/v1/organizations/{theirs['slug']}", json={"kind": "press"}, headers=headers)
    assert refused.status_code == 403
    assert client.get(f"/api/v1/organizations/{theirs['slug']}").get_json()["kind"] == "other"


@pytest.mark.parametrize("body, fields", [
    ({}, {"name"}),
    ({"name": "   "}, {"name"}),
    ({"name": "A", "kind": "ban"}, {"kind"}),
    ({"name": "A", "slug": "Có Dấu"}, {"slug"}),
    ({"name": "A", "website": "ftp://example.vn"}, {"website"}),
    ({"name": "A\nB"}, {"name"}),
    ({"name": "A", "colour": "red"}, {"colour"}),
    ({"name": 5, "kind": None}, {"name", "kind"}),
])
def test_bad_organization_gets_422_naming_each_field(client, auth, body, fields):
    response = client.post("/api/v1/organizations", json=body, headers=auth)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields
    assert client.get("/api/v1/organizations").get_json()["total"] == 0


def test_next_links_use_the_public_base_url(app, client, make):
    for _ in range(2):
        make.organization()
    app.config["PUBLIC_BASE_URL"] = "https://lich.example.vn"
    body = client.get("/api/v1/organizations?limit=1&q=to+chuc").get_json()
    assert body["next"] == "https://lich.example.vn/api/v1/organizations?limit=1&q=to+chuc&offset=1"
    assert body["items"][0]["feeds"]["https"].startswith("https://lich.example.vn/feeds/")
