"""The fast paths give the answers of the slow ones: occurrence index vs expanding every event."""

import json
import os
from datetime import date, datetime, timedelta, timezone

import pytest

from bench.generate import generate
from calendar_app.db import write_transaction
from calendar_app.eventtime import zone
from calendar_app.recurrence import TooManyOccurrences, normalize_rrule, occurrences_between
from calendar_app.repositories import events, occurrence_index, occurrences
from calendar_app.repositories.events import filter_clauses, represent_rows
from calendar_app.repositories.occurrences import represent_occurrence
from calendar_app import eventtime
from calendar_app.errors import BadRequest
from calendar_app.stored_event import StoredEvent

HCM, BERLIN = zone("Asia/Ho_Chi_Minh"), zone("Europe/Berlin")
EARLIEST, LATEST = datetime(1, 1, 2, tzinfo=zone("UTC")), datetime(9999, 12, 30, tzinfo=zone("UTC"))


def naive_list_events(db, filters, limit, offset):
    """The reference: every candidate by its whole span, each series expanded."""
    where, params = filter_clauses(db, filters)
    clause = (" where " + " and ".join(where)) if where else ""
    candidates = list(db.query(f"select * from events{clause} order by events.range_start, events.id", params))
    window = (filters.get("from") or EARLIEST, filters.get("to") or LATEST)
    matching = [c for c in candidates
                if c["rrule"] is None or StoredEvent.from_row(c).first_occurrence_between(*window) is not None]
    return represent_rows(db, matching[offset:offset + limit]), len(matching)


def naive_list_occurrences(db, filters, limit, offset, max_occurrences):
    """The reference: expand every matching event in the window, sort, slice."""
    where, params = filter_clauses(db, filters)
    clause = (" where " + " and ".join(where)) if where else ""
    rows = list(db.query(f"select * from events{clause}", params))
    found = []
    for row in rows:
        try:
            event = StoredEvent.from_row(row)
            expanded = occurrences_between(event.start, event.duration, event.rrule, event.exdates,
                                           filters["from"], filters["to"], limit=max_occurrences, zone=event.zone)
        except TooManyOccurrences as error:
            raise BadRequest(str(error)) from error
        for occurrence in expanded:
            start = occurrence.start
            key = start if isinstance(start, datetime) else eventtime.day_start(start, row["timezone"])
            found.append((key, row["id"], occurrence))
    if len(found) > max_occurrences:
        raise BadRequest("too many")
    found.sort(key=lambda item: (item[0], item[1]))
    page = found[offset:offset + limit]
    by_id = {e["id"]: e for e in represent_rows(db, [r for r in rows if r["id"] in {p[1] for p in page}])}
    return [represent_occurrence(by_id[event_id], o) for _, event_id, o in page], len(found)


def _fields(title, start, end=None, rrule=None, exdates=(), all_day=False, tz="Asia/Ho_Chi_Minh", **extra):
    """Typed event fields as EventInSchema hands them over."""
    base = {"title": title, "kind": "review_meeting", "agreement": None, "organizations": [], "description": None,
            "location": "Đà Nẵng", "url": None, "status": "confirmed", "visibility": "public", "timezone": tz,
            "all_day": all_day, "exdates": list(exdates), "starts_at": None, "ends_at": None,
            "start_date": None, "end_date": None}
    if all_day:
        base.update(start_date=start, end_date=end or start)
    else:
        base.update(starts_at=start, ends_at=end or start + timedelta(hours=2))
    base["rrule"] = normalize_rrule(rrule, start) if rrule else None
    return {**base, **extra}


SPECIAL = [
    # open-ended and long-ago: indexed for 20 years, then an envelope
    _fields("Giao ban thường niên từ 1990", datetime(1990, 3, 10, 14, tzinfo=HCM), rrule="FREQ=YEARLY"),
    # more than MAX_INDEXED occurrences: one envelope for the whole series
    _fields("Điểm danh hằng ngày", datetime(2025, 1, 1, 7, tzinfo=HCM), rrule="FREQ=DAILY"),
    # occurrences longer than SHORT_SPAN
    _fields("Chương trình tình nguyện dài ngày", date(2026, 1, 5), date(2026, 1, 20), all_day=True,
            rrule="FREQ=MONTHLY;COUNT=6"),
    _fields("Triển lãm Đổi mới", datetime(2026, 2, 1, 8, tzinfo=HCM), datetime(2026, 4, 1, 8, tzinfo=HCM)),
    # daylight saving: a weekly series and an all-day series in Berlin across the March change
    _fields("Tọa đàm Berlin", datetime(2026, 3, 1, 2, 30, tzinfo=BERLIN), rrule="FREQ=WEEKLY;COUNT=8",
            tz="Europe/Berlin", exdates=[datetime(2026, 3, 15, 2, 30, tzinfo=BERLIN)]),
    _fields("Ngày hội Berlin", date(2026, 3, 27), date(2026, 3, 30), all_day=True, rrule="FREQ=DAILY;COUNT=3",
            tz="Europe/Berlin"),
    _fields("Họp nội bộ", datetime(2026, 3, 2, 9, tzinfo=HCM), rrule="FREQ=WEEKLY;UNTIL=20260601T000000Z",
            visibility="internal"),
]


def generate_data(app) -> None:
    with app.app_context():
        from calendar_app.db import get_db
        db = get_db()
        generate(db, 400, seed=7)
        with write_transaction(db):
            for fields in SPECIAL:
                events.create(db, fields, "test")


SNAPSHOTS = {"data": generate_data}  # generated once per session; each test starts from its own copy


@pytest.fixture
def data(db):
    """A generated data set (5% recurring, Berlin and all-day events) plus the special cases above."""
    return db


def test_the_generator_makes_the_data_set_it_describes(data):
    generated = "from events where uid like 'bench-%'"
    one = lambda sql: data.execute(sql).fetchone()[0]  # noqa: E731
    assert one(f"select count(*) {generated}") == 400
    assert one(f"select count(*) {generated} and rrule is not null") == 20  # 5 %
    assert one(f"select count(*) {generated} and rrule is not null and range_end is null") == 2
    assert one(f"select count(*) {generated} and visibility = 'internal'") == 20
    assert one(f"select count(*) {generated} and status = 'cancelled'") == 12
    assert one(f"select count(*) {generated} and all_day = 1") == 40
    assert one(f"select count(*) {generated} and (title like '%Đ%' or title like '%đ%')") > 0
    hub = one("select id from organizations where slug = 'dang-uy-khoi-dn-tw'")
    assert one(f"select count(*) {generated} and id not in "
               f"(select event_id from event_organizations where organization_id = {hub})") == 0
    assert one("select count(*) from organizations where parent_id is not null") == 41
    assert one("select count(*) from agreements where parent_id is not null") > 0
    assert one("select count(*) from agreement_parties where role = 'witness'") > 0


