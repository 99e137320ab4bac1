"""The feed cache: validators follow every change that reaches a feed, and nothing else; bytes are reused."""

from datetime import date, timedelta

import pytest

from calendar_app import create_app, validators
from calendar_app.db import connect
from calendar_app.feeds import cache, ical_builder


@pytest.fixture(autouse=True)
def fixed_today(clock):
    clock.set(date(2026, 11, 1))


@pytest.fixture
def world(make):
    """Agreement A between p and q with one event; organization r on its own with one event."""
    p, q, r, s = (make.organization(name="Tạp chí Cộng sản"), make.organization(), make.organization(),
                  make.organization())
    agreement = make.agreement(parties=[{"organization": p["slug"], "role": "signatory"},
                                        {"organization": s["slug"], "role": "party"},
                                        {"organization": q["slug"], "role": "witness"}])
    linked = make.event(title="Lễ ký kết", agreement=agreement["slug"])
    own = make.event(title="Sự kiện riêng của r", organizations=[r["slug"]])
    return {"p": p, "q": q, "r": r, "s": s, "agreement": agreement, "linked": linked, "own": own}


def feed_urls(world) -> dict[str, str]:
    return {
        "p": f"/feeds/organizations/{world['p']['slug']}.ics",
        "q": f"/feeds/organizations/{world['q']['slug']}.ics",
        "r": f"/feeds/organizations/{world['r']['slug']}.ics",
        "agreement": f"/feeds/agreements/{world['agreement']['slug']}.ics",
        "all": "/feeds/all.ics",
        "pr": f"/feeds/all.ics?organizations={world['p']['slug']},{world['r']['slug']}",
        "linked": f"/events/{world['linked']['id']}.ics",
        "own": f"/events/{world['own']['id']}.ics",
    }


def etags(client, urls: dict[str, str]) -> dict[str, str]:
    found = {}
    for name, url in urls.items():
        response = client.get(url)
        found[name] = response.headers["ETag"] if response.status_code == 200 else response.status_code
    return found


def change_event(client, auth, world):
    assert client.patch(f"/api/v1/events/{world['linked']['id']}", json={"location": "Hà Nội"},
                        headers=auth).status_code == 200


def change_agreement(client, auth, world):
    assert client.patch(f"/api/v1/agreements/{world['agreement']['slug']}", json={"title": "Quy chế mới"},
                        headers=auth).status_code == 200


def rename_party(client, auth, world):
    assert client.patch(f"/api/v1/organizations/{world['q']['slug']}", json={"name": "Đảng ủy Khối DN TƯ"},
                        headers=auth).status_code == 200


def drop_witness(client, auth, world):
    parties = [{"organization": world["p"]["slug"], "role": "signatory"},
               {"organization": world["s"]["slug"], "role": "party"}]
    assert client.patch(f"/api/v1/agreements/{world['agreement']['slug']}", json={"parties": parties},
                        headers=auth).status_code == 200


def delete_event(client, auth, world):
    assert client.delete(f"/api/v1/events/{world['linked']['id']}", headers=auth).status_code == 204


def change_own(client, auth, world):
    assert client.patch(f"/api/v1/events/{world['own']['id']}", json={"title": "Đổi tên"},
                        headers=auth).status_code == 200


def create_unrelated_organization(client, auth, world):
    """A write that touches none of the feeds (a new organization without events)."""
    assert client.post("/api/v1/organizations", json={"slug": "moi", "name": "Mới"}, headers=auth).status_code == 201


@pytest.mark.parametrize("change, changed", [
    (change_event, {"p", "q", "agreement", "all", "pr", "linked"}),
    (change_agreement, {"p", "q", "agreement", "all", "pr", "linked"}),
    (rename_party, {"p", "q", "agreement", "all", "pr", "linked"}),
    (drop_witness, {"p", "q", "agreement", "all", "pr", "linked"}),
    (delete_event, {"p", "q", "agreement", "all", "pr", "linked"}),
    (change_own, {"r", "all", "pr", "own"}),
    (create_unrelated_organization, {"all"}),
])
def test_each_change_moves_exactly_the_feeds_it_reaches(client, auth, world, change, changed):
    """ETags change for every feed whose bytes change (links and deletions included), and only those."""
    urls = feed_urls(world)
    before = etags(client, urls)
    bodies = {name: client.get(url).data for name, url in urls.items()}
    change(client, auth, world)
    after = etags(client, urls)
    assert {name for name in urls if before[name] != after[name]} == changed
    for name in set(urls) - changed:  # an unchanged ETag must mean unchanged bytes
        assert client.get(urls[name]).data == bodies[name]


