"""/api/v1/agreements: parties, terms, filters, parents, ETags, nested events and the review series."""

import pytest

BASE = "http://localhost"
OCCURRENCES_2020_2026 = {"from": "2020-01-01T00:00:00+07:00", "to": "2026-01-01T00:00:00+07:00", "limit": 500}


@pytest.fixture
def orgs(make):
    """Three organizations: two to sign, one to witness."""
    return [make.organization(name=name) for name in ("Đảng ủy Khối DN TƯ", "Tạp chí Cộng sản", "Ban Kinh tế TƯ")]


def parties(orgs, *roles):
    return [{"organization": o["slug"], "role": role} for o, role in zip(orgs, roles)]


def test_create_returns_201_location_and_the_whole_agreement(client, auth, orgs):
    a, b, w = orgs
    response = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Chương trình phối hợp công tác giai đoạn 2020 – 2025", "kind": "program",
        "summary": "Trao đổi thông tin hai chiều.\nPhối hợp tổ chức hội thảo.",
        "signed_on": "2020-03-05", "valid_from": "2020-03-05", "valid_until": "2025-12-31",
        "source_url": "https://example.vn/bai-bao",
        "parties": [
            {"organization": a["slug"], "role": "signatory", "signatory_name": "Y Thanh Hà Nie Kđăm",
             "signatory_title": "Bí thư"},
            {"organization": b["slug"], "role": "signatory", "signatory_name": "Đoàn Minh Huấn",
             "signatory_title": "Tổng Biên tập"},
            {"organization": w["slug"], "role": "witness", "signatory_name": "Nguyễn Văn Bình"},
        ]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    slug = "chuong-trinh-phoi-hop-cong-tac-giai-doan-2020-2025"
    assert response.headers["Location"] == f"{BASE}/api/v1/agreements/{slug}"
    webcal = f"webcal://localhost/feeds/agreements/{slug}.ics"
    expected = {
        "id": body["id"], "slug": slug, "title": "Chương trình phối hợp công tác giai đoạn 2020 – 2025",
        "kind": "program", "summary": "Trao đổi thông tin hai chiều.\nPhối hợp tổ chức hội thảo.",
        "signed_on": "2020-03-05", "valid_from": "2020-03-05", "valid_until": "2025-12-31", "parent": None,
        "review_every_months": None, "source_url": "https://example.vn/bai-bao",
        "parties": [
            {"organization": a["slug"], "organization_name": "Đảng ủy Khối DN TƯ", "role": "signatory",
             "signatory_name": "Y Thanh Hà Nie Kđăm", "signatory_title": "Bí thư"},
            {"organization": b["slug"], "organization_name": "Tạp chí Cộng sản", "role": "signatory",
             "signatory_name": "Đoàn Minh Huấn", "signatory_title": "Tổng Biên tập"},
            {"organization": w["slug"], "organization_name": "Ban Kinh tế TƯ", "role": "witness",
             "signatory_name": "Nguyễn Văn Bình", "signatory_title": None},
        ],
        "created_at": body["created_at"], "updated_at": body["created_at"],
        "feeds": {"https": f"{BASE}/feeds/agreements/{slug}.ics", "webcal": webcal,
                  "google": f"https://calendar.google.com/calendar/render?cid={webcal}"},
        "review_series_event": None,
    }
    assert body == expected
    read = client.get(f"/api/v1/agreements/{slug}")
    assert read.get_json() == expected
    assert read.headers["ETag"].startswith('"')


@pytest.mark.parametrize("roles", [
    ("signatory",),
    ("signatory", "witness"),
    ("witness", "witness", "party"),
])
def test_an_agreement_needs_two_distinct_signing_organizations(client, auth, orgs, roles):
    response = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Quy chế", "kind": "regulation", "parties": parties(orgs, *roles)})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "parties": ["An agreement needs at least two distinct organizations as signatories or parties."]}
    assert client.get("/api/v1/agreements").get_json()["total"] == 0


def test_the_same_organization_twice_does_not_count_as_two(client, auth, orgs):
    a = orgs[0]["slug"]
    response = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Quy chế", "kind": "regulation",
        "parties": [{"organization": a, "role": "signatory"}, {"organization": a, "role": "party"}]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"parties": [f"Each organization may appear once; repeated: {a}."]}