def _windows():
    at = lambda *a: datetime(*a, tzinfo=HCM)  # noqa: E731
    return [
        (at(2026, 1, 1), at(2026, 1, 8)), (at(2026, 3, 20), at(2026, 4, 3)), (at(2026, 3, 29), at(2026, 3, 30)),
        (at(2027, 6, 1), at(2027, 6, 2)), (at(2026, 8, 10, 9, 0), at(2026, 8, 10, 9, 0, 0, 500000)),
        (at(2026, 1, 15, 14, 0, 0, 1), at(2026, 2, 15)), (at(2029, 12, 1), at(2031, 1, 1)),
        (at(2012, 3, 10), at(2012, 3, 11)), (at(2009, 1, 1), at(2012, 1, 1)), (at(2045, 1, 1), at(2045, 12, 31)),
        (datetime(2026, 3, 29, 0, 30, tzinfo=BERLIN), datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)),
    ]


FILTERS = [{}, {"include_internal": True}, {"kind": ["review_meeting"], "status": ["confirmed", "tentative"]},
           {"organization": "dang-uy-khoi-dn-tw"}, {"organization": "bo-y-te"}, {"agreement": "thoa-thuan-3"},
           {"q": "hoi thao dong"}]


@pytest.mark.parametrize("extra", FILTERS)
def test_occurrences_match_the_reference(data, extra):
    for window_from, window_to in _windows():
        filters = {"from": window_from, "to": window_to, **extra}
        for limit, offset in ((500, 0), (7, 3)):
            expected = naive_list_occurrences(data, filters, limit, offset, 10000)
            assert occurrences.list_occurrences(data, filters, limit, offset, 10000) == expected, (window_from, extra)


@pytest.mark.parametrize("extra", FILTERS)
def test_event_windows_match_the_reference(data, extra):
    windows = _windows() + [(None, datetime(2026, 2, 1, tzinfo=HCM)), (datetime(2030, 6, 1, tzinfo=HCM), None)]
    for window_from, window_to in windows:
        filters = {"from": window_from, "to": window_to, **extra}
        for limit, offset in ((500, 0), (5, 2)):
            assert occurrences.list_events(data, filters, limit, offset) == naive_list_events(data, filters, limit, offset)


def test_some_windows_hold_what_the_test_is_about(data):
    """Guard the comparison above against vacuous answers."""
    _, total = occurrences.list_occurrences(data, {"from": datetime(2026, 1, 1, tzinfo=HCM),
                                              "to": datetime(2026, 1, 8, tzinfo=HCM)}, 10, 0, 10000)
    assert total >= 5
    far, total = occurrences.list_occurrences(data, {"from": datetime(2045, 1, 1, tzinfo=HCM),
                                                "to": datetime(2045, 12, 31, tzinfo=HCM)}, 500, 0, 10000)
    assert {o["title"] for o in far} >= {"Giao ban thường niên từ 1990", "Điểm danh hằng ngày"}
    kinds = {row[0] for row in data.execute("select exact from event_occurrences").fetchall()}
    assert kinds == {0, 1}


def test_too_many_occurrences_is_still_a_400(data):
    with pytest.raises(BadRequest):
        occurrences.list_occurrences(data, {"from": datetime(2026, 1, 1, tzinfo=HCM),
                                       "to": datetime(2027, 1, 1, tzinfo=HCM)}, 10, 0, 300)


def _index(db):
    return db.execute("select event_id, starts, ends, exact, short from event_occurrences "
                      "order by event_id, starts").fetchall()


def test_the_index_kept_on_write_equals_a_rebuild(data, client, auth):
    event_id = data.execute("select id from events where rrule is not null limit 1").fetchone()[0]
    moved = client.patch(f"/api/v1/events/{event_id}", headers=auth,
                         json={"rrule": "FREQ=WEEKLY;COUNT=3", "exdates": []})
    assert moved.status_code == 200, moved.get_json()
    plain = data.execute("select id from events where rrule is null limit 1").fetchone()[0]
    assert client.delete(f"/api/v1/events/{plain}", headers=auth).status_code == 204
    kept = _index(data)
    assert len([r for r in kept if r[0] == event_id]) == 3
    assert not [r for r in kept if r[0] == plain]
    with write_transaction(data):
        occurrence_index.rebuild(data)
    assert _index(data) == kept


def test_occurrences_api_serves_the_indexed_answer(client, make):
    series = make.event(title="Giao ban 6 tháng", starts_at="2026-01-31T14:00:00+07:00",
                        ends_at="2026-01-31T16:00:00+07:00", rrule="FREQ=MONTHLY;INTERVAL=6;COUNT=4")
    body = client.get("/api/v1/occurrences?from=2026-06-01T00:00:00%2B07:00&to=2027-12-31T00:00:00%2B07:00").get_json()
    assert [(o["starts_at"], o["ends_at"], o["recurrence_id"]) for o in body["items"]] == [
        ("2026-07-31T14:00:00+07:00", "2026-07-31T16:00:00+07:00", "2026-07-31T14:00:00+07:00"),
        ("2027-01-31T14:00:00+07:00", "2027-01-31T16:00:00+07:00", "2027-01-31T14:00:00+07:00"),
        ("2027-07-31T14:00:00+07:00", "2027-07-31T16:00:00+07:00", "2027-07-31T14:00:00+07:00"),
    ]
    assert body["total"] == 3 and body["items"][0]["event_id"] == series["id"]


# The list cache: repeated list requests come from memory, and every write is seen at once.

LIST_URL = "/api/v1/events?from=2026-12-01T00:00:00%2B07:00&to=2026-12-31T00:00:00%2B07:00"


