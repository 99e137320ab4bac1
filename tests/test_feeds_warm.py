"""The warm-up before a first publish: templates of every public event serialised by several processes."""

import pytest

from calendar_app import create_app

from calendar_app.feeds import ical_builder, warm

pytestmark = pytest.mark.slow  # spawned processes import the app


@pytest.fixture
def world(make, client, auth):
    org = make.organization()
    public = [make.event(title=f"Hội thảo số {n} — Đắk Lắk", organizations=[org["slug"]]) for n in range(5)]
    series = make.event(title="Giao ban định kỳ", organizations=[org["slug"]], rrule="FREQ=WEEKLY;COUNT=4")
    internal = make.event(title="Họp nội bộ", organizations=[org["slug"]], visibility="internal")
    ended = make.event(title="Đã qua lâu rồi", organizations=[org["slug"]],
                       starts_at="2020-01-06T08:00:00+07:00", ends_at="2020-01-06T10:00:00+07:00")
    return {"org": org, "public": [*public, series], "internal": internal, "ended": ended}


def stored_ids(db) -> set[int]:
    return {row[0] for row in db.execute("select event_id from event_ical_cache").fetchall()}


def test_two_processes_store_what_the_feeds_would_and_nothing_else(app, client, db, world, monkeypatch):
    assert sorted(warm.missing(app)[0]) == sorted(e["id"] for e in world["public"])
    assert warm.warm(app, jobs=2) == len(world["public"])
    assert stored_ids(db) == {e["id"] for e in world["public"]}  # not the internal one, not the long-past one
    assert warm.missing(app)[0] == []
    calls = []
    original = ical_builder.event_to_ical
    monkeypatch.setattr(ical_builder, "event_to_ical", lambda event, alarm=None: calls.append(event["id"]) or
                        original(event, alarm))
    warmed = client.get("/feeds/all.ics")
    assert warmed.status_code == 200 and calls == []  # every template came from the warm-up
    db.execute("delete from event_ical_cache")
    db.conn.commit()
    fresh = create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True, "SECRET_KEY": "test-secret",
                        "DATABASE": app.config["DATABASE"]})  # nothing in memory: built from the database
    rebuilt = fresh.test_client().get("/feeds/all.ics")
    assert rebuilt.status_code == 200 and sorted(calls) == sorted(e["id"] for e in world["public"])
    assert rebuilt.data == warmed.data  # the warm-up stored exactly the bytes a feed request stores


def test_a_changed_event_is_missing_again_until_warmed(app, client, auth, world):
    warm.warm(app, jobs=1)
    changed = world["public"][0]
    assert client.patch(f"/api/v1/events/{changed['id']}", json={"title": "Đổi tên"}, headers=auth).status_code == 200
    assert warm.missing(app)[0] == [changed["id"]]
    assert warm.warm(app, jobs=1) == 1 and warm.missing(app)[0] == []


def test_publish_feeds_with_jobs_serialises_first_then_publishes(app, runner, world, tmp_path):
    result = runner.invoke(args=["publish-feeds", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert f"{len(world['public'])} event(s) serialised by 2 processes" in result.output
    assert (tmp_path / "out" / "feeds" / "all.ics").read_bytes().count(b"BEGIN:VEVENT") >= len(world["public"])


def test_an_event_deleted_or_changed_while_serialised_is_not_stored(app, client, auth, world, monkeypatch):
    """The warm-up's write reads the versions again: a deleted event breaks no batch, a changed one is not kept stale."""
    from calendar_app.db import get_db
    from calendar_app.feeds import cache
    from calendar_app.repositories import feed_rows

    deleted, changed = world["public"][0], world["public"][1]
    ids, base = warm.missing(app)
    serialise = feed_rows.builder_dicts

    def meanwhile(*args, **kwargs):  # another writer, between the snapshot and the warm-up's write
        found = serialise(*args, **kwargs)
        assert client.delete(f"/api/v1/events/{deleted['id']}", headers=auth).status_code == 204
        assert client.patch(f"/api/v1/events/{changed['id']}", json={"title": "Đổi"}, headers=auth).status_code == 200
        return found

    monkeypatch.setattr(feed_rows, "builder_dicts", meanwhile)
    with app.app_context():
        stored = cache.prepare(get_db(), ids, base)
    monkeypatch.undo()
    assert stored == len(ids) - 2
    assert sorted(warm.missing(app)[0]) == [changed["id"]]  # built again at its new version, never served stale