@pytest.mark.parametrize("roles", [("signatory", "party"), ("party", "party"), ("signatory", "signatory", "witness")])
def test_two_signing_organizations_are_enough(make, orgs, roles):
    assert len(make.agreement(parties=parties(orgs, *roles))["parties"]) == len(roles)


@pytest.mark.parametrize("change, errors", [
    ({"kind": "treaty"}, {"kind": ["Must be one of: regulation, program, plan, memorandum, other."]}),
    ({"valid_from": "2025-01-01", "valid_until": "2020-01-01"}, {"valid_until": ["Must not be before valid_from."]}),
    ({"valid_from": "2020-02-30"}, {"valid_from": ["Not a valid date."]}),
    ({"review_every_months": 0}, {"review_every_months": ["Must be greater than or equal to 1 and less than or "
                                                          "equal to 120."]}),
    ({"parent": "khong-co"}, {"parent": ["Unknown agreement 'khong-co'."]}),
    ({"create_review_series": True}, {"create_review_series": ["Needs review_every_months and valid_from."]}),
    ({"create_review_series": True, "review_every_months": 6}, {"create_review_series": ["Needs valid_from."]}),
])
def test_bad_agreement_gets_422_naming_the_field(client, auth, orgs, change, errors):
    body = {"title": "Quy chế", "kind": "regulation", "parties": parties(orgs, "signatory", "party"), **change}
    response = client.post("/api/v1/agreements", json=body, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors
    assert client.get("/api/v1/agreements").get_json()["total"] == 0


def test_bad_party_is_named_by_position(client, auth, orgs):
    body = {"title": "Quy chế", "kind": "regulation", "parties": [
        {"organization": orgs[0]["slug"], "role": "signatory"}, {"organization": orgs[1]["slug"], "role": "guest"}]}
    response = client.post("/api/v1/agreements", json=body, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"parties": {"1": {"role": ["Must be one of: signatory, party, witness."]}}}
    unknown = client.post("/api/v1/agreements", headers=auth, json={**body, "parties": [
        {"organization": orgs[0]["slug"], "role": "signatory"}, {"organization": "khong-co", "role": "party"}]})
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"] == {"parties": ["Unknown organization 'khong-co'."]}


def test_duplicate_slug_is_a_conflict(client, auth, make, orgs):
    make.agreement(slug="quy-che", parties=parties(orgs, "signatory", "party"))
    response = client.post("/api/v1/agreements", headers=auth, json={
        "slug": "quy-che", "title": "Khác", "kind": "other", "parties": parties(orgs, "signatory", "party")})
    assert response.status_code == 409
    assert response.get_json() == {"code": 409, "status": "Conflict", "errors": {"slug": ["Already taken."]},
                                   "message": "An agreement with slug 'quy-che' already exists."}


def _series_occurrences(client, slug):
    body = client.get("/api/v1/occurrences", query_string={**OCCURRENCES_2020_2026, "agreement": slug}).get_json()
    return [o["starts_at"] for o in body["items"]]


TEN_REVIEWS = [f"{year}-{month}-05T14:00:00+07:00" for year in range(2020, 2026) for month in ("03", "09")][1:-1]


@pytest.mark.parametrize("valid_until", ["2025-03-04", "2025-03-05"])
def test_six_monthly_review_series_over_a_five_year_term_has_ten_meetings(client, auth, orgs, valid_until):
    response = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Quy chế phối hợp", "kind": "regulation", "valid_from": "2020-03-05", "valid_until": valid_until,
        "review_every_months": 6, "create_review_series": True,
        "parties": parties(orgs, "signatory", "party", "witness")})
    assert response.status_code == 201, response.get_json()
    agreement = response.get_json()
    series = client.get(f"/api/v1/events/{agreement['review_series_event']}").get_json()
    shown = ("kind", "agreement", "organizations", "status", "starts_at", "ends_at", "timezone")
    assert {k: series[k] for k in shown} == {
        "kind": "review_meeting", "agreement": agreement["slug"],
        "organizations": sorted([orgs[0]["slug"], orgs[1]["slug"]]),  # the witness does not meet
        "status": "tentative", "starts_at": "2020-09-05T14:00:00+07:00", "ends_at": "2020-09-05T16:00:00+07:00",
        "timezone": "Asia/Ho_Chi_Minh"}
    assert series["rrule"].startswith("FREQ=MONTHLY;") and "INTERVAL=6" in series["rrule"]
    starts = _series_occurrences(client, agreement["slug"])
    assert len(starts) == 10
    assert starts == TEN_REVIEWS  # 2020-09-05 ... 2025-03-05, the last one closing the term
    nested = client.get(f"/api/v1/agreements/{agreement['slug']}/events").get_json()
    assert [e["id"] for e in nested["items"]] == [series["id"]]