def test_list_cache_serves_repeats_and_sees_every_write(client, make, auth, monkeypatch):
    organization = make.organization()
    first = make.event(title="Hội thảo Đà Lạt", organizations=[organization["slug"]])
    body = client.get(LIST_URL).get_data()
    calls = []
    real = occurrences.list_events
    monkeypatch.setattr(occurrences, "list_events", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert client.get(LIST_URL).get_data() == body and calls == []  # answered from memory
    second = make.event(title="Tọa đàm Điện Biên")
    items = client.get(LIST_URL).get_json()["items"]
    assert [e["title"] for e in items] == ["Hội thảo Đà Lạt", "Tọa đàm Điện Biên"] and calls == [1]
    renamed = client.patch(f"/api/v1/organizations/{organization['slug']}", headers=auth, json={"slug": "doi-ten"})
    assert renamed.status_code == 200, renamed.get_json()
    assert client.get(LIST_URL).get_json()["items"][0]["organizations"] == ["doi-ten"]
    assert client.delete(f"/api/v1/events/{second['id']}", headers=auth).status_code == 204
    assert [e["id"] for e in client.get(LIST_URL).get_json()["items"]] == [first["id"]]


def test_list_cache_keeps_internal_events_from_anonymous_callers(client, make, auth):
    make.event(title="Họp nội bộ", visibility="internal")
    assert [e["title"] for e in client.get(LIST_URL, headers=auth).get_json()["items"]] == ["Họp nội bộ"]
    assert client.get(LIST_URL).get_json()["items"] == []
    assert client.get(LIST_URL, headers=auth).get_json()["total"] == 1


def test_list_cache_answers_what_the_uncached_app_answers(app, client, make, tmp_path):
    from calendar_app import create_app

    make.event(title="Giao ban", rrule="FREQ=WEEKLY;COUNT=5")
    uncached = create_app({**app.config, "INSTANCE_PATH": str(tmp_path / "other"),
                           "LIST_CACHE_ENTRIES": 0}).test_client()
    for url in (LIST_URL, "/api/v1/occurrences?from=2026-12-01T00:00:00%2B07:00&to=2027-01-31T00:00:00%2B07:00",
                LIST_URL + "&limit=1&offset=1", LIST_URL + "&limit=0"):
        for _ in range(2):
            cached = client.get(url)
            plain = uncached.get(url)
            assert (cached.status_code, cached.get_data()) == (plain.status_code, plain.get_data())
            if cached.status_code == 200:
                assert sorted(cached.headers.items()) == sorted(plain.headers.items())
    bad_token = {"Authorization": "Bearer cal_1_wrong"}
    for response in (client.get(LIST_URL + "&limit=0", headers=bad_token), client.get(LIST_URL, headers=bad_token)):
        assert response.status_code == uncached.get(response.request.full_path, headers=bad_token).status_code


# publish-feeds: static files equal to the served feeds, rewritten when (and only when) they change.


def test_publish_feeds_writes_every_public_feed_as_served(seeded, runner, tmp_path, clock):
    clock.set(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc))
    out = tmp_path / "site"
    result = runner.invoke(args=["publish-feeds", str(out)])
    assert result.exit_code == 0, result.output
    client = seeded.test_client()
    with seeded.app_context():
        from calendar_app.db import get_db
        from calendar_app.publish import public_feeds

        feeds = sorted(public_feeds(get_db()))
    index = json.loads((out / "feeds" / "index.json").read_text())
    paths = [entry["path"] for entry in index["files"]]
    assert index["omitted"] == [] and set(feeds) <= set(paths)
    slug = "tap-chi-cong-san"
    for path in ("/feeds/all.ics", "/feeds/holidays.ics", f"/feeds/organizations/{slug}.ics",
                 f"/feeds/organizations/{slug}.json", "/week/2026-W50.pdf", "/week/2026-W51.docx",
                 f"/week/2026-W50/{slug}.xlsx", f"/week/2026-W51/{slug}.docx"):
        assert path in paths, path
    assert f"/week/2026-W50/{slug}.pdf" not in paths  # PUBLISH_WEEK_EXPORTS: no PDF per organization by default
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(
        [p.lstrip("/") for p in paths] + ["feeds/index.json", "feeds/index.html"])
    for entry in index["files"]:
        served = client.get(entry["path"])
        assert (out / entry["path"].lstrip("/")).read_bytes() == served.get_data(), entry["path"]
        assert entry["etag"] == served.headers.get("ETag")
    assert "Tạp chí Cộng sản" in (out / "feeds" / "organizations" / f"{slug}.ics").read_text()


WEEKS_SMALL = {"calendar": ["xlsx"], "organizations": ["docx"]}


def test_publish_feeds_rewrites_exactly_the_feeds_a_change_touches(app, client, make, auth, tmp_path, clock):
    from calendar_app.publish import Publisher

    clock.set(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc))  # week 50; the events are on 15 December (51)
    app.config["PUBLISH_WEEK_EXPORTS"] = WEEKS_SMALL
    parent = make.organization()
    child = make.organization(parent=parent["slug"])
    other = make.organization()
    agreement = make.agreement(parties=[{"organization": child["slug"], "role": "signatory"},
                                        {"organization": other["slug"], "role": "signatory"}])
    lonely = make.organization()
    event = make.event(title="Hội thảo Đà Nẵng", organizations=[child["slug"]])
    publisher = Publisher(app, tmp_path)
    # all, holidays, four organizations (.ics, .json), one agreement; two weeks of the calendar and of each one
    assert len(publisher.publish_changed()) == 1 + 1 + 4 * 2 + 1 + 2 * (1 + 4)
    assert publisher.publish_changed() == []
    make.event(title="Giao ban nội bộ", organizations=[child["slug"]], visibility="internal")
    assert publisher.publish_changed() == []  # public files follow the public twins: nothing public moved
    changed = client.patch(f"/api/v1/events/{event['id']}", headers=auth, json={"title": "Tọa đàm Điện Biên"})
    assert changed.status_code == 200
    parent_file = tmp_path / "feeds" / "organizations" / f"{parent['slug']}.ics"
    os.utime(parent_file, (1_000_000, 1_000_000))
    # The parent's version moves too, but its feed does not show its units' events: its bytes stay,
    # so its file is not written and keeps its mtime (issue 15: a file is written only when it changes).
    assert sorted(publisher.publish_changed()) == sorted([
        "/feeds/all.ics", f"/feeds/organizations/{child['slug']}.ics", f"/feeds/organizations/{child['slug']}.json",
        "/week/2026-W51.xlsx", f"/week/2026-W51/{child['slug']}.docx"])
    assert parent_file.stat().st_mtime == 1_000_000
    for name in (f"{child['slug']}.ics", f"{child['slug']}.json"):
        feed = tmp_path / "feeds" / "organizations" / name
        assert feed.read_bytes() == client.get(f"/feeds/organizations/{name}").get_data()
        assert "Tọa đàm Điện Biên" in feed.read_text() and "Đà Nẵng" not in feed.read_text()
    week_file = tmp_path / "week" / "2026-W51" / f"{child['slug']}.docx"
    assert week_file.read_bytes() == client.get(f"/week/2026-W51/{child['slug']}.docx").get_data()
    assert client.delete(f"/api/v1/organizations/{lonely['slug']}", headers=auth).status_code == 204
    assert sorted(publisher.publish_changed()) == sorted(  # all.ics: same bytes
        [f"/feeds/organizations/{lonely['slug']}.{kind}" for kind in ("ics", "json")]
        + [f"/week/2026-W{n}/{lonely['slug']}.docx" for n in (50, 51)])
    assert not (tmp_path / "feeds" / "organizations" / f"{lonely['slug']}.ics").exists()
    index = json.loads((tmp_path / "feeds" / "index.json").read_text())["files"]
    assert f"/feeds/organizations/{lonely['slug']}.ics" not in [e["path"] for e in index]
    assert agreement["slug"] in (tmp_path / "feeds" / "index.html").read_text()


