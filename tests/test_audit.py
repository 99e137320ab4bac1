"""The audit trail: every change to an organization, agreement or event, who made it and the old values."""

import re

from conftest import make_token

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _trail(client, auth, **query) -> list[dict]:
    response = client.get("/api/v1/audit", query_string={"limit": 500, **query}, headers=auth)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def test_every_change_is_recorded_with_actor_time_and_values(app, client, make):
    first = {"Authorization": f"Bearer {make_token(app)}"}
    make.client, make.auth = client, first
    organization = make.organization(name="Sở Tư pháp")
    event = make.event(title="Bản đầu", organizations=[organization["slug"]])
    second = {"Authorization": f"Bearer {make_token(app)}"}
    path = f"/api/v1/events/{event['id']}"
    assert client.patch(path, json={"title": "Bản ghi đè"}, headers=second).status_code == 200
    assert client.patch(path, json={"location": "Hà Nội"}, headers=first).status_code == 200
    assert client.delete(f"/api/v1/events/{event['id']}", headers=second).status_code == 204

    trail = _trail(client, first, entity="event", entity_id=event["id"])
    assert [e["action"] for e in trail] == ["delete", "update", "update", "create"]
    assert all(STAMP.match(e["at"]) and e["entity_key"] == event["uid"] for e in trail)
    first_actor, second_actor = trail[-1]["actor"], trail[-2]["actor"]
    assert first_actor.startswith("token:test-") and second_actor.startswith("token:test-")
    assert first_actor != second_actor
    assert [e["actor"] for e in trail] == [second_actor, first_actor, second_actor, first_actor]
    # The overwritten title is not lost: the update keeps [old, new].
    assert trail[2]["changes"] == {"title": ["Bản đầu", "Bản ghi đè"]}
    assert trail[1]["changes"] == {"location": [None, "Hà Nội"], "sequence": [0, 1]}
    # The delete keeps the whole last state.
    assert trail[0]["changes"]["title"] == ["Bản ghi đè", None]
    assert trail[0]["changes"]["location"] == ["Hà Nội", None]
    assert trail[3]["changes"]["title"] == [None, "Bản đầu"]


def test_organization_and_agreement_changes_are_recorded(client, auth, make):
    a, b = make.organization(), make.organization()
    agreement = make.agreement(parties=[{"organization": a["slug"], "role": "signatory"},
                                        {"organization": b["slug"], "role": "party"}])
    changed = client.patch(f"/api/v1/organizations/{a['slug']}", json={"short_name": "STP"}, headers=auth)
    assert changed.status_code == 200
    assert client.patch(f"/api/v1/agreements/{agreement['slug']}", json={"parties": [
        {"organization": a["slug"], "role": "signatory", "signatory_name": "Nguyễn Văn A"},
        {"organization": b["slug"], "role": "signatory"}]}, headers=auth).status_code == 200
    organizations = _trail(client, auth, entity="organization", entity_id=a["id"])
    assert [(e["action"], e["entity_key"]) for e in organizations] == [("update", a["slug"]), ("create", a["slug"])]
    assert organizations[0]["changes"] == {"short_name": [None, "STP"]}
    agreements = _trail(client, auth, entity="agreement", entity_id=agreement["id"])
    assert [e["action"] for e in agreements] == ["update", "create"]
    old_parties, new_parties = agreements[0]["changes"]["parties"]
    assert [p["role"] for p in old_parties] == ["signatory", "party"]
    assert [(p["role"], p["signatory_name"]) for p in new_parties] == [("signatory", "Nguyễn Văn A"),
                                                                        ("signatory", None)]


def test_refused_writes_leave_no_audit_rows(client, auth, make):
    event = make.event()
    before = client.get("/api/v1/audit", headers=auth).get_json()["total"]
    client.patch(f"/api/v1/events/{event['id']}", json={"title": ""}, headers=auth)
    client.post("/api/v1/events", json={"title": "x"}, headers=auth)
    client.delete(f"/api/v1/events/{event['id']}")
    client.post("/api/v1/organizations", json={"name": "không có token"})
    assert client.get("/api/v1/audit", headers=auth).get_json()["total"] == before


def test_audit_pages_and_filters(client, auth, make):
    for _ in range(3):
        make.organization()
    page = client.get("/api/v1/audit?limit=2&entity=organization", headers=auth).get_json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert page["next"].endswith("/api/v1/audit?limit=2&entity=organization&offset=2")
    assert client.get("/api/v1/audit?entity=user", headers=auth).status_code == 422


def test_ids_of_deleted_records_are_never_given_again(client, auth, make):
    """SQLite would reuse the highest deleted rowid: the new record would inherit the old one's history and links."""
    event = make.event(title="Đã xoá")
    assert client.delete(f"/api/v1/events/{event['id']}", headers=auth).status_code == 204
    successor = make.event(title="Mới")
    assert successor["id"] > event["id"]
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    trail = _trail(client, auth, entity="event", entity_id=successor["id"])
    assert [(e["action"], e["entity_key"]) for e in trail] == [("create", successor["uid"])]
    assert [e["action"] for e in _trail(client, auth, entity="event", entity_id=event["id"])] == ["delete", "create"]

    organization = make.organization()
    assert client.delete(f"/api/v1/organizations/{organization['slug']}", headers=auth).status_code == 204
    assert make.organization()["id"] > organization["id"]
    agreement = make.agreement()
    assert client.delete(f"/api/v1/agreements/{agreement['slug']}", headers=auth).status_code == 204
    assert make.agreement()["id"] > agreement["id"]


def test_token_creation_and_revocation_are_recorded_without_secrets(client, auth):
    created = client.post("/api/v1/tokens", json={"name": "cổng", "scope": "read"}, headers=auth).get_json()
    assert client.delete(f"/api/v1/tokens/{created['id']}", headers=auth).status_code == 200
    trail = client.get("/api/v1/audit", query_string={"entity": "token", "entity_id": created["id"]},
                       headers=auth).get_json()
    assert [(e["action"], e["entity_key"]) for e in trail["items"]] == [("revoke", "cổng"), ("create", "cổng")]
    assert trail["items"][0]["actor"].startswith("token:")
    assert list(trail["items"][0]["changes"]) == ["revoked_at"]
    assert created["token"].split("_", 2)[2] not in str(trail)