def test_rename_of_a_party_reaches_the_description(client, auth, world):
    rename_party(client, auth, world)
    body = client.get(f"/events/{world['linked']['id']}.ics").data.replace(b"\r\n ", b"")
    assert "Đảng ủy Khối DN TƯ (chứng kiến)".encode() in body


def test_warm_request_does_not_build(client, world, monkeypatch):
    """The second request is a version lookup and a dictionary hit: assemble must not run."""
    url = feed_urls(world)["p"]
    first = client.get(url)
    monkeypatch.setattr(cache, "assemble", lambda *a, **k: pytest.fail("rebuilt a warm feed"))
    again = client.get(url)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]


def test_304_after_restart_reads_no_rows(app, client, world, monkeypatch):
    """A fresh worker answers If-None-Match from the version lookup alone."""
    url = feed_urls(world)["p"]
    etag = client.get(url).headers["ETag"]
    restarted = create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True, "SECRET_KEY": "test-secret",
                            "DATABASE": app.config["DATABASE"]})
    monkeypatch.setattr(cache, "assemble", lambda *a, **k: pytest.fail("built a feed for a 304"))
    assert restarted.test_client().get(url, headers={"If-None-Match": etag}).status_code == 304


def count_serialisations(monkeypatch) -> list:
    calls = []
    original = ical_builder.event_to_ical

    def counting(event, alarm=None):
        calls.append(event["id"])
        return original(event, alarm)

    monkeypatch.setattr(ical_builder, "event_to_ical", counting)
    return calls


def test_only_changed_events_are_serialised_again(client, auth, make, world, monkeypatch):
    r = world["r"]["slug"]
    extra = [make.event(title=f"Sự kiện {n}", organizations=[r]) for n in range(3)]
    url = feed_urls(world)["r"]
    calls = count_serialisations(monkeypatch)
    client.get(url)
    assert sorted(calls) == sorted([world["own"]["id"], *(e["id"] for e in extra)])
    calls.clear()
    assert client.patch(f"/api/v1/events/{extra[1]['id']}", json={"title": "Đổi"}, headers=auth).status_code == 200
    client.get(url)
    assert calls == [extra[1]["id"]]
    calls.clear()
    client.get("/feeds/all.ics")  # another feed reuses the bytes of the same variant
    assert sorted(calls) == sorted([world["linked"]["id"]])


def test_cold_start_reuses_stored_event_bytes(app, client, world, monkeypatch):
    """After a restart the feed is assembled from event_ical_cache: same bytes, nothing serialised."""
    url = feed_urls(world)["p"]
    first = client.get(url)
    restarted = create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True, "SECRET_KEY": "test-secret",
                            "DATABASE": app.config["DATABASE"]})
    calls = count_serialisations(monkeypatch)
    again = restarted.test_client().get(url)
    assert calls == []
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]


def test_deleting_an_event_drops_its_cached_bytes(client, auth, world, db):
    client.get(feed_urls(world)["p"])
    event_id = world["linked"]["id"]
    assert db.execute("select count(*) from event_ical_cache where event_id = ?", [event_id]).fetchone()[0] == 1
    delete_event(client, auth, world)
    assert db.execute("select count(*) from event_ical_cache where event_id = ?", [event_id]).fetchone()[0] == 0


def test_feed_cache_is_bounded():
    feeds = cache.FeedCache(max_entries=2, max_bytes=10)
    for key in "abc":
        feeds.put(key, cache.Entry((1,), '"e"', None, b"1234"))
    assert feeds.fresh("a", (1,)) is None and feeds.fresh("c", (1,)) is not None
    feeds.put("big", cache.Entry((1,), '"e"', None, b"x" * 11))
    assert feeds.fresh("big", (1,)) is None
    assert feeds.fresh("c", (2,)) is None  # another version is a miss