def test_publish_feeds_follows_a_parents_name_but_not_its_other_units(app, client, make, auth, tmp_path, clock,
                                                                      monkeypatch):
    """A unit's week export names its parent: a rename rewrites it; an event of a sibling unit does not ask for it."""
    from calendar_app.publish import Publisher
    from calendar_app.web import week

    clock.set(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc))
    app.config["PUBLISH_WEEK_EXPORTS"] = {"calendar": [], "organizations": ["docx"]}
    parent = make.organization()
    child, sibling = make.organization(parent=parent["slug"]), make.organization(parent=parent["slug"])
    publisher = Publisher(app, tmp_path)
    publisher.publish_changed()
    asked = []
    signature = week.published_signature
    monkeypatch.setattr(week, "published_signature", lambda monday, slug: asked.append(slug) or signature(monday, slug))
    make.event(title="Hội thảo của đơn vị bên cạnh", organizations=[sibling["slug"]])
    changed = publisher.publish_changed()
    assert f"/week/2026-W51/{sibling['slug']}.docx" in changed and child["slug"] not in asked
    renamed = client.patch(f"/api/v1/organizations/{parent['slug']}", headers=auth, json={"name": "Bộ Tư pháp mới"})
    assert renamed.status_code == 200, renamed.get_json()
    changed = publisher.publish_changed()
    for n in (50, 51):
        path = f"/week/2026-W{n}/{child['slug']}.docx"
        assert path in changed
        assert (tmp_path / path.lstrip("/")).read_bytes() == client.get(path).get_data()


def test_publish_feeds_rewrites_a_week_export_for_holidays_obligations_and_the_week_rolling_over(
        app, client, make, auth, tmp_path, clock):
    from calendar_app.publish import Publisher

    clock.set(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc))
    app.config["PUBLISH_WEEK_EXPORTS"] = {"calendar": ["xlsx"], "organizations": []}
    a, b = make.organization(), make.organization()
    agreement = make.agreement(parties=[{"organization": a["slug"], "role": "signatory"},
                                        {"organization": b["slug"], "role": "signatory"}])
    make.event(title="Hội thảo", organizations=[a["slug"]], starts_at="2028-01-10T08:00:00+07:00",
               ends_at="2028-01-10T09:00:00+07:00")  # outside both weeks
    publisher = Publisher(app, tmp_path)
    publisher.publish_changed()
    assert not [p for p in publisher.publish_changed() if p.startswith("/week/")]
    make.event(title="Hội thảo khác", organizations=[a["slug"]], starts_at="2028-01-11T08:00:00+07:00",
               ends_at="2028-01-11T09:00:00+07:00")
    assert not [p for p in publisher.publish_changed() if p.startswith("/week/")]  # not in the weeks: not built
    holiday = client.post("/api/v1/holidays", json={"day": "2026-12-16", "name": "Ngày nghỉ bù", "kind": "day_off"},
                          headers=auth)
    assert holiday.status_code == 201, holiday.get_json()
    assert publisher.publish_changed() == ["/feeds/holidays.ics", "/week/2026-W51.xlsx"]
    assert "Ngày nghỉ bù" in str(list(_sheet_rows(tmp_path / "week" / "2026-W51.xlsx")))
    due = client.post(f"/api/v1/agreements/{agreement['slug']}/obligations", headers=auth, json={
        "kind": "results_report", "title": "Báo cáo kết quả", "due_on": "2026-12-09", "responsible": a["slug"]})
    assert due.status_code == 201, due.get_json()
    assert [p for p in publisher.publish_changed() if p.startswith("/week/")] == ["/week/2026-W50.xlsx"]
    clock.set(datetime(2026, 12, 15, 3, 0, tzinfo=timezone.utc))  # week 51: 50 goes, 52 comes
    assert sorted(p for p in publisher.publish_changed() if p.startswith("/week/")) == [
        "/week/2026-W50.xlsx", "/week/2026-W52.xlsx"]
    assert sorted(p.name for p in (tmp_path / "week").iterdir()) == ["2026-W51.xlsx", "2026-W52.xlsx"]
    for name in ("2026-W51.xlsx", "2026-W52.xlsx"):
        assert (tmp_path / "week" / name).read_bytes() == client.get(f"/week/{name}").get_data()


def _sheet_rows(path):
    from openpyxl import load_workbook

    return load_workbook(path).active.iter_rows(values_only=True)


