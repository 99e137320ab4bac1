"""/api/v1/agreements/<slug>/obligations and /api/v1/follow-up: obligations, period records, derived states."""

from datetime import date, datetime, timezone

import pytest

from conftest import make_token

TERM = {"valid_from": "2020-03-05", "valid_until": "2025-03-04"}


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def pair(make):
    """Two organizations, the first with a sub-unit that is party to nothing itself."""
    parent, other = make.organization(name="Ban cán sự Đảng"), make.organization(name="Đảng ủy Khối")
    child = make.organization(name="Văn phòng Ban cán sự", parent=parent["slug"])
    return {"a": parent["slug"], "b": other["slug"], "child": child["slug"],
            "parties": [{"organization": parent["slug"], "role": "signatory"},
                        {"organization": other["slug"], "role": "signatory"}]}


@pytest.fixture
def regulation(make, pair, clock):
    """The regulation of the first article: 6-monthly reviews over 2020-03-05 – 2025-03-04, with its series."""
    clock.set(datetime(2022, 3, 1, 3, tzinfo=timezone.utc))
    return make.agreement(parties=pair["parties"], review_every_months=6, create_review_series=True, **TERM)


def obligations_of(client, slug, headers=None):
    return client.get(f"/api/v1/agreements/{slug}/obligations", headers=headers or {}).get_json()["items"]


def test_an_agreement_with_review_every_months_gets_its_review_obligation(client, regulation):
    [review] = obligations_of(client, regulation["slug"])
    assert (review["kind"], review["cadence_months"], review["responsible"], review["remind_days"]) == (
        "review_meeting", 6, None, 14)
    assert review["progress"] == {"total": 10, "upcoming": 6, "due": 1, "fulfilled": 0, "overdue": 3, "waived": 0}
    assert [p["state"] for p in review["periods"][:5]] == ["overdue", "overdue", "overdue", "due", "upcoming"]
    assert review["periods"][3] == {"n": 4, "starts_on": "2021-09-05", "ends_on": "2022-03-04", "due_on": "2022-03-05",
                                    "state": "due", "record": None}


def test_states_follow_the_clock_without_a_write(client, regulation, clock):
    slug = regulation["slug"]
    clock.set(date(2020, 8, 1))
    assert obligations_of(client, slug)[0]["progress"]["upcoming"] == 10
    clock.set(date(2025, 3, 6))
    assert obligations_of(client, slug)[0]["progress"]["overdue"] == 10


def test_recording_a_period_fulfils_it_and_a_second_record_is_a_409(client, auth, regulation):
    slug, [review] = regulation["slug"], obligations_of(client, regulation["slug"])
    path = f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/1"
    body = {"event": regulation["review_series_event"], "occurrence": "2020-09-05T14:00:00+07:00",
            "outcome": "Biên bản hội nghị giao ban 6 tháng đầu năm", "document_url": "https://example.vn/bien-ban.pdf",
            "held_on": "2020-09-05"}
    response = client.put(path, json=body, headers=auth)
    assert response.status_code == 200, response.get_json()
    period = response.get_json()["periods"][0]
    assert period["state"] == "fulfilled"
    assert {k: period["record"][k] for k in body} == body
    assert period["record"]["event_title"].startswith("Hội nghị giao ban 6 tháng")
    again = client.put(path, json={"held_on": "2020-09-06"}, headers=auth)
    assert again.status_code == 409 and "already has a record" in again.get_json()["message"]
    assert obligations_of(client, slug)[0]["periods"][0]["record"]["held_on"] == "2020-09-05"
    # Taken back, the period is overdue again (as the clock says); then it can be recorded anew.
    assert client.delete(path, headers=auth).get_json()["periods"][0]["state"] == "overdue"
    assert client.put(path, json={"waived_reason": "Gộp với kỳ sau"}, headers=auth).get_json()[
        "periods"][0]["state"] == "waived"


