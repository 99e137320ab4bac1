"""A write that fails half-way leaves the database exactly as it was (one transaction per write)."""

import sqlite3

import pytest

from calendar_app.db import get_db, write_transaction
from calendar_app.repositories import agreements as agreements_repo
from calendar_app.repositories import events as events_repo
from calendar_app.repositories import review_series


class Boom(RuntimeError):
    """The failure injected half-way through a write."""


def fail(*_args, **_kwargs):
    raise Boom("injected failure")


def dump(app) -> list[str]:
    """Every table, index, trigger and row, FTS shadow tables included."""
    with app.app_context():
        return list(get_db().conn.iterdump())


@pytest.fixture
def unguarded(app):
    """Unexpected errors become 500 answers, as in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.fixture
def fail_on_second_party(app):
    """Make the database itself refuse the second party row of any agreement."""
    with app.app_context():
        get_db().execute("create trigger fail_second_party before insert on agreement_parties when new.position = 1 "
                         "begin select raise(abort, 'second party refused'); end")


def test_agreement_whose_second_party_insert_fails_leaves_nothing(unguarded, client, auth, make, fail_on_second_party):
    a, b = make.organization(), make.organization()
    before = dump(unguarded)
    response = client.post("/api/v1/agreements", headers=auth, json={
        "slug": "quy-che", "title": "Quy chế phối hợp", "kind": "regulation", "parties": [
            {"organization": a["slug"], "role": "signatory"}, {"organization": b["slug"], "role": "signatory"}]})
    assert response.status_code == 500 and response.get_json()["code"] == 500
    assert dump(unguarded) == before
    assert client.get("/api/v1/agreements/quy-che").status_code == 404
    assert client.get("/api/v1/agreements", query_string={"q": "quy che"}).get_json()["total"] == 0


def test_replacing_parties_that_fails_half_way_keeps_the_old_ones(app, client, auth, make):
    agreement = make.agreement(slug="quy-che")
    with app.app_context():
        get_db().execute("create trigger fail_second_party before insert on agreement_parties when new.position = 1 "
                         "begin select raise(abort, 'second party refused'); end")
    c = make.organization()
    before = dump(app)
    with pytest.raises(sqlite3.IntegrityError, match="second party refused"):
        client.patch("/api/v1/agreements/quy-che", headers=auth, json={"title": "Đổi tên", "parties": [
            {"organization": c["slug"], "role": "signatory"},
            {"organization": agreement["parties"][0]["organization"], "role": "signatory"}]})
    assert dump(app) == before
    assert client.get("/api/v1/agreements/quy-che").get_json()["parties"] == agreement["parties"]


def test_event_whose_link_insert_fails_leaves_nothing(app, client, auth, make, monkeypatch):
    a, b = make.organization(), make.organization()
    before = dump(app)

    def failing_record(db, *_args):
        # Called after the event row, its organization links and its scopes are written: fail there.
        assert db.execute("select count(*) from event_organizations").fetchone()[0] == 2
        raise Boom("link bookkeeping failed")

    monkeypatch.setattr(events_repo.audit, "record", failing_record)
    with pytest.raises(Boom):
        client.post("/api/v1/events", headers=auth, json={
            "title": "Hội thảo", "kind": "joint_workshop", "organizations": [a["slug"], b["slug"]],
            "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00"})
    assert dump(app) == before


def test_event_update_that_fails_after_unlinking_restores_the_links(app, client, auth, make, monkeypatch):
    a, b = make.organization(), make.organization()
    event = make.event(organizations=[a["slug"]], location="Hà Nội")
    before = dump(app)
    monkeypatch.setattr(events_repo.audit, "record", fail)
    with pytest.raises(Boom):
        client.patch(f"/api/v1/events/{event['id']}", headers=auth,
                     json={"organizations": [b["slug"]], "location": "Đà Nẵng"})
    monkeypatch.undo()
    assert dump(app) == before
    assert client.get(f"/api/v1/events/{event['id']}").get_json() == event


def test_agreement_whose_review_series_fails_is_not_created_either(app, client, auth, make, monkeypatch):
    a, b = make.organization(), make.organization()
    before = dump(app)
    monkeypatch.setattr(review_series, "create_series", fail)
    with pytest.raises(Boom):
        client.post("/api/v1/agreements", headers=auth, json={
            "slug": "chuong-trinh", "title": "Chương trình", "kind": "program", "valid_from": "2020-03-05",
            "valid_until": "2025-03-04", "review_every_months": 6, "create_review_series": True, "parties": [
                {"organization": a["slug"], "role": "signatory"}, {"organization": b["slug"], "role": "signatory"}]})
    assert dump(app) == before


def test_delete_that_fails_half_way_keeps_the_event_and_its_links(app, client, auth, make, monkeypatch):
    org = make.organization()
    event = make.event(organizations=[org["slug"]])
    before = dump(app)
    monkeypatch.setattr(events_repo.audit, "record", fail)
    with pytest.raises(Boom):
        client.delete(f"/api/v1/events/{event['id']}", headers=auth)
    assert dump(app) == before


def test_demo_seed_that_fails_half_way_loads_nothing(app, monkeypatch):
    from calendar_app import demo

    before = dump(app)
    calls = []
    real_create = agreements_repo.create

    def create_then_fail(db, data, actor):
        calls.append(data["slug"])
        if len(calls) == 2:
            raise Boom("second agreement failed")
        return real_create(db, data, actor)

    monkeypatch.setattr(demo.agreements, "create", create_then_fail)
    with app.app_context(), pytest.raises(Boom):
        demo.seed(get_db())
    assert len(calls) == 2
    assert dump(app) == before


def test_nested_write_transactions_roll_back_as_one(app):
    before = dump(app)
    with app.app_context():
        db = get_db()
        with pytest.raises(Boom):
            with write_transaction(db):
                db.execute("insert into feed_versions (scope, version, changed_at) values ('outer', 1, 'x')")
                with write_transaction(db):
                    db.execute("insert into feed_versions (scope, version, changed_at) values ('inner', 1, 'x')")
                raise Boom("after the inner block committed its savepoint")
    assert dump(app) == before