def test_publish_feeds_leaves_out_a_feed_over_feed_max_events_and_says_why(app, client, auth, make, runner, tmp_path,
                                                                         clock):
    from calendar_app.publish import Publisher

    clock.set(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc))
    app.config["PUBLISH_WEEK_EXPORTS"] = {"calendar": [], "organizations": []}
    a, b = make.organization(), make.organization()
    make.event(title="Hội thảo 1", organizations=[a["slug"]])
    make.event(title="Hội thảo 2", organizations=[b["slug"]])
    publisher = Publisher(app, tmp_path)
    publisher.publish_changed()
    assert (tmp_path / "feeds" / "all.ics").exists()
    app.config["FEED_MAX_EVENTS"] = 1
    third = make.event(title="Hội thảo 3", organizations=[b["slug"]])  # b's feed: two events now
    assert sorted(publisher.publish_changed()) == ["/feeds/all.ics", f"/feeds/organizations/{b['slug']}.ics",
                                                   f"/feeds/organizations/{b['slug']}.json"]
    assert not (tmp_path / "feeds" / "all.ics").exists()  # the stale file is removed
    index = json.loads((tmp_path / "feeds" / "index.json").read_text())
    reason = "This feed holds more than 1 events, more than a calendar program can load."
    assert [(e["path"], e["reason"].split(" Narrow")[0]) for e in index["omitted"]] == [
        ("/feeds/all.ics", reason), (f"/feeds/organizations/{b['slug']}.ics", reason)]
    assert "/feeds/all.ics" not in [e["path"] for e in index["files"]]
    assert "/feeds/all.ics: This feed holds more than 1 events" in (tmp_path / "feeds" / "index.html").read_text()
    assert publisher.publish_changed() == []
    out = tmp_path / "again"
    result = runner.invoke(args=["publish-feeds", str(out)])
    assert result.exit_code == 0, result.output
    assert "left out /feeds/all.ics: This feed holds more than 1 events" in result.output
    assert client.delete(f"/api/v1/events/{third['id']}", headers=auth).status_code == 204
    # A file left out is asked for again the next day (meanwhile nginx hands its URL to the app).
    assert publisher.publish_changed() == [f"/feeds/organizations/{b['slug']}.json"]  # the .ics is not asked
    assert client.get(f"/feeds/organizations/{b['slug']}.ics").status_code == 200
    clock.advance(timedelta(days=1))
    assert f"/feeds/organizations/{b['slug']}.ics" in publisher.publish_changed()  # back under the limit
    assert [e["path"] for e in json.loads((tmp_path / "feeds" / "index.json").read_text())["omitted"]] == [
        "/feeds/all.ics"]


def test_publish_feeds_again_from_scratch_writes_no_file_whose_bytes_are_the_same(app, make, tmp_path, clock):
    """A restarted `publish-feeds` asks for every file, but leaves the files it would write unchanged alone."""
    from calendar_app.publish import Publisher

    clock.set(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc))
    app.config["PUBLISH_WEEK_EXPORTS"] = WEEKS_SMALL
    organization = make.organization()
    make.event(title="Hội nghị giao ban", organizations=[organization["slug"]])
    # all, holidays, the organization's .ics and .json; two weeks of the calendar's .xlsx and its .docx
    assert len(Publisher(app, tmp_path).publish_changed()) == 4 + 2 * 2
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    for path in files:
        os.utime(path, (1_000_000, 1_000_000))
    clock.advance(timedelta(hours=1))
    assert Publisher(app, tmp_path).publish_changed() == []
    assert [p.stat().st_mtime for p in files] == [1_000_000] * len(files)
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files  # no temporary file left behind


def test_lists_skip_the_schema_dump_but_keep_its_shape(client, make, auth):
    from calendar_app.schemas.events import EventListSchema, OccurrenceListSchema

    make.event(title="Giao ban Đảng ủy", rrule="FREQ=WEEKLY;COUNT=3", location="Hà Nội", exdates=[])
    make.event(title="Lễ ký kết", all_day=True, start_date="2026-12-20", end_date="2026-12-21", starts_at=None,
               ends_at=None, visibility="internal")
    for url, schema in ((LIST_URL, EventListSchema()), (LIST_URL + "&limit=1", EventListSchema()),
                        ("/api/v1/events", EventListSchema()),
                        ("/api/v1/occurrences?from=2026-12-01T00:00:00%2B07:00&to=2027-01-31T00:00:00%2B07:00",
                         OccurrenceListSchema())):
        body = client.get(url, headers=auth).get_json()
        assert body["items"] and schema.dump(body) == body


def test_list_cache_forgets_everything_when_the_database_file_is_replaced(app, tmp_path):
    from calendar_app.db import connect

    cache = app.extensions["calendar_list_cache"]
    version = cache.version()
    cache.put("k", version, b"old")
    assert cache.version() == version and cache.get("k", version) == b"old"
    copy = tmp_path / "restored.sqlite3"
    source = connect(app.config["DATABASE"])
    source.conn.execute(f"vacuum into '{copy}'")  # same version numbers, (possibly) other data
    source.close()
    copy.replace(app.config["DATABASE"])
    assert cache.version() == version and cache.get("k", version) is None


def test_list_cache_is_bounded_in_bytes(tmp_path):
    from calendar_app.api.list_cache import BodyCache

    cache = BodyCache(None, 10, 100)
    cache.put("a", 1, b"x" * 60)
    cache.put("b", 1, b"y" * 60)
    cache.put("c", 1, b"z" * 101)
    assert (cache.get("a", 1), cache.get("b", 1), cache.get("c", 1)) == (None, b"y" * 60, None)


# SQLITE_KEEP_CONNECTIONS: one connection per thread across requests (opt-in).


@pytest.fixture
def kept(tmp_path):
    from calendar_app import create_app

    instance = tmp_path / "kept"
    return create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "SECRET_KEY": "test-secret",
                       "DATABASE": str(instance / "kept.sqlite3"), "SQLITE_KEEP_CONNECTIONS": True,
                       "LIST_CACHE_ENTRIES": 0})


def _kept_connection(app):
    return app.extensions["calendar_kept_db"].db


def test_kept_connection_is_reused_and_sees_other_writers(kept):
    from calendar_app.db import connect
    from conftest import make_token

    client = kept.test_client()
    auth = {"Authorization": f"Bearer {make_token(kept)}"}
    first = client.post("/api/v1/events", headers=auth, json={
        "title": "Hội thảo Đà Nẵng", "kind": "joint_workshop",
        "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00"})
    assert first.status_code == 201
    connection = _kept_connection(kept)
    other = connect(kept.config["DATABASE"])
    with write_transaction(other):
        events.create(other, _fields("Tọa đàm Điện Biên", datetime(2026, 12, 16, 9, tzinfo=HCM)), "test")
    other.close()
    titles = [e["title"] for e in client.get(LIST_URL).get_json()["items"]]
    assert titles == ["Hội thảo Đà Nẵng", "Tọa đàm Điện Biên"]
    assert _kept_connection(kept) is connection and not connection.conn.in_transaction