def test_bytes_of_other_builds_are_pruned(client, world, db, monkeypatch):
    """A deployment drops the VEVENT bytes older code wrote, once per build key and process."""
    client.get(feed_urls(world)["r"])
    db.execute("update event_ical_cache set build = 'old-build'")
    db.conn.commit()
    deployed = f"new-build-{id(db)}"  # a build key this process has not pruned for: a new deployment
    monkeypatch.setattr(validators, "build_key", lambda: deployed)
    client.get(feed_urls(world)["p"])
    builds = db.execute("select event_id, build from event_ical_cache order by event_id").fetchall()
    assert builds == [(world["linked"]["id"], validators.build_key())]


def test_feed_is_served_while_another_writer_holds_the_lock(app, client, world):
    """Storing bytes is a saving, not a duty: a locked database still gets the feed out."""
    other = connect(app.config["DATABASE"])
    other.conn.execute("BEGIN IMMEDIATE")
    try:
        response = client.get(feed_urls(world)["p"])
        assert response.status_code == 200 and response.data.count(b"BEGIN:VEVENT") == 1
        assert other.execute("select count(*) from event_ical_cache").fetchone()[0] == 0
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
    client.application.extensions["feed_cache"].clear()
    assert client.get(feed_urls(world)["p"]).data == response.data