def test_review_series_follows_a_changed_term_and_keeps_staff_edits(client, auth, orgs):
    agreement = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Quy chế phối hợp", "kind": "regulation", "valid_from": "2020-03-05", "valid_until": "2025-03-04",
        "review_every_months": 6, "create_review_series": True,
        "parties": parties(orgs, "signatory", "signatory")}).get_json()
    series_url = f"/api/v1/events/{agreement['review_series_event']}"
    moved = client.patch(series_url, headers=auth, json={
        "location": "Hội trường Đảng ủy Khối", "starts_at": "2020-09-05T09:00:00+07:00",
        "ends_at": "2020-09-05T11:30:00+07:00"})
    assert moved.status_code == 200, moved.get_json()
    shortened = client.patch(f"/api/v1/agreements/{agreement['slug']}", headers=auth,
                             json={"valid_until": "2022-03-04"})
    assert shortened.status_code == 200, shortened.get_json()
    assert _series_occurrences(client, agreement["slug"]) == [
        "2020-09-05T09:00:00+07:00", "2021-03-05T09:00:00+07:00", "2021-09-05T09:00:00+07:00",
        "2022-03-05T09:00:00+07:00"]
    series = client.get(series_url).get_json()
    assert series["location"] == "Hội trường Đảng ủy Khối"
    assert series["ends_at"] == "2020-09-05T11:30:00+07:00"
    assert series["sequence"] == moved.get_json()["sequence"] + 1  # clients see the series rescheduled
    yearly = client.patch(f"/api/v1/agreements/{agreement['slug']}", headers=auth,
                          json={"review_every_months": 12, "valid_from": "2021-01-01"})
    assert yearly.status_code == 200, yearly.get_json()
    assert _series_occurrences(client, agreement["slug"]) == ["2022-01-01T09:00:00+07:00"]
    renamed = client.patch(f"/api/v1/agreements/{agreement['slug']}", headers=auth, json={"title": "Tên mới"})
    assert renamed.status_code == 200
    assert client.get(series_url).get_json()["sequence"] == series["sequence"] + 1  # a title change moves nothing


def test_a_deleted_review_series_is_unlinked_and_a_term_change_still_works(client, auth, orgs):
    agreement = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Quy chế phối hợp", "kind": "regulation", "valid_from": "2020-03-05", "valid_until": "2025-03-04",
        "review_every_months": 6, "create_review_series": True,
        "parties": parties(orgs, "signatory", "signatory")}).get_json()
    assert client.delete(f"/api/v1/events/{agreement['review_series_event']}", headers=auth).status_code == 204
    changed = client.patch(f"/api/v1/agreements/{agreement['slug']}", headers=auth, json={"valid_until": "2022-03-04"})
    assert changed.status_code == 200 and changed.get_json()["review_series_event"] is None
    assert _series_occurrences(client, agreement["slug"]) == []


def test_review_series_of_an_open_ended_term_keeps_going(client, auth, orgs):
    response = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Quy chế không thời hạn", "kind": "regulation", "valid_from": "2017-01-01",
        "review_every_months": 6, "create_review_series": True, "parties": parties(orgs, "signatory", "signatory")})
    series = client.get(f"/api/v1/events/{response.get_json()['review_series_event']}").get_json()
    assert series["rrule"] == "FREQ=MONTHLY;INTERVAL=6"
    assert _series_occurrences(client, response.get_json()["slug"])[:2] == ["2020-01-01T14:00:00+07:00",
                                                                            "2020-07-01T14:00:00+07:00"]


def test_without_the_flag_no_series_is_created(client, make, orgs):
    agreement = make.agreement(parties=parties(orgs, "signatory", "party"), valid_from="2020-03-05",
                               valid_until="2025-03-04", review_every_months=6)
    assert agreement["review_series_event"] is None
    assert client.get(f"/api/v1/agreements/{agreement['slug']}/events").get_json()["total"] == 0