def test_kept_connection_is_rolled_back_at_teardown_and_reopened_after_a_restore(kept, tmp_path):
    import os
    import sqlite3

    from calendar_app.db import get_db

    with kept.test_request_context():
        get_db().conn.execute("BEGIN IMMEDIATE")
        connection = _kept_connection(kept)
    assert not connection.conn.in_transaction
    path = kept.config["DATABASE"]
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = sqlite3.connect(str(tmp_path / "restored.sqlite3"))
    sqlite3.connect(path).backup(copy)
    copy.close()
    os.replace(tmp_path / "restored.sqlite3", path)
    assert kept.test_client().get(LIST_URL).status_code == 200
    assert _kept_connection(kept) is not connection


# Kept event representations (api/event_json.py): uncached lists reuse each event's JSON, never stale.

OCCURRENCES_URL = "/api/v1/occurrences?from=2026-12-01T00:00:00%2B07:00&to=2027-01-31T00:00:00%2B07:00"


@pytest.fixture
def plain(tmp_path):
    """An app without the list cache, so every list request goes through the kept representations."""
    from calendar_app import create_app

    instance = tmp_path / "plain"
    return create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "SECRET_KEY": "test-secret",
                       "DATABASE": str(instance / "test.sqlite3"), "LIST_CACHE_ENTRIES": 0})


def _reference_bodies(monkeypatch, client, requests):
    """The bodies as the slow path builds them: the schema's own load, represent_rows, then jsonify of the envelope."""
    from flask import jsonify

    from calendar_app.api import event_json
    from calendar_app.api import events as api_events
    from calendar_app.schemas import events as event_schemas

    def occurrences_response(db, page, envelope_of):
        kept = occurrences.typed_representations(db, {event_id for _, event_id, _ in page})
        items = [occurrences.occurrence_item(*kept[event_id], starts, occurrence)
                 for starts, event_id, occurrence in page if event_id in kept]
        return jsonify(envelope_of([item for item in items if item is not None]))

    with monkeypatch.context() as patch:
        patch.setattr(event_schemas, "plain_query", lambda *_args: None)
        real = occurrences.list_events
        patch.setattr(occurrences, "list_events", lambda *a, represent=None, **k: real(*a, **k))
        patch.setattr(event_json, "list_response",
                      lambda items, envelope: jsonify({**envelope, "items": [api_events.with_links(e) for e in items]}))
        patch.setattr(event_json, "occurrences_response", occurrences_response)
        return [_answer(client, url, headers) for url, headers in requests]


def _answer(client, url, headers):
    response = client.get(url, headers=headers)
    return response.status_code, response.headers.get("Content-Type"), response.get_data()


@pytest.mark.slow
def test_kept_representations_give_the_bytes_built_afresh(plain, monkeypatch):
    from conftest import make_token

    client = plain.test_client()
    auth = {"Authorization": f"Bearer {make_token(plain)}"}
    limited = {"Authorization": f"Bearer {make_token(plain, scope='read', organizations=['bo-cong-thuong'])}"}
    with plain.app_context():
        from calendar_app.db import get_db
        generate(get_db(), 300, seed=11)
        with write_transaction(get_db()):
            special = [events.create(get_db(), fields, "test") for fields in SPECIAL]
    berlin, internal = special[4]["id"], special[6]["id"]
    for path, body in [  # overrides: cancelled, retitled in Vietnamese, moved within and into the window
            (f"/api/v1/events/{berlin}/occurrences/2026-03-08T02:30:00", {"status": "cancelled",
                                                                        "status_reason": "Lãnh đạo bận họp đột xuất"}),
            (f"/api/v1/events/{berlin}/occurrences/2026-03-22T02:30:00", {"title": "Tọa đàm dời sang Huế",
                                                                        "location": "Đắk Lắk"}),
            (f"/api/v1/events/{berlin}/occurrences/2026-04-12T02:30:00", {
                "starts_at": "2026-03-28T10:00:00+01:00", "ends_at": "2026-03-28T11:00:00+01:00"}),
            (f"/api/v1/events/{internal}/occurrences/2026-03-09T09:00:00", {"status": "postponed"})]:
        assert client.put(path, headers=auth, json=body).status_code in (200, 201), path
    window = "from=2026-03-01T00:00:00%2B07:00&to=2026-04-15T00:00:00%2B07:00"
    urls = ["/api/v1/events?from=2026-03-01T00:00:00%2B07:00&to=2026-06-01T00:00:00%2B07:00&limit=100",
            "/api/v1/events?from=2026-03-01T00:00:00%2B07:00&to=2026-06-01T00:00:00%2B07:00&limit=7&offset=3",
            "/api/v1/events?limit=50&offset=20", "/api/v1/events?limit=0", "/api/v1/events?q=hoi%20thao",
            "/api/v1/organizations/dang-uy-khoi-dn-tw/events?limit=30",
            "/api/v1/agreements/thoa-thuan-3/events", "/api/v1/agreements/no-such/events",
            "/api/v1/events?from=2026-03-01T00:00:00%2B07:00&to=2026-01-01T00:00:00%2B07:00",
            "/api/v1/occurrences?from=2026-03-01T00:00:00%2B07:00&to=2026-04-01T00:00:00%2B07:00&limit=100",
            "/api/v1/occurrences?from=2026-03-25T00:00:00%2B01:00&to=2026-04-05T00:00:00%2B02:00&offset=2",
            # the plain window query (loaded without marshmallow) and its neighbours the schema answers
            *(f"/api/v1/{kind}?{window}{extra}" for kind in ("events", "occurrences") for extra in (
                "", "&limit=100", "&limit=5&offset=5", "&tz=Europe/Berlin", "&limit=0", "&limit=101", "&limit=abc",
                "&offset=-1", "&limit=1&limit=2", "&tz=Mars/Olympus", "&kind=review_meeting",
                "&status=cancelled,postponed", "&organization=bo-cong-thuong", "&q=t%E1%BB%8Da%20%C4%91%C3%A0m",
                "&unknown=1", "&limit=%201", "&from=2026-03-02")),
            "/api/v1/occurrences?from=2026-03-01&to=2026-04-15&tz=Europe/Berlin",
            "/api/v1/occurrences?from=2026-03-01", "/api/v1/occurrences?to=2026-03-01",
            "/api/v1/occurrences?from=2026-04-01&to=2026-03-01", "/api/v1/occurrences?from=2026-03-01&to=2027-06-01",
            "/api/v1/occurrences?from=2026-03-01T00:00:00&to=2026-04-01"]
    requests = [(url, headers) for url in urls for headers in ({}, auth, limited, {"Host": "127.0.0.1:8000"})]
    kept = [_answer(client, url, headers) for url, headers in requests]
    assert [_answer(client, url, headers) for url, headers in requests] == kept  # now from the kept JSON
    assert _reference_bodies(monkeypatch, client, requests) == kept
    assert sum(status == 200 and b'"items":[{' in body for status, _type, body in kept) >= 100
    assert sum(status in (400, 422) for status, _type, _body in kept) >= 40
    shown = b"".join(body for _status, _type, body in kept)
    for text in ("Tọa đàm dời sang Huế", "Lãnh đạo bận họp đột xuất", "Họp nội bộ", "Ngày hội Berlin"):
        assert text.encode() in shown, text