def test_build_column_migration_fits_both_early_schemas(db):
    """0004 adds event_ical_cache.build to tables an early 0002 made without it, and leaves others alone."""
    import importlib.util

    from calendar_app.db import MIGRATIONS_DIR

    spec = importlib.util.spec_from_file_location("m0004", MIGRATIONS_DIR / "0004_event_ical_cache_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(db)  # the column is already there: nothing to do
    assert "build" in db["event_ical_cache"].columns_dict
    db["event_ical_cache"].transform(drop={"build"})
    assert "build" not in db["event_ical_cache"].columns_dict
    module.migrate(db)
    assert db["event_ical_cache"].columns_dict["build"] is str


# --- the shortcut in front of Flask: repeats a route's answer while nothing it depends on moved ---


def routes_must_not_run(app):
    """Replace every feed view: a request that still answers was answered by the shortcut."""
    for endpoint in list(app.view_functions):
        if endpoint.startswith("feeds."):
            app.view_functions[endpoint] = lambda **kwargs: pytest.fail("the route ran")


def exchange(response) -> tuple:
    return response.status_code, response.headers.to_wsgi_list(), response.data


@pytest.mark.parametrize("name", ["p", "agreement", "all", "pr", "linked"])
def test_shortcut_repeats_the_routes_answer_exactly(app, client, world, name):
    """GET, HEAD, 304 and If-Modified-Since answer the same status, headers and bytes with the routes gone."""
    url = feed_urls(world)[name]
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    asks = [{}, {"If-None-Match": etag}, {"If-None-Match": f'"old", W/{etag}'}, {"If-Modified-Since": modified},
            {"If-None-Match": '"old"', "If-Modified-Since": modified}]
    by_routes = [exchange(client.get(url, headers=h)) for h in asks] + [exchange(client.head(url))]
    routes_must_not_run(app)
    by_shortcut = [exchange(client.get(url, headers=h)) for h in asks] + [exchange(client.head(url))]
    assert by_shortcut == by_routes
    assert [s for s, _h, _b in by_routes] == [200, 304, 304, 304, 200, 200]
    assert by_routes[0][2] == first.data and by_routes[-1][2] == b""


def test_not_modified_carries_no_page_headers(client, world):
    url = feed_urls(world)["p"]
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    # Vary: Origin as the 200 says it (issue 14: the CORS headers depend on Origin)
    assert response.headers.to_wsgi_list() == [("ETag", etag), ("Cache-Control", "public, max-age=900"), ("Vary", "Origin")]


def test_private_feed_is_never_answered_from_the_public_slot(app, client, auth, world, make):
    """A token URL is its own slot; a wrong token stays 404; rotation ends the old URL at once."""
    slug = world["r"]["slug"]
    make.event(title="Giao ban nội bộ", organizations=[slug], visibility="internal")
    url = f"/feeds/organizations/{slug}.ics"
    token = client.get(f"/api/v1/organizations/{slug}/feed-token", headers=auth).get_json()["token"]
    public = client.get(url)
    private = client.get(f"{url}?token={token}")
    assert "Giao ban nội bộ".encode() not in public.data and "Giao ban nội bộ".encode() in private.data
    for _ in range(2):  # the second round is the shortcut's
        assert client.get(f"{url}?token={token}").data == private.data
        assert client.get(f"{url}?token={token}x").status_code == 404
        assert client.get(f"{url}?token=").status_code == 404
        assert client.get(url).data == public.data
        assert client.get(url, headers={"If-None-Match": private.headers["ETag"]}).status_code == 200
    assert client.post(f"/api/v1/organizations/{slug}/feed-token", headers=auth).status_code == 200
    assert client.get(f"{url}?token={token}").status_code == 404
    assert client.get(f"{url}?token={token}", headers={"If-None-Match": private.headers["ETag"]}).status_code == 404


def test_internal_event_feed_shown_to_a_signed_in_caller_is_not_repeated(client, auth, make):
    event = make.event(title="Họp kín", visibility="internal")
    url = f"/events/{event['id']}.ics"
    assert client.get(url, headers=auth).status_code == 200
    assert client.get(url).status_code == 404


def test_deleted_or_renamed_organization_is_not_served_from_its_slot(client, auth, make):
    organization = make.organization()
    url = f"/feeds/organizations/{organization['slug']}.ics"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.patch(f"/api/v1/organizations/{organization['slug']}", json={"slug": "doi-ten"},
                        headers=auth).status_code == 200
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404
    etag = client.get("/feeds/organizations/doi-ten.ics").headers["ETag"]
    assert client.delete("/api/v1/organizations/doi-ten", headers=auth).status_code == 204
    assert client.get("/feeds/organizations/doi-ten.ics", headers={"If-None-Match": etag}).status_code == 404


def test_shortcut_follows_the_day_and_the_settings(app, client, world, clock):
    url = feed_urls(world)["p"]
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    app.config["FEED_MAX_AGE_SECONDS"] = 60
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["Cache-Control"] == "public, max-age=60"
    clock.set(date(2026, 11, 2))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    event_url = feed_urls(world)["linked"]  # not windowed: the day does not matter
    etag = client.get(event_url).headers["ETag"]
    clock.set(date(2026, 11, 3))
    assert client.get(event_url, headers={"If-None-Match": etag}).status_code == 304


def test_a_replaced_database_empties_the_shortcut_and_the_cache(app, client, auth, world, tmp_path):
    """A restore may bring back the same version numbers with other data: nothing kept survives it."""
    url = feed_urls(world)["r"]
    copy = tmp_path / "copy.sqlite3"
    source = connect(app.config["DATABASE"])
    source.conn.execute(f"vacuum into '{copy}'")
    change_own(client, auth, world)
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    source.close()
    copy.replace(app.config["DATABASE"])  # the restore: one version back
    assert client.patch(f"/api/v1/events/{world['own']['id']}", json={"title": "Tên khác"},
                        headers=auth).status_code == 200  # the same version again, other data
    # (The ETag itself comes from the versions, so a client holding the old one is not told: a restore
    # is announced to subscribers by a write after it. The bytes served are the restored data's.)
    assert "Tên khác".encode() in client.get(url).data


def test_shortcut_is_bounded(app, client, world):
    shortcut = app.extensions["feed_shortcut"]
    shortcut.slots.max_entries = 2
    url = feed_urls(world)["p"]
    for n in range(5):
        client.get(f"{url}?n={n}")
    assert len(shortcut.slots) == 2


def test_etag_changes_when_a_restored_database_repeats_a_version(app, make):
    """After a restore, new writes can bring back old version numbers with other data."""
    organization = make.organization()
    make.event(organizations=[organization["slug"]], title="Trước khi khôi phục")
    url = f"/feeds/organizations/{organization['slug']}.ics"
    before = app.test_client().get(url).headers["ETag"]
    database = connect(app.config["DATABASE"])
    try:
        database.execute("update feed_versions set changed_at = '2099-01-01T00:00:00Z'")
        database.conn.commit()
    finally:
        database.close()
    restarted = create_app({**app.config, "INSTANCE_PATH": app.instance_path})
    after = restarted.test_client().get(url).headers["ETag"]
    assert after != before


# --- stored bytes per event and build only: the base URL, alarm= and the hide flags are put in per request ---


@pytest.fixture
def varied(make, client, auth, world):
    """The world plus a series with a cancelled, a tentative and a moved occurrence, and long Vietnamese text."""
    r = world["r"]["slug"]
    series = make.event(title="Giao ban định kỳ — Đảng ủy Khối Doanh nghiệp Trung ương và các đơn vị trực thuộc",
                        organizations=[r], rrule="FREQ=WEEKLY;COUNT=6", location="Hội trường tầng 3, số 1 Hoàng Hoa Thám",
                        description="Nội dung: tổng kết; đánh giá, và kế hoạch\nquý tới " * 4,
                        starts_at="2026-11-05T08:00:00+07:00", ends_at="2026-11-05T10:00:00+07:00")
    for recurrence_id, body in (("2026-11-12T08:00:00", {"status": "cancelled"}),
                                ("2026-11-19T08:00:00", {"status": "tentative", "title": "Có thể dời"}),
                                ("2026-11-26T08:00:00", {"starts_at": "2026-11-27T14:00:00+07:00"})):
        assert client.put(f"/api/v1/events/{series['id']}/occurrences/{recurrence_id}", json=body,
                          headers=auth).status_code == 201
    make.event(title="Cả ngày", all_day=True, start_date="2026-12-20", end_date="2026-12-21", starts_at=None,
               ends_at=None, organizations=[r], url="https://vi.wikipedia.org/wiki/Hà_Nội")
    return world


HIDINGS = [frozenset(), frozenset({"cancelled"}), frozenset({"tentative"}), frozenset({"cancelled", "tentative"})]


@pytest.mark.parametrize("base_is_fixed", [False, True], ids=["base-per-request", "base-configured"])
@pytest.mark.parametrize("hidden", HIDINGS)
@pytest.mark.parametrize("base, alarm", [
    ("http://localhost", None), ("https://lịch.example.vn/một;hai,ba", timedelta(hours=1)),
    ("http://127.0.0.1:5000", timedelta(0)), ("https://lich.example.vn", timedelta(weeks=2, minutes=5)),
])
def test_assembled_feed_is_the_builders_own_answer(app, varied, base, alarm, hidden, base_is_fixed):
    """Templates filled per request give exactly the bytes the builder writes for that base, alarm and hiding."""
    from calendar_app.repositories import feed_rows

    meta = ical_builder.CalendarMeta(name="Lịch", description="Mô tả", relcalid="r@calendar-app")
    selection = feed_rows.Selection(organization_ids=(varied["r"]["id"],))
    with app.app_context():
        from calendar_app.db import get_db
        db = get_db()
        for _round in range(2):  # serialised now, then from the stored templates
            body, _built = cache.assemble(db, meta, selection, base, alarm, hidden,
                                          template_base=base if base_is_fixed else ical_builder.BASE_MARK)
            ids = [row[0] for row in feed_rows.select_feed_events(db, selection, validators.build_key())]
            events = feed_rows.builder_dicts(db, ids, base)
            expected = ical_builder.build_calendar(meta, [ical_builder.without_statuses(events[i], hidden) for i in ids],
                                                   alarm)
            assert body == expected
        assert _built == 0


def stored_rows(db) -> int:
    return db.execute("select count(*) from event_ical_cache").fetchone()[0]


def test_new_alarm_host_or_hiding_serialises_nothing_and_stores_nothing(app, client, varied, db, monkeypatch):
    """Defect: every alarm= value or Host serialised the whole feed again and stored another copy of it."""
    app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "lich.example.vn"]
    url = feed_urls(varied)["all"]
    client.get(url)
    events = db.execute("select count(*) from events").fetchone()[0]
    assert stored_rows(db) == events
    built = []
    assemble = cache.assemble
    monkeypatch.setattr(cache, "assemble", lambda *a, **k: built.append(assemble(*a, **k)[1]) or assemble(*a, **k))
    calls = count_serialisations(monkeypatch)
    bodies = set()
    for n in range(1, 13):
        for host in ("localhost", "127.0.0.1:8000", "lich.example.vn"):
            query = f"?alarm=PT{n}M" + ("&cancelled=hide" if n % 2 else "") + ("&tentative=hide" if n % 3 else "")
            response = client.get(url + query, base_url=f"http://{host}")
            assert response.status_code == 200 and f"TRIGGER:-PT{n}M".encode() in response.data
            assert f"Chi tiết: http://{host}/events/".encode() in response.data.replace(b"\r\n ", b"")
            bodies.add(response.data)
    assert len(built) == len(bodies) == 36 and set(built) == {0} and calls == []
    assert stored_rows(db) == events  # bounded: one row per event, whatever was asked


