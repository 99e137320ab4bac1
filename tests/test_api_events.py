"""/api/v1/events: create, read, change, delete, filters, windows and occurrences."""

import pytest


def test_create_returns_201_location_and_the_event(client, make, auth):
    org = make.organization()
    response = client.post("/api/v1/events", headers=auth, json={
        "title": "Lễ ký kết Quy chế phối hợp", "kind": "signing_ceremony", "organizations": [org["slug"]],
        "starts_at": "2020-03-05T14:00:00+07:00", "ends_at": "2020-03-05T16:00:00+07:00",
        "location": "Hà Nội", "description": "Đảng ủy Khối\nTạp chí Cộng sản"})
    assert response.status_code == 201
    event = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/events/{event['id']}")
    assert event["title"] == "Lễ ký kết Quy chế phối hợp"
    assert event["starts_at"] == "2020-03-05T14:00:00+07:00"
    assert event["timezone"] == "Asia/Ho_Chi_Minh"
    assert event["organizations"] == [org["slug"]]
    assert event["uid"].endswith("@calendar-app")
    assert client.get(f"/api/v1/events/{event['id']}").get_json() == event


def test_time_given_in_utc_is_shown_in_the_event_zone(make):
    event = make.event(starts_at="2020-03-05T07:00:00Z", ends_at="2020-03-05T09:00:00Z")
    assert event["starts_at"] == "2020-03-05T14:00:00+07:00"


def test_nfd_input_is_stored_as_nfc(make):
    import unicodedata
    event = make.event(title=unicodedata.normalize("NFD", "Hội nghị giao ban Đảng ủy"))
    assert event["title"] == unicodedata.normalize("NFC", "Hội nghị giao ban Đảng ủy")


@pytest.mark.parametrize("body, field", [
    ({"kind": "joint_workshop"}, "title"),
    ({"title": "x", "kind": "party"}, "kind"),
    ({"title": "x", "kind": "other", "starts_at": "2020-03-05T16:00:00+07:00",
      "ends_at": "2020-03-05T14:00:00+07:00"}, "ends_at"),
    ({"title": "x", "kind": "other", "starts_at": "2020-03-05T14:00:00", "ends_at": "2020-03-05T16:00:00+07:00"},
     "starts_at"),
    ({"title": "x", "kind": "other", "timezone": "Asia/Hanoi_Nowhere", "starts_at": "2020-03-05T14:00:00+07:00",
      "ends_at": "2020-03-05T16:00:00+07:00"}, "timezone"),
    ({"title": "x", "kind": "other", "rrule": "FREQ=SECONDLY", "starts_at": "2020-03-05T14:00:00+07:00",
      "ends_at": "2020-03-05T16:00:00+07:00"}, "rrule"),
    ({"title": "x", "kind": "other", "all_day": True}, "start_date"),
    ({"title": "x\r\nATTENDEE:x", "kind": "other", "all_day": True, "start_date": "2020-03-05"}, "title"),
    ({"title": "x", "kind": "other", "all_day": True, "start_date": "2020-03-05", "bogus": 1}, "bogus"),
    ({"title": "x", "kind": "other", "all_day": True, "start_date": "2020-03-05", "agreement": "khong-co"},
     "agreement"),
    ({"title": "x", "kind": "other", "all_day": True, "start_date": "2020-03-05", "organizations": ["khong-co"]},
     "organizations"),
])
def test_bad_event_gets_422_naming_the_field(client, auth, body, field):
    response = client.post("/api/v1/events", json=body, headers=auth)
    assert response.status_code == 422, response.get_json()
    payload = response.get_json()
    assert payload["code"] == 422 and field in payload["errors"], payload
    assert client.get("/api/v1/events").get_json()["total"] == 0


