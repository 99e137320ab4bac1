"""?prefix=1 (status labels before SUMMARY) and ?expand=1 (one VEVENT per occurrence), read with other parsers."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

from calendar_app.feeds import cache, ical_builder

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 1)
SERIES_TITLE = "Giao ban định kỳ — Đảng ủy Khối Doanh nghiệp Trung ương và các đơn vị trực thuộc, quý IV"


@pytest.fixture(autouse=True)
def fixed_today(clock):
    clock.set(TODAY)


@pytest.fixture
def world(make, client, auth):
    """An organization with a weekly series (one occurrence cancelled, one tentative, one moved) and single events."""
    org = make.organization(name="Đảng ủy Khối Doanh nghiệp Trung ương")
    slug = org["slug"]
    series = make.event(title=SERIES_TITLE, organizations=[slug], rrule="FREQ=WEEKLY;COUNT=6",
                        location="Hội trường tầng 3", starts_at="2026-11-05T08:00:00+07:00",
                        ends_at="2026-11-05T10:00:00+07:00")
    for recurrence_id, body in (("2026-11-12T08:00:00", {"status": "cancelled"}),
                                ("2026-11-19T08:00:00", {"status": "tentative", "title": "Có thể dời"}),
                                ("2026-11-26T08:00:00", {"starts_at": "2026-11-27T14:00:00+07:00",
                                                         "ends_at": "2026-11-27T16:00:00+07:00"})):
        assert client.put(f"/api/v1/events/{series['id']}/occurrences/{recurrence_id}", json=body,
                          headers=auth).status_code == 201
    tentative = make.event(title="Tọa đàm dự kiến", status="tentative", organizations=[slug])
    cancelled = make.event(title="Hội thảo đã hủy", organizations=[slug])
    assert client.patch(f"/api/v1/events/{cancelled['id']}", json={"status": "cancelled"},
                        headers=auth).status_code == 200
    plain = make.event(title="Lễ ký kết", organizations=[slug])
    all_day = make.event(title="Tết ấm yêu thương", all_day=True, starts_at=None, ends_at=None, organizations=[slug],
                         start_date="2026-12-20", end_date="2026-12-21", rrule="FREQ=YEARLY;COUNT=3")
    return {"url": f"/feeds/organizations/{slug}.ics", "series": series, "tentative": tentative,
            "cancelled": cancelled, "plain": plain, "all_day": all_day}


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.data[:400])
    return response


def summaries(ics: bytes) -> dict[tuple[str, str | None], str]:
    """(UID, RECURRENCE-ID) -> SUMMARY, read by icalendar."""
    calendar = icalendar.Calendar.from_ical(ics)
    return {(str(e["UID"]), e.get("RECURRENCE-ID") and e["RECURRENCE-ID"].to_ical().decode()): str(e["SUMMARY"])
            for e in calendar.walk("VEVENT")}


# --- ?prefix=1 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query, tentative, cancelled", [
    ("?prefix=1", "[Dự kiến] ", "[Đã hủy] "),
    ("?prefix=1&lang=vi", "[Dự kiến] ", "[Đã hủy] "),
    ("?prefix=1&lang=en", "[Tentative] ", "[Cancelled] "),
])
def test_prefix_labels_tentative_and_cancelled_events_and_occurrences(client, world, query, tentative, cancelled):
    """Defect: clients that ignore STATUS (calcurse) showed tentative and cancelled events as confirmed."""
    ics = get(client, world["url"] + query).data
    found = summaries(ics)
    uid = world["series"]["uid"]
    assert found[(world["tentative"]["uid"], None)] == tentative + "Tọa đàm dự kiến"
    assert found[(world["cancelled"]["uid"], None)] == cancelled + "Hội thảo đã hủy"
    assert found[(world["plain"]["uid"], None)] == "Lễ ký kết"
    assert found[(uid, None)] == SERIES_TITLE  # the series is confirmed; only two of its occurrences are not
    assert found[(uid, "20261112T080000")] == cancelled + SERIES_TITLE
    assert found[(uid, "20261119T080000")] == tentative + "Có thể dời"
    assert found[(uid, "20261126T080000")] == SERIES_TITLE
    # Other parsers read the same text, and every physical line stays within 75 octets.
    events = IcsCalendarStream.calendar_from_ics(ics.decode()).events
    assert sorted(e.summary for e in events) == sorted(found.values())
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    vobject.readOne(ics.decode())


def test_prefix_is_off_by_default_and_lang_alone_changes_nothing(client, world):
    plain = get(client, world["url"]).data
    assert b"[D" not in plain and b"\x1f" not in plain
    same = get(client, world["url"] + "?lang=en")
    assert same.data == plain and same.headers["ETag"] == get(client, world["url"]).headers["ETag"]
    assert get(client, world["url"] + "?prefix=0").data == plain


def test_prefix_is_part_of_the_etag_and_costs_no_serialisation(app, client, world, monkeypatch):
    """A new option is a variant of the feed (its own ETag), assembled from the stored bytes."""
    plain = get(client, world["url"])
    built = []
    assemble = cache.assemble
    monkeypatch.setattr(cache, "assemble", lambda *a, **k: built.append(assemble(*a, **k)[1]) or assemble(*a, **k))
    english = get(client, world["url"] + "?prefix=1&lang=en")
    vietnamese = get(client, world["url"] + "?prefix=1")
    expanded = get(client, world["url"] + "?expand=1&prefix=1")
    assert len({plain.headers["ETag"], english.headers["ETag"], vietnamese.headers["ETag"],
                expanded.headers["ETag"]}) == 4
    assert built and set(built) == {0}  # nothing serialised: every variant came from the stored templates
    assert client.get(world["url"] + "?prefix=1", headers={"If-None-Match": vietnamese.headers["ETag"]}
                      ).status_code == 304


def test_prefix_template_fills_to_the_builders_bytes_without_it():
    """A marked SUMMARY fills back to exactly what event_to_ical writes (folding included)."""
    event = _builder_event(status="tentative", title="Hội thảo " * 20,
                           overrides=[{"recurrence_id": datetime(2026, 11, 12, 8, tzinfo=HCM), "status": "cancelled",
                                       "title": None, "location": None, "description": None, "sequence": 0,
                                       "updated_at": None}])
    base = "https://lich.example.vn"
    template = ical_builder.event_template({**event, "page_url": ical_builder.BASE_MARK + "/events/1"})
    assert b"\x1ftentative\x1f" in template and b"\x1fcancelled\x1f" in template
    expected = ical_builder.event_to_ical({**event, "page_url": base + "/events/1"}, None)
    assert ical_builder.fill(template, base, None) == expected
    labelled = ical_builder.fill(template, base, None, "en")
    assert labelled.replace(b"\r\n ", b"").count("SUMMARY:[Tentative] Hội thảo".encode()) == 1
    assert labelled.replace(b"\r\n ", b"").count("SUMMARY:[Cancelled] Hội thảo".encode()) == 1
    assert max(len(line) for line in labelled.split(b"\r\n")) <= 75


def test_prefix_and_lang_bad_values_are_a_400(client, world):
    for query, field in (("?prefix=yes", "prefix"), ("?prefix=1&lang=fr", "lang"), ("?expand=true", "expand")):
        response = client.get(world["url"] + query)
        assert response.status_code == 400
        assert field in response.get_json()["errors"]
    assert client.get(world["url"] + "?lang=fr").status_code == 200  # lang= is the feed's only with prefix=1


# --- ?expand=1 ---------------------------------------------------------------------------------


def test_expand_writes_each_occurrence_as_its_own_event(client, world):
    """Defect: clients that ignore RECURRENCE-ID import each moved occurrence as another appointment."""
    ics = get(client, world["url"] + "?expand=1").data
    text = ics.replace(b"\r\n ", b"")
    for name in (b"RRULE", b"EXDATE", b"RECURRENCE-ID"):
        assert b"\r\n" + name not in text
    calendar = icalendar.Calendar.from_ical(ics)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    uid = world["series"]["uid"]
    series = {key: e for key, e in events.items() if key.startswith(uid)}
    assert sorted(series) == [f"{uid}_R202611{day}T080000" for day in ("05", "12", "19", "26")] + [
        f"{uid}_R202612{day}T080000" for day in ("03", "10")]
    starts = {key: e.decoded("DTSTART") for key, e in series.items()}
    assert starts[f"{uid}_R20261105T080000"] == datetime(2026, 11, 5, 8, tzinfo=HCM)
    assert starts[f"{uid}_R20261126T080000"] == datetime(2026, 11, 27, 14, tzinfo=HCM)  # moved
    assert series[f"{uid}_R20261126T080000"].decoded("DTEND") == datetime(2026, 11, 27, 16, tzinfo=HCM)
    assert series[f"{uid}_R20261203T080000"].decoded("DTEND") == datetime(2026, 12, 3, 10, tzinfo=HCM)
    assert str(series[f"{uid}_R20261112T080000"]["STATUS"]) == "CANCELLED"
    assert str(series[f"{uid}_R20261119T080000"]["SUMMARY"]) == "Có thể dời"
    assert str(series[f"{uid}_R20261203T080000"]["SUMMARY"]) == SERIES_TITLE
    # The all-day yearly series within the 365 days ahead (to 1 November 2027): one occurrence, as dates.
    all_day = sorted(k for k in events if k.startswith(world["all_day"]["uid"]))
    assert all_day == [f"{world['all_day']['uid']}_R20261220"]
    assert events[all_day[0]].decoded("DTEND") == date(2026, 12, 22)
    # Single events keep their UID; an independent expander sees the same occurrences as in the normal feed.
    assert world["plain"]["uid"] in events
    normal = get(client, world["url"]).data
    window = (datetime(2026, 1, 1, tzinfo=HCM), datetime(2027, 11, 1, tzinfo=HCM))
    expected = sorted((str(e["SUMMARY"]), e.decoded("DTSTART").isoformat()) for e in
                      recurring_ical_events.of(icalendar.Calendar.from_ical(normal)).between(*window))
    found = sorted((str(e["SUMMARY"]), e.decoded("DTSTART").isoformat()) for e in
                   recurring_ical_events.of(calendar).between(*window))
    assert found == expected
    assert sorted(e.uid for e in IcsCalendarStream.calendar_from_ics(ics.decode()).events) == sorted(events)


def test_expand_uids_are_stable_and_hiding_drops_occurrences(client, world, clock):
    first = summaries(get(client, world["url"] + "?expand=1").data)
    clock.set(TODAY + timedelta(days=1))
    assert set(summaries(get(client, world["url"] + "?expand=1").data)) == set(first)
    hidden = summaries(get(client, world["url"] + "?expand=1&cancelled=hide").data)
    assert (f"{world['series']['uid']}_R20261112T080000", None) not in hidden
    assert (f"{world['series']['uid']}_R20261119T080000", None) in hidden
    assert (world["cancelled"]["uid"], None) not in hidden
    both = summaries(get(client, world["url"] + "?expand=1&prefix=1&lang=en&alarm=PT30M").data)
    assert both[(f"{world['series']['uid']}_R20261119T080000", None)] == "[Tentative] Có thể dời"


def test_expand_is_bounded_like_the_occurrences_api(app, client, make, world):
    """A window longer than OCCURRENCE_WINDOW_MAX_DAYS, or more than OCCURRENCE_MAX_RESULTS occurrences: 400."""
    response = client.get(world["url"] + "?expand=1&since=1990-01-01")
    assert response.status_code == 400 and "since" in response.get_json()["errors"]
    app.config["OCCURRENCE_MAX_RESULTS"] = 5
    response = client.get(world["url"] + "?expand=1")
    assert response.status_code == 400 and "expand" in response.get_json()["errors"]
    app.config["OCCURRENCE_MAX_RESULTS"] = 500
    make.event(title="Trực ban", organizations=[world["url"].rsplit("/", 1)[1][:-4]], rrule="FREQ=DAILY")
    ics = get(client, world["url"] + "?expand=1").data
    days = [e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT") if str(e["SUMMARY"]) == "Trực ban"]
    assert len(days) == (date(2027, 11, 1) - date(2026, 12, 15)).days  # up to FEED_EXPAND_DAYS after today
    app.config["FEED_EXPAND_DAYS"] = 30
    assert not any(str(e["SUMMARY"]) == "Trực ban"
                   for e in icalendar.Calendar.from_ical(get(client, world["url"] + "?expand=1").data).walk("VEVENT"))


def test_expand_on_the_event_file(client, world):
    ics = get(client, f"/events/{world['series']['id']}.ics?expand=1").data
    assert len(icalendar.Calendar.from_ical(ics).walk("VEVENT")) == 6


def _builder_event(**fields) -> dict:
    moment = datetime(2026, 10, 1, tzinfo=HCM)
    return {"id": 1, "uid": "u-1@calendar-app", "title": "T", "kind": "other", "description": None, "location": None,
            "url": None, "status": "confirmed", "visibility": "public", "sequence": 0, "all_day": False,
            "starts_at": datetime(2026, 11, 5, 8, tzinfo=HCM), "ends_at": datetime(2026, 11, 5, 10, tzinfo=HCM),
            "timezone": "Asia/Ho_Chi_Minh", "start_date": None, "end_date": None, "rrule": "FREQ=WEEKLY;COUNT=3",
            "exdates": [], "created_at": moment, "updated_at": moment, "agreement": None, "parties": [],
            "organizations": [], "overrides": [], **fields}


def test_prefix_labels_a_postponed_event_from_the_same_map(client, make, auth, world):
    """A status added later (postponed) is one line of STATUS_PREFIXES, nothing else."""
    postponed = make.event(title="Giao ban quý", organizations=[world["url"].rsplit("/", 1)[1][:-4]])
    response = client.patch(f"/api/v1/events/{postponed['id']}", json={"status": "postponed"}, headers=auth)
    assert response.status_code == 200, response.get_json()
    assert summaries(get(client, world["url"] + "?prefix=1").data)[(postponed["uid"], None)] == "[Hoãn] Giao ban quý"
    english = summaries(get(client, world["url"] + "?prefix=1&lang=en").data)
    assert english[(postponed["uid"], None)] == "[Postponed] Giao ban quý"
