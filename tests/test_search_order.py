"""Searches read in list order out of the search index (issue 15): every page equals a plain reference.

The reference is what main computed before: the same list without q (its filters, windows and
visibility untouched by the search code), kept to the events a plain FTS5 table over
events.search_text matches (content=events, no prefix index, the events' own rowid).
"""

import importlib.util
import random
import re
import sqlite3
from itertools import product

import pytest
from conftest import Factory, make_token
from test_web import create_editor, sign_in

from calendar_app.db import MIGRATIONS_DIR, get_db, write_transaction
from calendar_app.repositories import occurrences, search
from calendar_app.text import fts_match_expression

WORDS = ["Hội thảo", "Hội nghị", "Chương trình", "Lễ ký kết", "Tọa đàm", "chuyển đổi số", "Đắk Lắk",
         "Đảng ủy Khối", "khoa học", "hợp tác", "Hồ Chí Minh", "hội nhập", "Sơn La", "số hóa"]
PLACES = ["Hà Nội", "Đà Nẵng", "Buôn Ma Thuột, Đắk Lắk", "Huế", None]
# Few distinct starts, so that many events share one range_start and only the id orders them.
STARTS = ["2025-03-05T08:00:00+07:00", "2026-12-15T08:30:00+07:00", "2026-12-15T14:00:00+07:00",
          "2027-01-10T08:00:00+07:00", "2027-06-01T09:00:00+02:00", "2028-02-29T07:30:00+07:00"]
QUERIES = ["hoi", "hội thảo", "HỘI NGHỊ", "dak lak", "Đắk", "dang uy khoi", "chuyen doi so", "h", "s",
           "ho chi minh", "so hoa", "dien bien", "son", "khong co gi", "“Tọa đàm”", "—"]
CAP = 12  # SEARCH_TOTAL_LIMIT in these tests: below most queries' matches, above some


def build_varied(app) -> dict:
    """About 160 events over three organizations' trees and two agreements, public and internal."""
    client = app.test_client()
    make = Factory(client, {"Authorization": f"Bearer {make_token(app)}"})
    parent = make.organization(slug="bo", name="Bộ Công Thương")
    child = make.organization(slug="cuc", name="Cục Xúc tiến", parent="bo")
    make.organization(slug="vu", name="Vụ Thị trường", parent="cuc")
    other = make.organization(slug="tinh", name="Ủy ban nhân dân tỉnh Đắk Lắk")
    agreements = [make.agreement(slug="quy-che", parties=[{"organization": "bo", "role": "signatory"},
                                                           {"organization": "tinh", "role": "signatory"}]),
                  make.agreement(slug="chuong-trinh", parties=[{"organization": "cuc", "role": "signatory"},
                                                                {"organization": "tinh", "role": "party"}])]
    rng = random.Random(15)
    for n in range(160):
        fields = {"title": " ".join(rng.sample(WORDS, rng.randint(1, 3))) + f" lần {n}",
                  "kind": rng.choice(["joint_workshop", "review_meeting", "signing_ceremony", "other"]),
                  "status": rng.choice(["confirmed"] * 5 + ["tentative", "cancelled", "postponed"]),
                  "visibility": "internal" if rng.random() < 0.25 else "public",
                  "organizations": rng.sample(["bo", "cuc", "vu", "tinh"], rng.randint(0, 2)),
                  "location": rng.choice(PLACES)}
        if rng.random() < 0.3:
            fields["agreement"] = rng.choice(agreements)["slug"]
        if rng.random() < 0.3:
            fields["description"] = rng.choice(WORDS)
        elif rng.random() < 0.06:
            fields["description"] = "Điện Biên Phủ"  # few matches: an exact total
        shape = rng.random()
        if shape < 0.15:  # all-day
            day = rng.choice(STARTS)[:10]
            fields.update(all_day=True, start_date=day, end_date=day, starts_at=None, ends_at=None)
        else:
            start = rng.choice(STARTS)
            fields.update(starts_at=start, ends_at=start[:11] + "17:00:00" + start[19:])
            if start.endswith("+02:00"):
                fields["timezone"] = "Europe/Berlin"
        if 0.15 <= shape < 0.3:
            fields["rrule"] = rng.choice(["FREQ=WEEKLY;COUNT=5", "FREQ=MONTHLY;INTERVAL=6", "FREQ=YEARLY;COUNT=3"])
        make.event(**fields)
    return {"organizations": [parent["slug"], child["slug"], other["slug"]]}