@pytest.fixture
def term_set(make, orgs):
    """Four agreements with different parties, kinds and terms."""
    a, b, c = (o["slug"] for o in orgs)
    return {
        "closed": make.agreement(slug="closed", kind="program", valid_from="2020-03-05", valid_until="2025-12-31",
                                 parties=[{"organization": a, "role": "signatory"},
                                          {"organization": b, "role": "signatory"},
                                          {"organization": c, "role": "witness"}]),
        "year": make.agreement(slug="year", kind="plan", valid_from="2020-01-01", valid_until="2020-12-31",
                               signed_on="2020-03-05",
                               parties=[{"organization": a, "role": "signatory"},
                                        {"organization": b, "role": "party"}]),
        "open": make.agreement(slug="open", kind="regulation", valid_from="2017-01-01",
                               parties=[{"organization": b, "role": "signatory"},
                                        {"organization": c, "role": "signatory"}]),
        "undated": make.agreement(slug="undated", kind="memorandum",
                                  parties=[{"organization": a, "role": "party"}, {"organization": c, "role": "party"}]),
    }


@pytest.mark.parametrize("query, expected", [
    ({}, {"closed", "year", "open", "undated"}),
    ({"active_on": "2020-06-01"}, {"closed", "year", "open", "undated"}),
    ({"active_on": "2021-01-01"}, {"closed", "open", "undated"}),
    ({"active_on": "2020-12-31"}, {"closed", "year", "open", "undated"}),
    ({"active_on": "2016-12-31"}, {"undated"}),
    ({"active_on": "2026-01-01"}, {"open", "undated"}),
    ({"expiring_before": "2026-01-01"}, {"closed", "year"}),
    ({"expiring_before": "2025-12-31"}, {"year"}),
    ({"expiring_before": "2020-12-31"}, set()),
    ({"active_on": "2025-06-01", "expiring_before": "2026-01-01"}, {"closed"}),
    ({"kind": "plan,program"}, {"closed", "year"}),
    ({"kind": "regulation"}, {"open"}),
    ({"organization": "ORG0"}, {"closed", "year", "undated"}),
    ({"organization": "ORG2"}, {"closed", "open", "undated"}),
    ({"organization": "ORG2", "kind": "program"}, {"closed"}),
])
def test_list_filters(client, orgs, term_set, query, expected):
    query = {k: orgs[int(v[3])]["slug"] if v.startswith("ORG") else v for k, v in query.items()}
    body = client.get("/api/v1/agreements", query_string=query).get_json()
    assert {a["slug"] for a in body["items"]} == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("query, field", [
    ({"active_on": "2020-13-01"}, "active_on"), ({"expiring_before": "soon"}, "expiring_before"),
    ({"kind": "program,treaty"}, "kind"), ({"limit": "501"}, "limit"),
])
def test_bad_list_filters_get_422(client, query, field):
    response = client.get("/api/v1/agreements", query_string=query)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {field}


def test_unknown_organization_filter_is_404(client):
    assert client.get("/api/v1/agreements?organization=khong-co").status_code == 404


def test_list_pages_with_next_links(client, term_set):
    first = client.get("/api/v1/agreements?limit=3").get_json()
    assert first["total"] == 4 and len(first["items"]) == 3
    assert first["next"] == f"{BASE}/api/v1/agreements?limit=3&offset=3"
    last = client.get(first["next"]).get_json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert {a["slug"] for a in first["items"] + last["items"]} == set(term_set)


def test_yearly_plan_under_a_program_and_its_limits(client, auth, make, orgs):
    program = make.agreement(slug="program", kind="program", parties=parties(orgs, "signatory", "signatory"))
    plan = make.agreement(slug="plan-2020", kind="plan", parent="program", parties=parties(orgs, "signatory", "party"))
    assert plan["parent"] == "program"
    cycle = client.patch("/api/v1/agreements/program", json={"parent": "plan-2020"}, headers=auth)
    assert cycle.status_code == 422
    assert cycle.get_json()["errors"] == {"parent": ["An agreement cannot be its own ancestor."]}
    refused = client.delete("/api/v1/agreements/program", headers=auth)
    assert refused.status_code == 409
    assert refused.get_json()["message"] == "Agreement 'program' cannot be deleted: it has 1 child agreement(s)."
    assert client.get(f"/api/v1/agreements/{program['slug']}").status_code == 200