@pytest.mark.parametrize("body, errors", [
    ({}, {"held_on": ["Give the event that fulfilled the period, the day it was held, or a waived_reason."]}),
    ({"waived_reason": "Không tổ chức", "held_on": "2020-09-05"},
     {"waived_reason": ["A waived period has no held_on; send one or the other."]}),
    ({"occurrence": "2020-09-05T14:00:00+07:00", "held_on": "2020-09-05"}, {"occurrence": ["An occurrence needs its event."]}),
    ({"held_on": "2020-09-05", "document_url": "javascript:alert(1)"}, {"document_url": ["Not a valid URL."]}),
    ({"event": 999999}, {"event": ["Event 999999 is not an event of agreement '{slug}'."]}),
])
def test_bad_records_are_422_and_write_nothing(client, auth, regulation, body, errors):
    slug, [review] = regulation["slug"], obligations_of(client, regulation["slug"])
    response = client.put(f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/1", json=body, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"] == {k: [m.format(slug=slug) for m in v] for k, v in errors.items()}
    assert obligations_of(client, slug)[0]["periods"][0]["record"] is None


def test_an_event_of_another_agreement_cannot_fulfil_a_period(client, auth, make, regulation, pair):
    other = make.agreement(parties=pair["parties"])
    event = make.event(agreement=other["slug"])
    slug, [review] = regulation["slug"], obligations_of(client, regulation["slug"])
    response = client.put(f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/2",
                          json={"event": event["id"]}, headers=auth)
    assert response.status_code == 422


def test_unknown_periods_obligations_and_agreements_are_404(client, auth, regulation):
    slug, [review] = regulation["slug"], obligations_of(client, regulation["slug"])
    for path in (f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/11",
                 f"/api/v1/agreements/{slug}/obligations/{review['id'] + 50}/periods/1",
                 f"/api/v1/agreements/khong-co/obligations/{review['id']}/periods/1"):
        assert client.put(path, json={"held_on": "2020-09-05"}, headers=auth).status_code == 404, path