SNAPSHOTS = {"varied": build_varied}  # built once per session; each test starts from its own copy


@pytest.fixture
def varied():
    """The data set of build_varied (the app fixture copies it in)."""
    return True

# Filters of the events list, each with the windows too (recurring events' later occurrences count).
FILTERS = [{}, {"organization": "bo"}, {"organization": "tinh"}, {"agreement": "quy-che"},
           {"status": "confirmed,tentative"}, {"kind": "review_meeting"},
           {"from": "2027-01-01", "to": "2027-07-01"}, {"from": "2026-12-15T12:00:00+07:00"},
           {"to": "2026-12-16"}, {"organization": "cuc", "from": "2026-01-01", "status": "confirmed"}]


class Reference:
    """The ids of events a plain FTS5 table (main's, before issue 15) matches for a query."""

    def __init__(self, path: str):
        self.conn = sqlite3.connect(path)
        self.conn.execute("create virtual table reference_fts using fts5(search_text, content='events', "
                          "tokenize='unicode61 remove_diacritics 2')")
        self.forget()

    def forget(self) -> None:
        """Read the events again (after a write): the table is external content, kept by no trigger."""
        self.conn.execute("insert into reference_fts (reference_fts) values ('rebuild')")
        self.conn.commit()
        self.found = {}

    def __call__(self, query: str) -> set[int]:
        expression = fts_match_expression(query)
        if expression is None:
            return set()
        if expression not in self.found:
            self.found[expression] = {r[0] for r in self.conn.execute(
                "select rowid from reference_fts where reference_fts match ?", [expression])}
        return self.found[expression]


@pytest.fixture
def reference(app, varied):
    found = Reference(app.config["DATABASE"])
    yield found
    found.conn.close()


@pytest.fixture
def capped(app):
    app.config["SEARCH_TOTAL_LIMIT"] = CAP
    return CAP


def listed(client, params: dict, headers: dict) -> list[int]:
    """Every id of an events list without q, page after page (limit 500 holds the whole data set)."""
    body = client.get("/api/v1/events", query_string={**params, "limit": 500}, headers=headers).get_json()
    assert body["next"] is None and "total_is_lower_bound" not in body
    return [item["id"] for item in body["items"]]


def check_search(client, reference, params: dict, query: str, headers: dict) -> None:
    """Pages at offsets 0, 4 and near the end equal the reference; total is capped and says so."""
    matches = reference(query)
    expected = [i for i in listed(client, params, headers) if i in matches]
    for offset in sorted({0, 4, max(len(expected) - 2, 0)}):
        body = client.get("/api/v1/events", query_string={**params, "q": query, "limit": 5, "offset": offset},
                          headers=headers).get_json()
        where = (query, params, offset, headers.get("Authorization", "anonymous")[-6:])
        assert [item["id"] for item in body["items"]] == expected[offset:offset + 5], where
        assert (body["total"], body["total_is_lower_bound"]) == (min(len(expected), CAP), len(expected) > CAP), where
        assert (body["next"] is not None) == (offset + 5 < len(expected)), where


@pytest.mark.parametrize("caller", ["anonymous", "limited", "everything"])
def test_every_search_page_equals_the_reference(app, client, reference, capped, caller):
    headers = {"anonymous": {}, "limited": {"Authorization": f"Bearer {make_token(app, 'read', ['cuc'])}"},
               "everything": {"Authorization": f"Bearer {make_token(app, 'read')}"}}[caller]
    for query, params in product(QUERIES, FILTERS):
        check_search(client, reference, params, query, headers)