def test_a_bad_host_is_refused_cleanly(client, world):
    """Without PUBLIC_BASE_URL, links are built on the Host: only TRUSTED_HOSTS are answered."""
    for url in (feed_urls(world)["all"], "/api/v1/events", "/"):
        response = client.get(url, base_url="http://evil.example")
        assert response.status_code == 400 and b"evil" not in response.data
        if url != "/":
            assert response.get_json() == {"code": 400, "status": "Bad Request",
                                           "message": "The Host header names no site served here."}
    assert client.get(feed_urls(world)["all"], base_url="http://127.0.0.1:8123").status_code == 200


def test_public_base_url_lets_any_host_in(app, client, world):
    from calendar_app import settings

    configured = create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True, "SECRET_KEY": "test-secret",
                             "DATABASE": app.config["DATABASE"], "PUBLIC_BASE_URL": "https://lich.example.vn"})
    assert configured.config["TRUSTED_HOSTS"] is None and app.config["TRUSTED_HOSTS"] == settings.DEFAULTS["TRUSTED_HOSTS"]
    response = configured.test_client().get(feed_urls(world)["all"], base_url="http://internal:8000")
    assert response.status_code == 200 and b"https://lich.example.vn/events/" in response.data


def test_a_configured_base_is_written_into_the_templates_once(app, world, monkeypatch):
    """With PUBLIC_BASE_URL, templates hold the base: a cold variant fills nothing, another base never matches."""
    def configured(base):
        return create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True, "SECRET_KEY": "test-secret",
                           "DATABASE": app.config["DATABASE"], "PUBLIC_BASE_URL": base}).test_client()

    url = feed_urls(world)["all"]
    first = configured("https://lich.example.vn").get(url)
    with app.app_context():
        from calendar_app.db import get_db
        stored = b"".join(row[0] for row in get_db().execute("select body from event_ical_cache").fetchall())
    assert stored and ical_builder.BASE_MARK.encode() not in stored and b"https://lich.example.vn/events/" in stored
    calls = count_serialisations(monkeypatch)
    restarted = configured("https://lich.example.vn").get(url + "?alarm=PT7M&cancelled=hide")
    assert restarted.status_code == 200 and b"TRIGGER:-PT7M" in restarted.data and calls == []
    assert restarted.data.replace(b"TRIGGER:-PT7M", b"") != first.data
    moved = configured("https://lich.moi.vn").get(url)
    assert b"https://lich.moi.vn/events/" in moved.data and b"lich.example.vn" not in moved.data
    def unfolded(body):
        return body.replace(b"\r\n ", b"")

    assert unfolded(moved.data) == unfolded(first.data).replace(b"https://lich.example.vn", b"https://lich.moi.vn")


def test_a_new_build_key_changes_the_etag_and_rebuilds_once(client, world, db, monkeypatch):
    """Defect: the build key hashed four hand-listed files; now any change of it moves ETags and bytes."""
    url = feed_urls(world)["all"]
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    monkeypatch.setattr(validators, "build_key", lambda: "a-newer-build")
    calls = count_serialisations(monkeypatch)
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    again = client.get(url)
    assert again.headers["ETag"] != first.headers["ETag"] and again.data == first.data
    assert sorted(calls) == sorted([world["linked"]["id"], world["own"]["id"]])  # once, not per request
    assert db.execute("select distinct build from event_ical_cache").fetchall() == [("a-newer-build",)]


def test_rebuild_occurrences_drops_stored_bytes(client, runner, world, db):
    client.get(feed_urls(world)["all"])
    assert stored_rows(db) == 2
    result = runner.invoke(args=["rebuild-occurrences"])
    assert result.exit_code == 0, result.output
    assert stored_rows(db) == 0