PLAIN_QUERIES = [
    "from=2026-03-01T00:00:00%2B07:00&to=2026-03-03T00:00:00%2B07:00&limit=100",
    "from=2026-03-01&to=2026-03-03", "from=2026-03-01&to=2026-03-03&tz=Europe/Berlin&offset=40&limit=1",
    "from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:01z", "from=2026-03-01T00:00:00.5%2B07:00&to=2026-03-02",
    "to=2026-03-03", "from=2026-03-01", "limit=500", "offset=10000000", "",
]
SCHEMA_QUERIES = [  # each must go to the schema: another argument, a repeat, a value it does not take
    "from=2026-03-01&to=2026-03-03&limit=0", "limit=501", "limit=abc", "limit=%201", "limit=1_0", "limit=%2B5",
    "limit=%D9%A3", "limit=", "offset=-1", "offset=10000001", "limit=1&limit=2", "from=2026-03-01&from=2026-03-02",
    "tz=Mars/Olympus", "tz=", "from=2026-03-03&to=2026-03-01", "from=2026-03-01&to=2026-03-01",
    "from=1899-12-31&to=2026-03-01", "from=2026-03-01T00:00:00&to=2026-03-02", "from=2026-02-30",
    "from=" + "2" * 41, "kind=review_meeting", "q=h%E1%BB%99i", "organization=bo-cong-thuong", "unknown=1",
    "from_=2026-03-01",
]


def test_the_plain_query_loads_what_the_schema_loads(app):
    from urllib.parse import parse_qsl

    from marshmallow import Schema, ValidationError
    from webargs.multidictproxy import MultiDictProxy
    from werkzeug.datastructures import MultiDict

    from calendar_app.schemas import events as event_schemas

    taken = []
    with app.test_request_context():
        for schema in (event_schemas.EventQuerySchema(), event_schemas.OccurrenceQuerySchema()):
            window_required = schema.fields["from_"].required
            for query in PLAIN_QUERIES + SCHEMA_QUERIES:
                data = MultiDictProxy(MultiDict(parse_qsl(query, keep_blank_values=True)), schema)
                plain = event_schemas.plain_query(schema, data)
                try:
                    expected = Schema.load(schema, data)  # marshmallow's own load, past the shortcut
                except ValidationError as error:
                    assert plain is None, (query, error.messages)
                    continue
                assert plain is None or plain == expected, query
                assert schema.load(data) == expected
                taken.append((plain is not None, query))
                missing_window = window_required and not ("from=" in query and "to=" in query)
                assert (plain is not None) == (query in PLAIN_QUERIES and not missing_window), query
    assert sum(fast for fast, _query in taken) >= 12


def test_kept_representations_see_every_change(plain, monkeypatch):
    from conftest import Factory, make_token

    client = plain.test_client()
    auth = {"Authorization": f"Bearer {make_token(plain)}"}
    make = Factory(client, auth)
    organization = make.organization()
    agreement = make.agreement()
    event = make.event(title="Hội thảo Đà Lạt", organizations=[organization["slug"]], agreement=agreement["slug"])
    make.event(title="Họp nội bộ", visibility="internal", rrule="FREQ=WEEKLY;COUNT=3")
    requests = [(url, headers) for url in (LIST_URL, OCCURRENCES_URL) for headers in ({}, auth)]

    def check(*expected_titles):
        served = [_answer(client, url, headers) for url, headers in requests]
        assert served == _reference_bodies(monkeypatch, client, requests)
        anonymous = json.loads(served[0][2])["items"]
        assert [e["title"] for e in anonymous] == list(expected_titles)
        assert all(o["title"] != "Họp nội bộ" for o in json.loads(served[2][2])["items"])
        return anonymous

    check("Hội thảo Đà Lạt")
    assert client.patch(f"/api/v1/events/{event['id']}", headers=auth, json={"title": "Tọa đàm"}).status_code == 200
    check("Tọa đàm")
    renamed = client.patch(f"/api/v1/organizations/{organization['slug']}", headers=auth, json={"slug": "doi-ten"})
    assert renamed.status_code == 200, renamed.get_json()
    assert check("Tọa đàm")[0]["organizations"] == ["doi-ten"]
    renamed = client.patch(f"/api/v1/agreements/{agreement['slug']}", headers=auth, json={"slug": "quy-che-moi"})
    assert renamed.status_code == 200, renamed.get_json()
    assert check("Tọa đàm")[0]["agreement"] == "quy-che-moi"
    with plain.app_context():  # a change behind the app's back moves no version: seen once the caches are emptied
        from calendar_app import caches
        from calendar_app.db import get_db
        get_db().execute("update events set location = 'Huế' where id = ?", [event["id"]])
        get_db().conn.commit()
        caches.clear_all(plain)
    assert check("Tọa đàm")[0]["location"] == "Huế"
    plain.config["PUBLIC_BASE_URL"] = "https://lich.example.vn"
    assert check("Tọa đàm")[0]["ics_url"] == f"https://lich.example.vn/events/{event['id']}.ics"
    assert client.delete(f"/api/v1/events/{event['id']}", headers=auth).status_code == 204
    check()


WINDOW = "from=2026-12-01T00:00:00%2B07:00&to=2027-01-31T00:00:00%2B07:00"


def _put_override(client, auth, ids, body):
    return client.put(f"/api/v1/events/{ids['series']}/occurrences/2026-12-22T09:00:00", headers=auth, json=body)