def test_the_reference_set_is_varied(app, client, reference, auth):
    """The data set gives the checks above something to tell apart: ties, caps, empty answers."""
    everything = listed(client, {}, auth)
    sizes = {query: len(reference(query) & set(everything)) for query in QUERIES}
    assert sizes["khong co gi"] == 0 and sizes["—"] == 0 and 0 < sizes["dien bien"] <= CAP < sizes["hoi"]
    with app.app_context():
        starts = [r[0] for r in get_db().execute("select range_start from events")]
    assert len(set(starts)) < len(starts) / 5  # many events share a start: the id orders them


def test_organization_and_agreement_event_lists_search_in_order(client, reference, capped, auth):
    for path, query in product(["/api/v1/organizations/tinh/events", "/api/v1/agreements/quy-che/events"],
                               ["hoi", "dak lak", "s"]):
        every = client.get(path, query_string={"limit": 500}, headers=auth).get_json()["items"]
        expected = [e["id"] for e in every if e["id"] in reference(query)]
        body = client.get(path, query_string={"q": query, "limit": 3, "offset": 2}, headers=auth).get_json()
        assert [e["id"] for e in body["items"]] == expected[2:5]
        assert (body["total"], body["total_is_lower_bound"]) == (min(len(expected), CAP), len(expected) > CAP)


@pytest.mark.parametrize("internal, sub_units", [(False, False), (True, True), (("tinh",), False), (True, False)])
def test_newest_first_and_sub_units_in_the_repository(app, reference, internal, sub_units):
    with app.app_context():
        db = get_db()
        for query, organization in product(QUERIES, [None, "bo", "cuc"]):
            filters = {"include_internal": internal, "organization": organization, "with_sub_units": sub_units}
            plain, _ = occurrences.list_events(db, filters, 500, 0)
            expected = [e["id"] for e in plain if e["id"] in reference(query)][::-1]
            for offset, total_limit in [(0, None), (3, 4), (0, 500)]:
                page, count = occurrences.list_events(db, {**filters, "q": query, "newest_first": True}, 6, offset,
                                                      total_limit=total_limit)
                assert [e["id"] for e in page] == expected[offset:offset + 6], (query, filters, offset)
                bound = len(expected) if total_limit is None else max(offset + 6, total_limit) + 1
                assert count == min(len(expected), bound), (query, filters, offset)


def page_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="title" href="/events/(\d+)"', html)]