def test_writes_need_a_token(client):
    response = client.post("/api/v1/events", json={"title": "x", "kind": "other"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.post("/api/v1/events", json={}, headers={"Authorization": "Bearer cal_1_wrong"})
    assert bad.status_code == 401


def test_malformed_json_gets_400(client, auth):
    response = client.post("/api/v1/events", data="{not json", headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["code"] == 400


def test_internal_events_are_hidden_from_anonymous_readers(client, make, auth):
    internal = make.event(visibility="internal")
    assert client.get(f"/api/v1/events/{internal['id']}").status_code == 404
    assert client.get("/api/v1/events").get_json()["total"] == 0
    assert client.get("/api/v1/events", headers=auth).get_json()["total"] == 1


def test_patch_merges_bumps_sequence_and_honours_if_match(client, make, auth):
    event = make.event()
    etag = client.get(f"/api/v1/events/{event['id']}").headers["ETag"]
    response = client.patch(f"/api/v1/events/{event['id']}", json={"location": "Đà Nẵng"},
                            headers={**auth, "If-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["location"] == "Đà Nẵng"
    assert response.get_json()["sequence"] == 1
    stale = client.patch(f"/api/v1/events/{event['id']}", json={"title": "Khác"}, headers={**auth, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(f"/api/v1/events/{event['id']}").get_json()["title"] == event["title"]


def test_patch_that_breaks_the_whole_is_refused(client, make, auth):
    event = make.event()
    response = client.patch(f"/api/v1/events/{event['id']}", json={"ends_at": "2026-12-15T07:00:00+07:00"},
                            headers=auth)
    assert response.status_code == 422
    assert "ends_at" in response.get_json()["errors"]


def test_search_ignores_case_diacritics_and_d_stroke(client, make):
    make.event(title="Hội thảo khoa học Đảng ủy Khối")
    make.event(title="Lễ ký kết")
    for query in ("hoi thao", "HỘI THẢO", "dang uy", "Đảng", "khoa hoc dang"):
        assert client.get("/api/v1/events", query_string={"q": query}).get_json()["total"] == 1, query


def test_six_monthly_series_over_five_years_gives_ten_occurrences(client, make):
    make.event(title="Hội nghị giao ban", kind="review_meeting", starts_at="2020-09-05T14:00:00+07:00",
               ends_at="2020-09-05T16:00:00+07:00", rrule="FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T235959Z")
    response = client.get("/api/v1/occurrences", query_string={"from": "2020-01-01T00:00:00+07:00",
                                                               "to": "2026-01-01T00:00:00+07:00"})
    body = response.get_json()
    assert response.status_code == 200 and body["total"] == 10
    assert [o["starts_at"][:10] for o in body["items"]][:3] == ["2020-09-05", "2021-03-05", "2021-09-05"]


def test_window_filter_includes_series_with_an_occurrence_inside(client, make):
    make.event(title="Giao ban", starts_at="2020-03-05T14:00:00+07:00", ends_at="2020-03-05T16:00:00+07:00",
               rrule="FREQ=MONTHLY;INTERVAL=6")
    make.event(title="Một lần", starts_at="2020-03-05T14:00:00+07:00", ends_at="2020-03-05T16:00:00+07:00")
    in_q3 = client.get("/api/v1/events", query_string={"from": "2023-09-01T00:00:00+07:00",
                                                       "to": "2023-10-01T00:00:00+07:00"}).get_json()
    assert [e["title"] for e in in_q3["items"]] == ["Giao ban"]
    empty = client.get("/api/v1/events", query_string={"from": "2023-10-01T00:00:00+07:00",
                                                       "to": "2023-11-01T00:00:00+07:00"}).get_json()
    assert empty["total"] == 0


def test_century_window_is_refused_with_400(client):
    response = client.get("/api/v1/occurrences", query_string={"from": "1900-01-01T00:00:00Z",
                                                               "to": "2100-01-01T00:00:00Z"})
    assert response.status_code == 400
    assert "days" in response.get_json()["message"]


def test_paging_gives_next_link(client, make):
    for n in range(3):
        make.event(title=f"Sự kiện {n}")
    first = client.get("/api/v1/events?limit=2").get_json()
    assert first["total"] == 3 and len(first["items"]) == 2 and "offset=2" in first["next"]
    assert client.get(first["next"]).get_json()["next"] is None


def test_delete_removes_the_event(client, make, auth):
    event = make.event()
    assert client.delete(f"/api/v1/events/{event['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404


def test_open_ended_daily_series_matches_a_from_only_filter(client, make):
    make.event(title="Trực ban", starts_at="2020-03-05T08:00:00+07:00", ends_at="2020-03-05T09:00:00+07:00",
               rrule="FREQ=DAILY")
    found = client.get("/api/v1/events", query_string={"from": "2030-01-01T00:00:00+07:00"}).get_json()
    assert [e["title"] for e in found["items"]] == ["Trực ban"]


def test_every_problem_is_reported_at_once(client, auth):
    response = client.post("/api/v1/events", headers=auth, json={
        "kind": "bogus", "starts_at": "2020-03-05T16:00:00+07:00", "ends_at": "2020-03-05T14:00:00+07:00",
        "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"title", "kind", "ends_at", "timezone"}


def test_a_field_that_failed_alone_gets_only_its_own_message(client, auth):
    response = client.post("/api/v1/events", headers=auth, json={
        "title": "x", "kind": "other", "starts_at": "not a date", "ends_at": "2020-03-05T14:00:00+07:00"})
    assert response.get_json()["errors"] == {"starts_at": ["Not a valid datetime."]}