# Each write, and what the next uncached answers must show: (anonymous events, anonymous occurrences) -> bool.
WRITES = {
    "event update": (lambda client, auth, ids: client.patch(
        f"/api/v1/events/{ids['event']}", headers=auth, json={"title": "Tọa đàm đổi tên",
                                                              "starts_at": "2026-12-16T08:00:00+07:00",
                                                              "ends_at": "2026-12-16T09:00:00+07:00"}),
                     lambda events_, occurrences_: ("Tọa đàm đổi tên", "2026-12-16T08:00:00+07:00") in
                     {(o["title"], o["starts_at"]) for o in occurrences_}),
    "override": (lambda client, auth, ids: _put_override(client, auth, ids, {"title": "Giao ban dời sang Huế",
                                                                             "status": "postponed"}),
                 lambda events_, occurrences_: ("Giao ban dời sang Huế", "postponed") in
                 {(o["title"], o["status"]) for o in occurrences_}),
    "override deleted": (lambda client, auth, ids: _put_override(client, auth, ids, {"status": "cancelled"})
                         and client.delete(f"/api/v1/events/{ids['series']}/occurrences/2026-12-22T09:00:00",
                                           headers=auth),
                         lambda events_, occurrences_: all(o["status"] == "confirmed" for o in occurrences_)),
    "organization rename": (lambda client, auth, ids: client.patch(
        f"/api/v1/organizations/{ids['organization']}", headers=auth, json={"slug": "ban-doi-ten"}),
                            lambda events_, occurrences_: all(e["organizations"] == ["ban-doi-ten"] for e in events_)
                            and all(o["organizations"] == ["ban-doi-ten"] for o in occurrences_)),
    "agreement rename": (lambda client, auth, ids: client.patch(
        f"/api/v1/agreements/{ids['agreement']}", headers=auth, json={"slug": "quy-che-doi-ten"}),
                         lambda events_, occurrences_: {e["agreement"] for e in events_} == {"quy-che-doi-ten", None}),
    "link change": (lambda client, auth, ids: client.patch(
        f"/api/v1/events/{ids['event']}", headers=auth, json={"organizations": [], "agreement": None}),
                    lambda events_, occurrences_: [(e["organizations"], e["agreement"]) for e in events_
                                                   if e["title"] == "Hội thảo Đà Lạt"] == [([], None)]),
    "delete": (lambda client, auth, ids: client.delete(f"/api/v1/events/{ids['series']}", headers=auth),
               lambda events_, occurrences_: len(events_) == 1 and len(occurrences_) == 1),
    "made internal": (lambda client, auth, ids: client.patch(
        f"/api/v1/events/{ids['event']}", headers=auth, json={"visibility": "internal"}),
                      lambda events_, occurrences_: [e["title"] for e in events_] == ["Giao ban hằng tuần"]),
    "made public": (lambda client, auth, ids: client.patch(
        f"/api/v1/events/{ids['internal']}", headers=auth, json={"visibility": "public"}),
                    lambda events_, occurrences_: "Họp nội bộ" in {o["title"] for o in occurrences_}),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_kind_of_write_shows_in_the_next_uncached_answer(plain, monkeypatch, write):
    from conftest import Factory, make_token

    client = plain.test_client()
    auth = {"Authorization": f"Bearer {make_token(plain)}"}
    make = Factory(client, auth)
    organization, agreement = make.organization(), make.agreement()
    links = {"organizations": [organization["slug"]], "agreement": agreement["slug"]}
    ids = {"organization": organization["slug"], "agreement": agreement["slug"],
           "event": make.event(title="Hội thảo Đà Lạt", **links)["id"],
           "series": make.event(title="Giao ban hằng tuần", starts_at="2026-12-08T09:00:00+07:00",
                                ends_at="2026-12-08T10:00:00+07:00", rrule="FREQ=WEEKLY;COUNT=4",
                                organizations=[organization["slug"]])["id"],
           "internal": make.event(title="Họp nội bộ", visibility="internal", starts_at="2026-12-20T08:00:00+07:00",
                                  ends_at="2026-12-20T09:00:00+07:00")["id"]}
    requests = [(f"/api/v1/{kind}?{WINDOW}", headers) for kind in ("events", "occurrences") for headers in ({}, auth)]
    before = [_answer(client, url, headers) for url, headers in requests]
    assert [_answer(client, url, headers) for url, headers in requests] == before  # kept now
    done, shows = WRITES[write]
    assert done(client, auth, ids).status_code in (200, 201, 204)
    served = [_answer(client, url, headers) for url, headers in requests]
    assert served != before
    assert served == _reference_bodies(monkeypatch, client, requests)
    assert shows(json.loads(served[0][2])["items"], json.loads(served[2][2])["items"]), served[0][2][:300]


def test_kept_representations_are_bounded(plain):
    from calendar_app.api.event_json import RepresentationCache

    with plain.app_context():
        from calendar_app.db import get_db
        db = get_db()
        generate(db, 30, seed=3)
        rows = list(db.query("select * from events order by id"))
        ids = [r["id"] for r in rows]
        cache = RepresentationCache(5)
        first = cache.represent(db, ids)
        assert [k.event for k in first] == events.represent_rows(db, rows)
        assert len(cache.kept) == 5
        assert [i for i in ids if cache.kept.get(i) is not None] == ids[-5:]
        again = cache.represent(db, ids[-5:])
        assert all(a is b for a, b in zip(again, first[-5:]))  # reused, not rebuilt


def test_kept_occurrences_of_one_event_are_bounded(plain):
    from conftest import Factory, make_token

    from calendar_app.api import event_json
    from calendar_app.db import get_db

    client = plain.test_client()
    series = Factory(client, {"Authorization": f"Bearer {make_token(plain)}"}).event(
        title="Điểm danh hằng ngày", starts_at="2026-12-01T07:00:00+07:00", ends_at="2026-12-01T07:30:00+07:00",
        rrule="FREQ=DAILY;COUNT=40")
    url = "/api/v1/occurrences?from=2026-12-{:02d}&to=2026-12-{:02d}"
    days = [client.get(url.format(day, day + 1)).get_json()["items"] for day in range(1, 29)]
    assert [o["starts_at"] for items in days for o in items] == [f"2026-12-{d:02d}T07:00:00+07:00" for d in range(1, 29)]
    with plain.test_request_context():
        kept = event_json.cache().by_id(get_db(), [series["id"]])[series["id"]]
        assert 0 < len(kept.occurrences) <= event_json.OCCURRENCES_KEPT