@pytest.mark.parametrize("editor", [False, True])
def test_the_search_page_lists_newest_first_and_says_more_than_the_limit(app, client, reference, capped, auth,
                                                                         editor):
    if editor:
        create_editor(app)
        sign_in(client)
    every = listed(client, {}, auth if editor else {})
    expected = [i for i in every if i in reference("hoi")][::-1]
    assert len(expected) > 2 * 20 > CAP
    first = client.get("/search?q=hoi").get_data(as_text=True)
    assert page_ids(first) == expected[:20]
    assert f"Sự kiện (hơn {CAP} kết quả)" in first and "<span>Trang 1</span>" in first  # no "of N": N is unknown
    assert 'href="/search?q=hoi&amp;page=2" rel="next"' in first
    last_page = -(-len(expected) // 20)
    last = client.get(f"/search?q=hoi&page={last_page}").get_data(as_text=True)
    assert page_ids(last) == expected[(last_page - 1) * 20:] and 'rel="next"' not in last and 'rel="prev"' in last
    english = client.get("/search?q=hoi&lang=en").get_data(as_text=True)
    assert f"Events (more than {CAP} results)" in english


@pytest.mark.parametrize("language, shown", [("vi", "hơn 1.000 kết quả"), ("en", "more than 1,000 results")])
def test_the_search_page_groups_the_limits_digits(app, language, shown):
    from calendar_app.web.i18n import format_count, gettext
    with app.test_request_context(f"/search?lang={language}"):
        assert gettext("more than {count} results", count=format_count(1000)) == shown


def test_search_follows_every_kind_of_write(app, client, auth, reference, capped):
    """Create, update (text, time: a new key, visibility), delete, import: searches follow each at once."""
    make = Factory(client, auth)

    def check():
        reference.forget()
        for query, params, headers in product(["hoi", "son la", "dak", "moi nhat"], [{}, {"organization": "tinh"}],
                                              [auth, {}]):
            check_search(client, reference, params, query, headers)

    created = make.event(title="Sơn La mới nhất", organizations=["tinh"], starts_at="2026-12-15T08:30:00+07:00",
                         ends_at="2026-12-15T09:30:00+07:00")
    check()
    assert client.patch(f"/api/v1/events/{created['id']}", json={"title": "Hội thảo Đắk Lắk"},
                        headers=auth).status_code == 200
    check()
    assert client.patch(f"/api/v1/events/{created['id']}", json={"starts_at": "2025-01-01T08:00:00+07:00",
                                                                  "ends_at": "2025-01-01T09:00:00+07:00"},
                        headers=auth).status_code == 200
    check()
    first = client.get("/api/v1/events", query_string={"q": "hoi thao dak lak", "limit": 1}, headers=auth).get_json()
    assert first["items"][0]["id"] == created["id"]  # now the earliest
    assert client.patch(f"/api/v1/events/{created['id']}", json={"visibility": "internal"},
                        headers=auth).status_code == 200
    check()  # gone for anonymous readers at once
    oldest = listed(client, {}, auth)[0]
    assert client.delete(f"/api/v1/events/{oldest}", headers=auth).status_code == 204
    check()
    ics = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:son-la@x",
                       "DTSTAMP:20261101T000000Z", "SUMMARY:Hội nghị Sơn La mới nhất",
                       "DTSTART;TZID=Asia/Ho_Chi_Minh:20261215T083000", "DTEND;TZID=Asia/Ho_Chi_Minh:20261215T110000",
                       "END:VEVENT", "END:VCALENDAR", ""]).encode()
    answer = client.post("/api/v1/import?organization=tinh", data=ics,
                         headers={**auth, "Content-Type": "text/calendar"})
    assert answer.status_code in (200, 201), answer.get_json()
    check()


def _migration():
    path = MIGRATIONS_DIR / "0012_search_order.py"
    spec = importlib.util.spec_from_file_location("search_order_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_indexes_existing_events_in_list_order(app, client, reference, capped, auth):
    """Run on a database that holds events (as on every deployment migrated before it), it rebuilds the index."""
    with app.app_context():
        db = get_db()
        db.execute("insert into events_fts (events_fts) values ('delete-all')")  # an index that lost everything
        with write_transaction(db):
            _migration().migrate(db)
        keys = db.execute("select rowid from events_fts where events_fts match 'hoi*' order by rowid").fetchall()
    assert len(keys) == len(reference("hoi"))
    for query, params in product(["hoi", "dak lak"], FILTERS[:3]):
        check_search(client, reference, params, query, auth)


@pytest.mark.parametrize("change", [{"id": 1 << search.ID_BITS}, {"range_start": "1799-12-31T23:59:59Z"},
                                    {"range_start": "2026-13-01T00:00:00Z"}])
def test_the_key_bits_agree_and_rows_outside_them_are_refused(app, varied, change):
    assert f"<< {search.ID_BITS}) |" in _migration().KEY
    assert str((1 << search.ID_BITS) - 1) in _migration().IN_BOUNDS
    with app.app_context():
        db = get_db()
        row = {**next(db.query("select * from events order by id desc limit 1")), "id": None, "uid": "too-far@x"}
        with pytest.raises(sqlite3.IntegrityError, match="outside the search key"), write_transaction(db):
            db["events"].insert({**row, **change})
        assert db.execute("select count(*) from events where uid = 'too-far@x'").fetchone()[0] == 0
        if "id" not in change:  # an update must not move a row out either
            last = db.execute("select max(id) from events").fetchone()[0]
            with pytest.raises(sqlite3.IntegrityError, match="outside the search key"), write_transaction(db):
                db["events"].update(last, change)