def test_patch_replaces_parties_and_keeps_the_two_party_rule(client, auth, make, orgs):
    agreement = make.agreement(slug="quy-che", parties=parties(orgs, "signatory", "party"))
    a, b, c = (o["slug"] for o in orgs)
    changed = client.patch("/api/v1/agreements/quy-che", headers=auth, json={"parties": [
        {"organization": c, "role": "signatory"}, {"organization": a, "role": "signatory"}]})
    assert changed.status_code == 200
    assert [(p["organization"], p["role"]) for p in changed.get_json()["parties"]] == [
        (c, "signatory"), (a, "signatory")]
    one = client.patch("/api/v1/agreements/quy-che", headers=auth, json={"parties": [
        {"organization": c, "role": "signatory"}, {"organization": b, "role": "witness"}]})
    assert one.status_code == 422 and set(one.get_json()["errors"]) == {"parties"}
    assert client.get("/api/v1/agreements/quy-che").get_json()["parties"] == changed.get_json()["parties"]
    term = client.patch("/api/v1/agreements/quy-che", headers=auth, json={"valid_from": "2025-01-01"})
    assert term.status_code == 200
    backwards = client.patch("/api/v1/agreements/quy-che", headers=auth, json={"valid_until": "2024-12-31"})
    assert backwards.status_code == 422
    assert backwards.get_json()["errors"] == {"valid_until": ["Must not be before valid_from."]}
    assert agreement["id"] == client.get("/api/v1/agreements/quy-che").get_json()["id"]