@pytest.mark.parametrize("body, errors", [
    ({"kind": "results_report", "cadence_months": 72},
     {"cadence_months": ["A cadence of 72 month(s) from 2020-03-05 leaves no whole period before the term ends "
                         "(2025-03-04)."]}),
    ({"kind": "results_report"}, {"cadence_months": ["Give a cadence in months or a single due date (due_on)."]}),
    ({"kind": "results_report", "cadence_months": 3, "due_on": "2021-01-01"},
     {"due_on": ["Give either cadence_months or due_on, not both."]}),
    ({"kind": "bao-cao", "cadence_months": 3}, {"kind": ["Must be one of: review_meeting, results_report, yearly_plan, "
                                                         "final_review, other."]}),
    ({"kind": "other", "due_on": "2021-01-01", "responsible": "khong-phai-ben"},
     {"responsible": ["'khong-phai-ben' is not a party to agreement '{slug}'."]}),
    ({"kind": "other", "due_on": "2021-01-01", "remind_days": -1},
     {"remind_days": ["Must be greater than or equal to 0 and less than or equal to 366."]}),
])
def test_bad_obligations_are_422(client, auth, regulation, body, errors):
    slug = regulation["slug"]
    response = client.post(f"/api/v1/agreements/{slug}/obligations", json=body, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"] == {k: [m.format(slug=slug) for m in v] for k, v in errors.items()}
    assert len(obligations_of(client, slug)) == 1


def test_obligation_crud(client, auth, regulation, pair):
    slug = regulation["slug"]
    created = client.post(f"/api/v1/agreements/{slug}/obligations", headers=auth, json={
        "kind": "results_report", "title": "Thông báo kết quả cho nhau", "cadence_months": 3,
        "responsible": pair["b"], "remind_days": 7})
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/agreements/{slug}/obligations/{report['id']}")
    assert (report["title"], report["responsible"], report["progress"]["total"]) == (
        "Thông báo kết quả cho nhau", pair["b"], 20)
    read = client.get(f"/api/v1/agreements/{slug}/obligations/{report['id']}")
    stale = client.patch(f"/api/v1/agreements/{slug}/obligations/{report['id']}", json={"remind_days": 3},
                         headers={**auth, "If-Match": '"khac"'})
    assert stale.status_code == 412
    changed = client.patch(f"/api/v1/agreements/{slug}/obligations/{report['id']}", json={"due_on": "2024-12-31"},
                           headers={**auth, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["cadence_months"], changed.get_json()["progress"]["total"]) == (None, 1)
    assert client.delete(f"/api/v1/agreements/{slug}/obligations/{report['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/agreements/{slug}/obligations/{report['id']}").status_code == 404
    audit = client.get("/api/v1/audit?entity=obligation", headers=auth).get_json()["items"]
    assert [a["action"] for a in audit][:3] == ["delete", "update", "create"]


def test_a_program_gets_yearly_plans_fulfilled_by_its_child_plans_and_a_final_review(client, make, pair, clock):
    clock.set(date(2026, 12, 1))
    program = make.agreement(parties=pair["parties"], kind="program", **TERM)
    plans, final = obligations_of(client, program["slug"])
    assert (plans["kind"], plans["cadence_months"], final["kind"], final["due_on"]) == (
        "yearly_plan", 12, "final_review", "2025-03-04")
    assert [p["starts_on"][:4] for p in plans["periods"]] == ["2020", "2021", "2022", "2023", "2024"]
    assert plans["progress"]["overdue"] == 5 and final["periods"][0]["state"] == "overdue"
    make.agreement(parties=pair["parties"], kind="plan", parent=program["slug"], slug="ke-hoach-2020",
                   title="Chương trình phối hợp cụ thể năm 2020", signed_on="2020-03-05")
    plans = obligations_of(client, program["slug"])[0]
    assert [p["state"] for p in plans["periods"]] == ["fulfilled"] + ["overdue"] * 4
    assert plans["periods"][0]["record"]["plan"] == "ke-hoach-2020"


def test_writes_need_the_agreements_write_scope(app, client, make, regulation, pair):
    outsider = make.organization()
    slug, [review] = regulation["slug"], obligations_of(client, regulation["slug"])
    paths = [("post", f"/api/v1/agreements/{slug}/obligations", {"kind": "other", "due_on": "2024-01-01"}),
             ("patch", f"/api/v1/agreements/{slug}/obligations/{review['id']}", {"title": "Đổi"}),
             ("put", f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/1", {"held_on": "2020-09-05"}),
             ("delete", f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/1", None),
             ("delete", f"/api/v1/agreements/{slug}/obligations/{review['id']}", None)]
    for headers, status in ((bearer(make_token(app, organizations=[outsider["slug"]])), 403),
                            (bearer(make_token(app, organizations=[pair["a"]])), 403),  # one party of two
                            (bearer(make_token(app, scope="read")), 403), ({}, 401)):
        for method, path, body in paths:
            assert getattr(client, method)(path, json=body, headers=headers).status_code == status, (method, path)
    assert obligations_of(client, slug) == [review]
    both = bearer(make_token(app, organizations=[pair["a"], pair["b"]]))
    assert client.put(paths[2][1], json=paths[2][2], headers=both).status_code == 200


def test_internal_obligations_are_shown_only_to_the_parties(app, client, auth, make, regulation, pair):
    slug = regulation["slug"]
    created = client.post(f"/api/v1/agreements/{slug}/obligations", headers=auth, json={
        "kind": "other", "title": "Nội bộ: chuẩn bị nhân sự", "due_on": "2022-03-10", "visibility": "internal"})
    internal = created.get_json()["id"]
    outsider = bearer(make_token(app, scope="read", organizations=[make.organization()["slug"]]))
    party = bearer(make_token(app, scope="read", organizations=[pair["b"]]))
    for headers, shown in (({}, False), (outsider, False), (party, True), (auth, True)):
        assert (internal in [o["id"] for o in obligations_of(client, slug, headers)]) is shown
        assert (client.get(f"/api/v1/agreements/{slug}/obligations/{internal}", headers=headers).status_code
                == (200 if shown else 404))
        items = client.get("/api/v1/follow-up", headers=headers).get_json()["items"]
        assert (internal in [i["obligation"] for i in items]) is shown


def test_follow_up_covers_sub_units_states_and_terms(client, auth, make, regulation, pair, clock):
    clock.set(date(2025, 1, 15))
    found = client.get("/api/v1/follow-up", query_string={"organization": pair["a"]}).get_json()
    assert [i["period"]["n"] for i in found["items"]] == list(range(1, 10))  # overdue 1-9, 10 not yet due
    assert found["expiring"] == [{"slug": regulation["slug"], "title": regulation["title"], "kind": "regulation",
                                  "valid_until": "2025-03-04"}]
    assert found["expired_without_successor"] == []
    child = client.get("/api/v1/follow-up", query_string={"organization": pair["child"], "state": "due"}).get_json()
    assert child == {"items": [], "expiring": [], "expired_without_successor": []}  # a sub-unit: nothing above it
    clock.set(date(2025, 2, 25))
    due = client.get("/api/v1/follow-up", query_string={"organization": pair["a"], "state": "due"}).get_json()
    assert [i["period"]["n"] for i in due["items"]] == [10]
    clock.set(date(2025, 6, 1))
    ended = client.get("/api/v1/follow-up", query_string={"organization": pair["a"]}).get_json()
    assert [a["slug"] for a in ended["expired_without_successor"]] == [regulation["slug"]]
    make.agreement(parties=pair["parties"], valid_from="2025-03-05", valid_until="2030-03-04")
    renewed = client.get("/api/v1/follow-up", query_string={"organization": pair["a"]}).get_json()
    assert renewed["expired_without_successor"] == []


def test_follow_up_of_a_parent_organization_includes_its_sub_units_agreements(client, make, pair, clock):
    clock.set(date(2022, 3, 1))
    make.agreement(parties=[{"organization": pair["child"], "role": "signatory"},
                            {"organization": pair["b"], "role": "signatory"}], review_every_months=6, **TERM)
    items = client.get("/api/v1/follow-up", query_string={"organization": pair["a"]}).get_json()["items"]
    assert len(items) == 4


@pytest.mark.parametrize("query, status", [({"organization": "khong-co"}, 404), ({"state": "som"}, 422)])
def test_follow_up_query_errors(client, query, status):
    assert client.get("/api/v1/follow-up", query_string=query).status_code == status


def test_deleting_the_event_keeps_the_record_and_deleting_the_agreement_its_obligations(client, auth, make, pair):
    agreement = make.agreement(parties=pair["parties"], review_every_months=6, **TERM)
    event = make.event(agreement=agreement["slug"])
    [review] = obligations_of(client, agreement["slug"])
    path = f"/api/v1/agreements/{agreement['slug']}/obligations/{review['id']}/periods/1"
    assert client.put(path, json={"event": event["id"], "outcome": "Đã họp"}, headers=auth).status_code == 200
    assert client.delete(f"/api/v1/events/{event['id']}", headers=auth).status_code == 204
    record = obligations_of(client, agreement["slug"])[0]["periods"][0]["record"]
    assert (record["event"], record["outcome"]) == (None, "Đã họp")
    assert client.delete(f"/api/v1/agreements/{agreement['slug']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/agreements/{agreement['slug']}/obligations").status_code == 404


def test_the_demo_data_carries_both_agreements_obligations(client, seeded, clock):
    clock.set(date(2026, 12, 1))
    regulation = obligations_of(client, "quy-che-phoi-hop-bcsd-bo-tt-tt-dang-uy-khoi-dn-tw")
    assert [(o["kind"], o["cadence_months"]) for o in regulation] == [("review_meeting", 6), ("results_report", 6)]
    assert regulation[0]["progress"]["total"] is None  # open-ended: the periods due so far and the next are listed
    assert regulation[0]["periods"][-1]["due_on"] == "2027-01-01"  # the next review due
    program = obligations_of(client, "chuong-trinh-phoi-hop-dang-uy-khoi-dn-tw-tap-chi-cong-san-2020-2025")
    plans, final = program
    assert [p["state"] for p in plans["periods"]] == ["fulfilled"] + ["overdue"] * 5  # 2020 – 2025
    assert plans["periods"][0]["record"]["plan"] == "chuong-trinh-phoi-hop-cu-the-nam-2020-dang-uy-khoi-dn-tw-tap-chi-cong-san"
    assert (final["kind"], final["due_on"], final["periods"][0]["state"]) == ("final_review", "2025-12-31", "overdue")