def test_patch_honours_if_match_and_changes_the_etag(client, auth, make, orgs):
    make.agreement(slug="quy-che", parties=parties(orgs, "signatory", "party"))
    etag = client.get("/api/v1/agreements/quy-che").headers["ETag"]
    ok = client.patch("/api/v1/agreements/quy-che", json={"summary": "Bản sửa đổi"}, headers={**auth, "If-Match": etag})
    assert ok.status_code == 200 and ok.headers["ETag"] != etag
    assert ok.headers["ETag"] == client.get("/api/v1/agreements/quy-che").headers["ETag"]
    stale = client.patch("/api/v1/agreements/quy-che", json={"summary": "Ghi đè"}, headers={**auth, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get("/api/v1/agreements/quy-che").get_json()["summary"] == "Bản sửa đổi"


def test_delete_refuses_an_agreement_with_events_then_succeeds(client, auth, make, orgs):
    make.agreement(slug="quy-che", parties=parties(orgs, "signatory", "party"))
    event = make.event(agreement="quy-che")
    refused = client.delete("/api/v1/agreements/quy-che", headers=auth)
    assert refused.status_code == 409
    assert refused.get_json() == {"code": 409, "status": "Conflict",
                                  "message": "Agreement 'quy-che' cannot be deleted: 1 event(s) are linked to it."}
    assert client.delete(f"/api/v1/events/{event['id']}", headers=auth).status_code == 204
    assert client.delete("/api/v1/agreements/quy-che", headers=auth).status_code == 204
    assert client.get("/api/v1/agreements/quy-che").status_code == 404
    # The parties went with it: the organizations can now be deleted.
    assert client.delete(f"/api/v1/organizations/{orgs[0]['slug']}", headers=auth).status_code == 204


def test_nested_events_list_only_the_agreements_events_and_page(client, make, orgs):
    make.agreement(slug="quy-che", parties=parties(orgs, "signatory", "party"))
    make.agreement(slug="khac", parties=parties(orgs, "party", "party"))
    mine = [make.event(title=f"Hội thảo {n}", agreement="quy-che", starts_at=f"2026-0{n}-01T08:00:00+07:00",
                       ends_at=f"2026-0{n}-01T10:00:00+07:00") for n in (1, 2, 3)]
    make.event(title="Khác", agreement="khac")
    first = client.get("/api/v1/agreements/quy-che/events?limit=2").get_json()
    assert [e["id"] for e in first["items"]] == [mine[0]["id"], mine[1]["id"]] and first["total"] == 3
    assert first["next"] == f"{BASE}/api/v1/agreements/quy-che/events?limit=2&offset=2"
    assert [e["id"] for e in client.get(first["next"]).get_json()["items"]] == [mine[2]["id"]]
    in_february = client.get("/api/v1/agreements/quy-che/events", query_string={
        "from": "2026-02-01T00:00:00+07:00", "to": "2026-03-01T00:00:00+07:00"}).get_json()
    assert [e["id"] for e in in_february["items"]] == [mine[1]["id"]]
    assert client.get("/api/v1/agreements/khong-co/events").status_code == 404


def test_patch_refuses_incomplete_parties_by_position(client, auth, make, orgs):
    agreement = make.agreement(slug="quy-che", parties=parties(orgs, "signatory", "party"))
    response = client.patch("/api/v1/agreements/quy-che", headers=auth, json={
        "parties": [{"organization": orgs[0]["slug"]}, {"role": "party"}]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"parties": {
        "0": {"role": ["Missing data for required field."]},
        "1": {"organization": ["Missing data for required field."]}}}
    assert client.get("/api/v1/agreements/quy-che").get_json()["parties"] == agreement["parties"]


@pytest.mark.parametrize("valid_from, months, expected", [
    ("2020-05-31", 3, ["2020-08-28", "2020-11-28", "2021-02-28", "2021-05-28", "2021-08-28"]),
    ("2019-08-29", 6, ["2020-02-28", "2020-08-28", "2021-02-28", "2021-08-28"]),
    ("2020-01-15", 1, ["2020-02-15", "2020-03-15", "2020-04-15", "2020-05-15", "2020-06-15"]),
])
def test_review_series_never_skips_a_short_month(client, auth, orgs, valid_from, months, expected):
    response = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Kế hoạch", "kind": "plan", "valid_from": valid_from, "review_every_months": months,
        "create_review_series": True, "parties": parties(orgs, "signatory", "signatory")})
    assert response.status_code == 201, response.get_json()
    starts = client.get("/api/v1/occurrences", query_string={
        "from": "2019-01-01T00:00:00+07:00", "to": "2021-09-01T00:00:00+07:00",
        "agreement": response.get_json()["slug"]}).get_json()["items"]
    assert [o["starts_at"][:10] for o in starts][:len(expected)] == expected


SHORT_TERM = ("The first review meeting, on 2020-09-05, would fall after the term ends (2020-06-30): "
              "give a shorter interval or a longer term.")


@pytest.mark.parametrize("term, message", [
    ({"valid_from": "2020-03-05", "valid_until": "2020-06-30", "review_every_months": 6}, SHORT_TERM),
    ({"valid_from": "2195-01-01", "review_every_months": 120},
     "The review meetings must fall between the years 1900 and 2200; the first would be on 2205-01-01."),
])
def test_a_review_series_the_event_rules_refuse_is_a_422_on_create(client, auth, orgs, term, message):
    """The series goes through the event schema: a term shorter than the interval or past 2200 was a 500."""
    before = client.get("/api/v1/agreements").get_json()["total"]
    response = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Kế hoạch ngắn", "kind": "plan", "create_review_series": True,
        "parties": parties(orgs, "signatory", "signatory"), **term})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"] == {"review_every_months": [message]}
    assert client.get("/api/v1/agreements").get_json()["total"] == before
    assert client.get("/api/v1/events").get_json()["total"] == 0


def test_a_term_change_the_review_series_cannot_follow_is_a_422_and_changes_nothing(client, auth, orgs):
    agreement = client.post("/api/v1/agreements", headers=auth, json={
        "title": "Quy chế phối hợp", "kind": "regulation", "valid_from": "2020-03-05", "valid_until": "2025-03-04",
        "review_every_months": 6, "create_review_series": True,
        "parties": parties(orgs, "signatory", "signatory")}).get_json()
    series = client.get(f"/api/v1/events/{agreement['review_series_event']}").get_json()
    for change, message in (({"valid_until": "2020-06-30"}, SHORT_TERM),
                            ({"valid_from": "2195-01-01", "valid_until": None, "review_every_months": 120},
                             "The review meetings must fall between the years 1900 and 2200; the first would be "
                             "on 2205-01-01.")):
        response = client.patch(f"/api/v1/agreements/{agreement['slug']}", headers=auth, json=change)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["errors"] == {"review_every_months": [message]}
    assert client.get(f"/api/v1/agreements/{agreement['slug']}").get_json() == agreement
    assert client.get(f"/api/v1/events/{series['id']}").get_json() == series
