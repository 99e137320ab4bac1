"""Check the pure feed builder with parsers that did not write the feed (ical, vobject, dateutil)."""

import copy
import io
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
from icalendar import Timezone
import pytest
import recurring_ical_events
import vobject
from dateutil import tz as dateutil_tz
from ical.calendar_stream import IcsCalendarStream

from calendar_app.feeds import ical_builder
from calendar_app.feeds.ical_builder import (
    CALENDAR_FOOTER,
    CalendarMeta,
    build_calendar,
    calendar_header,
    event_to_ical,
    tzids_of,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
HOST = "https://lich.example.vn"
META = CalendarMeta(
    name="Lịch phối hợp — Tạp chí Cộng sản",
    description="Lễ ký kết, hội thảo, giao ban của Tạp chí Cộng sản",
    relcalid="organization-tap-chi-cong-san@calendar-app",
)
AGREEMENT_TITLE = "Chương trình phối hợp công tác giai đoạn 2020 – 2025"
VIETNAMESE = "Đảng ủy Khối Doanh nghiệp Trung ương — Hội thảo “Khơi thông nguồn lực”"
SERIES_RRULE = "FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T070000Z"
# 6-monthly from 2020-03-05 14:00 +07 while start <= 2025-03-05 07:00Z (= 14:00 +07):
# 2020-03, 2020-09, 2021-03, 2021-09, 2022-03, 2022-09, 2023-03, 2023-09, 2024-03, 2024-09, 2025-03.
SERIES_COUNT = 11


# --- factories ---------------------------------------------------------------------------------


def make_event(**changes):
    """Build a row shaped like the repository's, here the 2020 signing ceremony."""
    event = {
        "id": 7,
        "uid": "event-7@calendar-app",
        "title": "Lễ ký kết Chương trình phối hợp công tác",
        "kind": "signing_ceremony",
        "description": "Lễ ký kết chiều 5/3/2020.",
        "location": "Hội trường Tạp chí Cộng sản, Hà Nội",
        "url": None,
        "status": "confirmed",
        "visibility": "public",
        "sequence": 2,
        "all_day": False,
        "starts_at": datetime(2020, 3, 5, 14, 0, tzinfo=HCM),
        "ends_at": datetime(2020, 3, 5, 16, 0, tzinfo=HCM),
        "timezone": "Asia/Ho_Chi_Minh",
        "start_date": None,
        "end_date": None,
        "rrule": None,
        "exdates": [],
        "created_at": datetime(2020, 2, 20, 1, 2, 3, tzinfo=UTC),
        "updated_at": datetime(2020, 2, 21, 4, 5, 6, tzinfo=UTC),
        "agreement": {
            "slug": "ct-2020-2025",
            "title": AGREEMENT_TITLE,
            "kind": "program",
            "url": f"{HOST}/agreements/ct-2020-2025",
        },
        "parties": [
            {"organization_name": "Đảng ủy Khối Doanh nghiệp Trung ương", "role": "signatory",
             "signatory_name": "Y Thanh Hà Nie Kđăm", "signatory_title": "Bí thư"},
            {"organization_name": "Tạp chí Cộng sản", "role": "signatory",
             "signatory_name": "Đoàn Minh Huấn", "signatory_title": "Tổng Biên tập"},
            {"organization_name": "Bộ Chính trị", "role": "witness",
             "signatory_name": "Nguyễn Văn Bình", "signatory_title": None},
        ],
        "organizations": [
            {"slug": "dang-uy-khoi-dn-tu", "name": "Đảng ủy Khối Doanh nghiệp Trung ương"},
            {"slug": "tap-chi-cong-san", "name": "Tạp chí Cộng sản"},
        ],
        "page_url": f"{HOST}/events/7",
        "overrides": [],
    }
    event.update(changes)
    return event


def make_series(**changes):
    """Build the 6-monthly review meeting, 2020-03-05 14:00-16:00 in Ho Chi Minh City."""
    defaults = dict(
        id=8, uid="event-8@calendar-app", title="Hội nghị giao ban 6 tháng", kind="review_meeting",
        description=None, agreement=None, parties=[], organizations=[], page_url=f"{HOST}/events/8",
        rrule=SERIES_RRULE,
    )
    return make_event(**{**defaults, **changes})


def make_all_day(**changes):
    """Build the multi-day volunteer program (inclusive end date, as stored)."""
    defaults = dict(
        id=9, uid="event-9@calendar-app", title="Chương trình tình nguyện “Tết ấm yêu thương”",
        kind="volunteer_program", all_day=True, starts_at=None, ends_at=None,
        start_date=date(2020, 1, 20), end_date=date(2020, 1, 22), page_url=f"{HOST}/events/9",
    )
    return make_event(**{**defaults, **changes})


def make_override(recurrence_id, **changes):
    """Build an override row that changes nothing unless told."""
    override = {
        "recurrence_id": recurrence_id, "status": "confirmed", "starts_at": None, "ends_at": None,
        "start_date": None, "end_date": None, "title": None, "location": None, "description": None,
        "sequence": 3, "updated_at": datetime(2022, 8, 1, tzinfo=UTC),
    }
    override.update(changes)
    return override


MOVED = make_override(datetime(2022, 9, 5, 14, tzinfo=HCM), starts_at=datetime(2022, 9, 6, 9, tzinfo=HCM),
                      location="Phòng họp số 2")
CANCELLED = make_override(datetime(2023, 3, 5, 14, tzinfo=HCM), status="cancelled", sequence=4)


# --- helpers -----------------------------------------------------------------------------------


def feed_of(*events, alarm=None, meta=META):
    """Build a small feed; parsers are slow, so tests pass one to three events."""
    return build_calendar(meta, events, alarm=alarm)


def content_lines(ics: bytes) -> list[str]:
    """Unfold on bytes (RFC 5545 3.1), then decode: the logical lines a client sees."""
    return ics.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8").split("\r\n")[:-1]


def blocks(ics: bytes, name: str) -> list[list[str]]:
    """Split the logical lines into the top-level components called name."""
    found, current = [], None
    for line in content_lines(ics):
        if line == f"BEGIN:{name}" and current is None:
            current = []
        elif line == f"END:{name}" and current is not None:
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def own_lines(vevent: list[str]) -> list[str]:
    """Drop nested VALARM lines so a VEVENT's own properties can be compared."""
    return re.sub(r"BEGIN:VALARM\n.*?END:VALARM\n", "", "\n".join(vevent) + "\n", flags=re.S).splitlines()


def parse_ical(ics: bytes):
    """Parse with the `ical` package (strict, pydantic based)."""
    return IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))


def parse_vobject(ics: bytes):
    """Parse with vobject."""
    return vobject.readOne(ics.decode("utf-8"))


def occurrences(ics: bytes, start=date(2019, 1, 1), stop=date(2030, 1, 1)):
    """Expand with recurring_ical_events over icalendar's parse."""
    return recurring_ical_events.of(icalendar.Calendar.from_ical(ics)).between(start, stop)


def starts(components) -> list[datetime]:
    """Give the DTSTART values of expanded occurrences."""
    return [c["DTSTART"].dt for c in components]


# --- determinism and the cache contract --------------------------------------------------------


def test_same_rows_give_same_bytes():
    """Same data must give the same bytes, or ETags never match and clients duplicate events."""
    rows = [make_event(), make_series(overrides=[MOVED, CANCELLED]), make_all_day()]
    first = feed_of(*rows, alarm=timedelta(hours=1))
    assert feed_of(*copy.deepcopy(rows), alarm=timedelta(hours=1)) == first
    # The VTIMEZONE is generated once per process: generated afresh, it gives the same bytes too.
    fresh = Timezone.from_tzid("Asia/Ho_Chi_Minh", first_date=ical_builder.TZ_FIRST_DATE,
                               last_date=ical_builder.TZ_LAST_DATE)
    del fresh["COMMENT"]  # icalendar's note of its range, where RFC 5545 allows no COMMENT
    assert fresh.to_ical() in first


def test_row_order_of_overrides_and_exdates_does_not_change_bytes():
    """The database may return links in any order; the cached bytes must not care."""
    exdates = [datetime(2021, 3, 5, 14, tzinfo=HCM), datetime(2024, 3, 5, 14, tzinfo=HCM)]
    one = make_series(exdates=exdates, overrides=[MOVED, CANCELLED])
    other = make_series(exdates=exdates[::-1], overrides=[CANCELLED, MOVED])
    assert event_to_ical(one) == event_to_ical(other)


def test_feed_is_exactly_header_events_footer():
    """The cache layer rebuilds feeds from stored parts; both paths must give identical bytes."""
    rows = [make_event(), make_series(timezone="Europe/Berlin", starts_at=datetime(2020, 3, 5, 14, tzinfo=BERLIN),
                                      ends_at=datetime(2020, 3, 5, 16, tzinfo=BERLIN)), make_all_day()]
    tzids = set().union(*map(tzids_of, rows))
    body = b"".join(event_to_ical(r, timedelta(days=1)) for r in rows)
    expected = calendar_header(META, tzids) + body + CALENDAR_FOOTER
    assert feed_of(*rows, alarm=timedelta(days=1)) == expected
    assert tzids == {"Asia/Ho_Chi_Minh", "Europe/Berlin"}


def test_concatenated_feed_is_one_calendar_for_every_parser():
    """Joined parts must parse as one VCALENDAR with every VEVENT, not as fragments."""
    ics = feed_of(make_event(), make_series(overrides=[MOVED, CANCELLED]), make_all_day())
    uids = ["event-7@calendar-app", "event-8@calendar-app", "event-8@calendar-app", "event-8@calendar-app",
            "event-9@calendar-app"]
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(ics).events] == uids
    assert [e.uid for e in parse_ical(ics).events] == uids
    assert [e.uid.value for e in parse_vobject(ics).vevent_list] == uids
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_vtimezone_bytes_are_cached_per_tzid(monkeypatch):
    """VTIMEZONE generation is slow; a second header must reuse the first one's bytes."""
    generated, generate = [], Timezone.from_tzid
    monkeypatch.setattr(Timezone, "from_tzid", lambda tzid, **kwargs: generated.append(tzid) or generate(tzid, **kwargs))
    first = calendar_header(META, ["America/Argentina/Ushuaia"])  # a zone no other test asks for
    assert calendar_header(META, ["America/Argentina/Ushuaia"]) == first
    assert generated == ["America/Argentina/Ushuaia"]


# --- calendar properties -----------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "VERSION:2.0",
    "PRODID:-//calendar_app//Lịch phối hợp//VI",
    "CALSCALE:GREGORIAN",
    "NAME:Lịch phối hợp — Tạp chí Cộng sản",
    "X-WR-CALNAME:Lịch phối hợp — Tạp chí Cộng sản",
    "DESCRIPTION:Lễ ký kết\\, hội thảo\\, giao ban của Tạp chí Cộng sản",
    "X-WR-CALDESC:Lễ ký kết\\, hội thảo\\, giao ban của Tạp chí Cộng sản",
    "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    "X-WR-RELCALID:organization-tap-chi-cong-san@calendar-app",
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
])
def test_header_has_calendar_property(line):
    """Each client reads a different subset of RFC 7986 and X-WR-* properties; write them all."""
    assert content_lines(calendar_header(META, []) + CALENDAR_FOOTER).count(line) == 1


@pytest.mark.parametrize("name", ["UID", "METHOD", "ORGANIZER"])
def test_header_has_no_calendar_uid_and_no_method(name):
    """Defect (issue 11): vdirsyncer took the calendar's UID for every event's and kept one event;
    METHOD:PUBLISH asks for an ORGANIZER on every VEVENT, which libical's restriction check enforces."""
    ics = feed_of(make_event(), make_series(overrides=[MOVED]))
    assert [line for line in content_lines(ics)[:20] if line.split(":")[0].split(";")[0] == name] == []
    assert not any(line.startswith(("METHOD", "ORGANIZER")) for line in content_lines(ics))


def test_vtimezone_has_no_comment_of_its_own():
    """RFC 5545 allows COMMENT in STANDARD/DAYLIGHT only; libical's restriction check refused icalendar's."""
    (block,) = blocks(calendar_header(META, ["Asia/Ho_Chi_Minh"]) + CALENDAR_FOOTER, "VTIMEZONE")
    assert [line for line in block if line.startswith("COMMENT")] == []


def test_an_add_this_event_file_names_no_calendar():
    """Without NAME, refresh interval or TTL, Outlook and Apple offer to add the event, not a calendar."""
    lines = content_lines(build_calendar(None, [make_event()]))
    assert lines[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calendar_app//Lịch phối hợp//VI",
                         "CALSCALE:GREGORIAN"]
    assert lines[4] == "BEGIN:VTIMEZONE"


@pytest.mark.parametrize("refresh, duration", [(timedelta(minutes=30), "PT30M"), (timedelta(days=1), "P1D")])
def test_refresh_interval_follows_meta(refresh, duration):
    """Both refresh hints must carry the configured interval as an RFC 5545 duration."""
    meta = CalendarMeta(name="n", description="d", relcalid="r@calendar-app", refresh=refresh,
                        timezone="Europe/Berlin")
    lines = content_lines(calendar_header(meta, []) + CALENDAR_FOOTER)
    assert f"REFRESH-INTERVAL;VALUE=DURATION:{duration}" in lines
    assert f"X-PUBLISHED-TTL:{duration}" in lines
    assert "X-WR-TIMEZONE:Europe/Berlin" in lines


def test_calendar_properties_read_by_independent_parsers():
    """Check the header as ical and vobject understand it, not as icalendar wrote it."""
    ics = feed_of(make_event())
    cal = parse_ical(ics)
    assert (cal.name, cal.description) == ([META.name], [META.description])
    assert (cal.method, cal.calscale) == (None, "GREGORIAN")
    assert (cal.refresh_interval, cal.x_wr_timezone) == (timedelta(hours=1), "Asia/Ho_Chi_Minh")
    vcal = parse_vobject(ics)
    assert vcal.x_wr_calname.value == META.name
    assert vcal.x_wr_relcalid.value == META.relcalid
    assert vcal.refresh_interval.params == {"VALUE": ["DURATION"]}


def test_header_sorts_and_dedupes_tzids():
    """One VTIMEZONE per zone, in a stable order."""
    header = calendar_header(META, ["Europe/Berlin", "Asia/Ho_Chi_Minh", "Europe/Berlin"])
    tzid_lines = [line for line in content_lines(header) if line.startswith("TZID:")]
    assert tzid_lines == ["TZID:Asia/Ho_Chi_Minh", "TZID:Europe/Berlin"]


# --- time zones --------------------------------------------------------------------------------


def vtimezone_tzinfo(tzid: str):
    """Read the written VTIMEZONE with dateutil's tzical, ignoring any zone database lookup."""
    (block,) = blocks(calendar_header(META, [tzid]) + CALENDAR_FOOTER, "VTIMEZONE")
    text = "BEGIN:VTIMEZONE\r\n" + "\r\n".join(block) + "\r\nEND:VTIMEZONE\r\n"
    return dateutil_tz.tzical(io.StringIO(text)).get()


@pytest.mark.parametrize("tzid, local, hours", [
    ("Asia/Ho_Chi_Minh", datetime(1974, 1, 15, 12), 8),
    ("Asia/Ho_Chi_Minh", datetime(2020, 3, 5, 14), 7),
    ("Asia/Ho_Chi_Minh", datetime(2099, 7, 1, 12), 7),
    ("Europe/Berlin", datetime(2020, 1, 15, 12), 1),
    ("Europe/Berlin", datetime(2020, 7, 15, 12), 2),
    ("Europe/Berlin", datetime(2099, 7, 15, 12), 2),   # past 2038: icalendar's default range ends there
    ("Europe/Berlin", datetime(2099, 12, 15, 12), 1),
])
def test_vtimezone_gives_tzdata_offsets(tzid, local, hours):
    """A client without a zone database must get the right offset for any occurrence until 2100."""
    assert vtimezone_tzinfo(tzid).utcoffset(local) == timedelta(hours=hours)


def test_vtimezone_shapes():
    """Berlin needs STANDARD and DAYLIGHT; Ho Chi Minh ends in a +07 STANDARD block from 1975."""
    hcm, berlin = blocks(calendar_header(META, ["Europe/Berlin", "Asia/Ho_Chi_Minh"]) + CALENDAR_FOOTER, "VTIMEZONE")
    assert "BEGIN:DAYLIGHT" not in hcm and hcm[-5:] == [
        "DTSTART:19750613T000000", "TZNAME:+07", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0700", "END:STANDARD"]
    assert "BEGIN:DAYLIGHT" in berlin and "BEGIN:STANDARD" in berlin


@pytest.mark.xfail(strict=True, reason="vobject 0.9.9 gettzinfo() keeps only the first value of a multi-value "
                                       "RDATE, so it misreads icalendar's DST blocks (dateutil reads them right)")
def test_vobject_reads_berlin_summer_offset():
    """Document a vobject limitation so a fix upstream shows up as XPASS."""
    summer = datetime(2026, 7, 1, 9, tzinfo=BERLIN)
    ics = feed_of(make_event(timezone="Europe/Berlin", starts_at=summer, ends_at=None))
    assert parse_vobject(ics).vevent.dtstart.value.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("row, expected", [
    (make_event(), {"Asia/Ho_Chi_Minh"}),
    (make_event(timezone="Europe/Berlin"), {"Europe/Berlin"}),
    (make_event(timezone="UTC"), set()),
    (make_all_day(), set()),
    (make_all_day(timezone="Europe/Berlin"), set()),
])
def test_tzids_of(row, expected):
    """All-day and UTC events are written without TZID and need no VTIMEZONE."""
    assert tzids_of(row) == expected


def test_every_tzid_used_has_a_vtimezone():
    """A TZID without its VTIMEZONE makes the feed invalid for strict clients."""
    ics = feed_of(make_series(exdates=[date(2021, 3, 5)], overrides=[MOVED]), make_all_day(),
                  make_event(timezone="Europe/Berlin", uid="b@x"), make_event(timezone="UTC", uid="u@x"))
    used = set(re.findall(r";TZID=([^:;]+)", "\n".join(sum(blocks(ics, "VEVENT"), []))))
    defined = {line[5:] for block in blocks(ics, "VTIMEZONE") for line in block if line.startswith("TZID:")}
    assert used == defined == {"Asia/Ho_Chi_Minh", "Europe/Berlin"}
    assert icalendar.Calendar.from_ical(ics).get_missing_tzids() == set()
    assert "DTSTART:20200305T070000Z" in content_lines(ics)  # the UTC event


PLUS_7 = timezone(timedelta(hours=7))  # what marshmallow's AwareDateTime gives for "+07:00"


@pytest.mark.parametrize("starts_at, ends_at", [
    (datetime(2020, 3, 5, 14, tzinfo=PLUS_7), datetime(2020, 3, 5, 16, tzinfo=PLUS_7)),
    (datetime(2020, 3, 5, 7, tzinfo=UTC), datetime(2020, 3, 5, 9, tzinfo=UTC)),
    (datetime(2020, 3, 5, 8, tzinfo=BERLIN), datetime(2020, 3, 5, 10, tzinfo=BERLIN)),
])
def test_foreign_zones_are_converted_to_the_event_zone(starts_at, ends_at):
    """Fixed offsets would be written as TZID="UTC+07:00", which no VTIMEZONE can back."""
    lines = content_lines(event_to_ical(make_event(starts_at=starts_at, ends_at=ends_at)))
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20200305T140000" in lines
    assert "DTEND;TZID=Asia/Ho_Chi_Minh:20200305T160000" in lines


@pytest.mark.parametrize("row", [
    make_event(starts_at=datetime(2020, 3, 5, 14)),
    make_event(ends_at=datetime(2020, 3, 5, 16)),
    make_event(updated_at=datetime(2020, 3, 5)),
    make_series(exdates=[datetime(2021, 3, 5, 14)]),
    make_series(overrides=[make_override(datetime(2022, 9, 5, 14))]),
])
def test_naive_datetimes_are_refused(row):
    """A naive datetime would become a floating time, shown at a different instant per client."""
    with pytest.raises(ValueError, match="floating"):
        event_to_ical(row)


# --- event properties --------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "UID:event-7@calendar-app",
    "DTSTAMP:20200221T040506Z",
    "CREATED:20200220T010203Z",
    "LAST-MODIFIED:20200221T040506Z",
    "SEQUENCE:2",
    "SUMMARY:Lễ ký kết Chương trình phối hợp công tác",
    "LOCATION:Hội trường Tạp chí Cộng sản\\, Hà Nội",
    "URL:https://lich.example.vn/events/7",
    "CATEGORIES:Lễ ký kết",
    "STATUS:CONFIRMED",
    "TRANSP:TRANSPARENT",
    "CLASS:PUBLIC",
    "DTSTART;TZID=Asia/Ho_Chi_Minh:20200305T140000",
    "DTEND;TZID=Asia/Ho_Chi_Minh:20200305T160000",
])
def test_event_has_property(line):
    """Every VEVENT carries the properties clients use to dedupe, update and display it."""
    (vevent,) = blocks(event_to_ical(make_event()), "VEVENT")
    assert vevent.count(line) == 1


def test_dtstamp_is_utc_even_when_updated_at_is_not():
    """DTSTAMP must be UTC (RFC 5545 3.8.7.2)."""
    row = make_event(updated_at=datetime(2020, 2, 21, 11, 5, 6, tzinfo=HCM))
    assert "DTSTAMP:20200221T040506Z" in content_lines(event_to_ical(row))


@pytest.mark.parametrize("kind, label", [
    ("signing_ceremony", "Lễ ký kết"),
    ("joint_workshop", "Hội thảo"),
    ("volunteer_program", "Chương trình tình nguyện"),
    ("review_meeting", "Hội nghị giao ban"),
    ("other", "Khác"),
    ("something_new", "Khác"),
])
def test_category_is_vietnamese_kind_label(kind, label):
    """Clients colour and filter by CATEGORIES; staff read Vietnamese."""
    assert parse_ical(feed_of(make_event(kind=kind))).events[0].categories == [label]


@pytest.mark.parametrize("status, visibility, expected", [
    ("confirmed", "public", ["CLASS:PUBLIC", "STATUS:CONFIRMED"]),
    ("tentative", "internal", ["CLASS:PRIVATE", "STATUS:TENTATIVE"]),
    ("cancelled", "public", ["CLASS:PUBLIC", "STATUS:CANCELLED"]),
])
def test_status_and_class(status, visibility, expected):
    """Map the stored enums onto RFC 5545 values."""
    lines = content_lines(event_to_ical(make_event(status=status, visibility=visibility)))
    assert [line for line in lines if line.startswith(("STATUS:", "CLASS:"))] == expected


@pytest.mark.parametrize("row, message", [
    (make_event(status="deferred"), "unknown status 'deferred'"),
    (make_event(visibility="secret"), "unknown visibility 'secret'"),
])
def test_unknown_enum_values_are_named(row, message):
    """A bad row must say which field is wrong rather than raise a bare KeyError."""
    with pytest.raises(ValueError, match=message):
        event_to_ical(row)


@pytest.mark.parametrize("url, expected", [
    (None, "URL:https://lich.example.vn/events/7"),
    ("https://tapchicongsan.org.vn/su-kien?id=1&x=2", "URL:https://tapchicongsan.org.vn/su-kien?id=1&x=2"),
    ('https://x.vn/a b"\x0b\r\nX-INJ:1', "URL:https://x.vn/a%20b%22%0B%0D%0AX-INJ:1"),
    ("https://x.vn/lễ-ký", "URL:https://x.vn/l%E1%BB%85-k%C3%BD"),
])
def test_url_prefers_event_url_and_is_a_valid_uri(url, expected):
    """icalendar writes URL values raw (and refuses CR/LF): encode what a URI may not hold."""
    ics = feed_of(make_event(url=url))
    assert expected in content_lines(ics)
    assert len(parse_ical(ics).events) == 1


DESCRIPTION = """Lễ ký kết chiều 5/3/2020.

Văn bản: Chương trình phối hợp công tác giai đoạn 2020 – 2025 (Chương trình phối hợp)
Các bên:
- Đảng ủy Khối Doanh nghiệp Trung ương (bên ký kết): Bí thư Y Thanh Hà Nie Kđăm
- Tạp chí Cộng sản (bên ký kết): Tổng Biên tập Đoàn Minh Huấn
- Bộ Chính trị (chứng kiến): Nguyễn Văn Bình
Đơn vị tham gia: Đảng ủy Khối Doanh nghiệp Trung ương, Tạp chí Cộng sản
Chi tiết: https://lich.example.vn/events/7
Toàn văn: https://lich.example.vn/agreements/ct-2020-2025"""


def test_description_carries_agreement_parties_and_links():
    """Clients show only DESCRIPTION, so the agreement context has to live there."""
    ics = feed_of(make_event())
    assert parse_ical(ics).events[0].description == DESCRIPTION
    assert parse_vobject(ics).vevent.description.value == DESCRIPTION


BARE = dict(agreement=None, parties=[], organizations=[])
PARTY = {"organization_name": "Sở Tư pháp", "role": "party", "signatory_name": None, "signatory_title": None}


@pytest.mark.parametrize("changes, expected", [
    (dict(BARE, description=None), "Chi tiết: https://lich.example.vn/events/7"),
    (dict(BARE, description=""), "Chi tiết: https://lich.example.vn/events/7"),
    (dict(BARE, description="Mô tả", parties=[PARTY],
          agreement={"slug": "q", "title": "Quy chế", "kind": "regulation", "url": None}),
     "Mô tả\n\nVăn bản: Quy chế (Quy chế phối hợp)\nCác bên:\n- Sở Tư pháp (bên tham gia)\n"
     "Chi tiết: https://lich.example.vn/events/7"),
])
def test_description_skips_what_is_missing(changes, expected):
    """No empty headings or dangling separators when a row has no agreement or parties."""
    assert parse_ical(feed_of(make_event(**changes))).events[0].description == expected


# --- all-day events ----------------------------------------------------------------------------


@pytest.mark.parametrize("start_date, end_date, dtstart, dtend", [
    (date(2020, 1, 20), date(2020, 1, 22), "DTSTART;VALUE=DATE:20200120", "DTEND;VALUE=DATE:20200123"),
    (date(2020, 1, 20), date(2020, 1, 20), "DTSTART;VALUE=DATE:20200120", "DTEND;VALUE=DATE:20200121"),
    (date(2020, 1, 20), None, "DTSTART;VALUE=DATE:20200120", "DTEND;VALUE=DATE:20200121"),
    (date(2020, 12, 31), date(2020, 12, 31), "DTSTART;VALUE=DATE:20201231", "DTEND;VALUE=DATE:20210101"),
])
def test_all_day_end_is_exclusive(start_date, end_date, dtstart, dtend):
    """The stored end date is the last day; DTEND is the day after it."""
    lines = content_lines(event_to_ical(make_all_day(start_date=start_date, end_date=end_date)))
    assert [line for line in lines if line.startswith("DT") and not line.startswith("DTSTAMP")] == [dtstart, dtend]


def test_all_day_feed_has_no_tzid_and_spans_three_days():
    """All-day events float by design: no TZID, no VTIMEZONE, and parsers see three days."""
    ics = feed_of(make_all_day())
    assert b"TZID" not in ics and b"VTIMEZONE" not in ics
    event = parse_ical(ics).events[0]
    assert (event.start, event.end) == (date(2020, 1, 20), date(2020, 1, 23))


# --- recurrence --------------------------------------------------------------------------------


@pytest.mark.parametrize("rrule, written, count", [
    (SERIES_RRULE, "RRULE:FREQ=MONTHLY;UNTIL=20250305T070000Z;INTERVAL=6", SERIES_COUNT),
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T065959Z", "RRULE:FREQ=MONTHLY;UNTIL=20250305T065959Z;INTERVAL=6", 10),
    # A DATE UNTIL with a DATE-TIME DTSTART is invalid; keep the whole local day.
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305", "RRULE:FREQ=MONTHLY;UNTIL=20250305T165959Z;INTERVAL=6", 11),
    # A floating UNTIL is read in the event's zone and written in UTC.
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T140000", "RRULE:FREQ=MONTHLY;UNTIL=20250305T070000Z;INTERVAL=6", 11),
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T135959", "RRULE:FREQ=MONTHLY;UNTIL=20250305T065959Z;INTERVAL=6", 10),
    ("FREQ=MONTHLY;INTERVAL=6;COUNT=3", "RRULE:FREQ=MONTHLY;COUNT=3;INTERVAL=6", 3),
])
def test_rrule_until_is_utc_and_expands_as_rfc_says(rrule, written, count):
    """UNTIL must be UTC when DTSTART has a TZID, or clients disagree on the last occurrence."""
    ics = feed_of(make_series(rrule=rrule))
    assert written in content_lines(ics)
    assert len(occurrences(ics)) == count


def test_series_occurrences_by_hand():
    """Six-monthly from 2020-03-05 14:00 +07 up to and including 2025-03-05."""
    ics = feed_of(make_series())
    expected = [datetime(y, m, 5, 14, tzinfo=HCM) for y in range(2020, 2026) for m in (3, 9)][:SERIES_COUNT]
    assert starts(occurrences(ics)) == expected
    assert [e.start for e in parse_ical(ics).timeline] == expected


@pytest.mark.parametrize("exdate", [
    datetime(2021, 3, 5, 14, tzinfo=HCM),
    datetime(2021, 3, 5, 7, tzinfo=UTC),
    datetime(2021, 3, 5, 14, tzinfo=PLUS_7),
    date(2021, 3, 5),
])
def test_exdate_has_dtstart_tzid_and_removes_one(exdate):
    """EXDATE must match DTSTART's type and zone, or clients keep the excluded occurrence."""
    ics = feed_of(make_series(exdates=[exdate]))
    assert "EXDATE;TZID=Asia/Ho_Chi_Minh:20210305T140000" in content_lines(ics)
    found = starts(occurrences(ics))
    assert len(found) == SERIES_COUNT - 1 and datetime(2021, 3, 5, 14, tzinfo=HCM) not in found
    assert len(list(parse_ical(ics).timeline)) == SERIES_COUNT - 1


def test_overrides_move_and_cancel_single_occurrences():
    """A moved meeting replaces its occurrence; a cancelled one stays visible as CANCELLED."""
    ics = feed_of(make_series(overrides=[MOVED, CANCELLED]))
    found = {c["DTSTART"].dt: str(c["STATUS"]) for c in occurrences(ics)}
    assert len(found) == SERIES_COUNT
    assert datetime(2022, 9, 5, 14, tzinfo=HCM) not in found
    assert found[datetime(2022, 9, 6, 9, tzinfo=HCM)] == "CONFIRMED"
    assert found[datetime(2023, 3, 5, 14, tzinfo=HCM)] == "CANCELLED"
    timeline = {e.start: e.status.value for e in parse_ical(ics).timeline}
    assert timeline == found


def test_override_vevent_lines():
    """An override repeats the UID, names the original start, and falls back to the series."""
    ics = event_to_ical(make_series(overrides=[MOVED, CANCELLED]))
    master, moved, cancelled = map(own_lines, blocks(ics, "VEVENT"))
    assert [line for line in moved if not line.startswith(("DESCRIPTION", "CREATED", "URL", "CATEGORIES"))] == [
        "SUMMARY:Hội nghị giao ban 6 tháng",
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20220906T090000",
        "DTEND;TZID=Asia/Ho_Chi_Minh:20220906T110000",  # keeps the series' two hours
        "DTSTAMP:20220801T000000Z",
        "UID:event-8@calendar-app",
        "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20220905T140000",
        "SEQUENCE:4",  # the series' one SEQUENCE: the highest of its VEVENTs (CANCELLED's 4)
        "CLASS:PUBLIC",
        "LAST-MODIFIED:20220801T000000Z",
        "LOCATION:Phòng họp số 2",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
    ]
    assert {"STATUS:CANCELLED", "SEQUENCE:4", "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20230305T140000",
            "DTSTART;TZID=Asia/Ho_Chi_Minh:20230305T140000", "DTEND;TZID=Asia/Ho_Chi_Minh:20230305T160000",
            "LOCATION:Hội trường Tạp chí Cộng sản\\, Hà Nội"} <= set(cancelled)
    assert not any(line.startswith(("RRULE", "EXDATE")) for line in moved + cancelled)
    assert not any(line.startswith("RECURRENCE-ID") for line in master)


def master_lines(event) -> dict[str, str]:
    """The master VEVENT's revision lines: what a client keying on the first component compares."""
    master = own_lines(blocks(event_to_ical(event), "VEVENT")[0])
    return {line.split(":")[0]: line for line in master if line.startswith(("DTSTAMP", "LAST-MODIFIED", "SEQUENCE"))}


@pytest.mark.parametrize("change", [
    {"overrides": [MOVED]},
    {"overrides": [{**MOVED, "starts_at": datetime(2022, 9, 6, 10, tzinfo=HCM), "sequence": 5,
                    "updated_at": datetime(2022, 8, 2, tzinfo=UTC)}]},
    {"overrides": [MOVED, CANCELLED]},
])
def test_a_changed_override_changes_the_master_vevent(change):
    """Defect (issue 11): Evolution keys a UID's revision on the first VEVENT (DTSTAMP, LAST-MODIFIED,
    SEQUENCE); the master stayed the same when an occurrence was moved or cancelled, so it kept the old ones."""
    before = make_series(overrides=[])
    after = make_series(**change)
    assert all(master_lines(after)[name] != line for name, line in master_lines(before).items())
    assert master_lines(make_series(overrides=[MOVED])) != master_lines(make_series(overrides=[MOVED, CANCELLED]))


def test_every_vevent_of_a_series_carries_the_series_sequence():
    """A client keeps the highest SEQUENCE per instance: none of the series' VEVENTs may show a lower one."""
    ics = event_to_ical(make_series(sequence=2, overrides=[MOVED, CANCELLED]))
    assert {line for line in content_lines(ics) if line.startswith("SEQUENCE")} == {"SEQUENCE:4"}
    assert master_lines(make_series(sequence=2, overrides=[MOVED, CANCELLED]))["DTSTAMP"] == "DTSTAMP:20220801T000000Z"


def test_a_hidden_override_still_counts_for_the_series_revision():
    """cancelled=hide turns a cancelled occurrence into an EXDATE; the master must still show it changed."""
    hidden = frozenset({"cancelled"})
    newer = {**CANCELLED, "updated_at": datetime(2022, 8, 9, tzinfo=UTC), "sequence": 6}
    lines = master_lines(ical_builder.without_statuses(make_series(overrides=[MOVED, newer]), hidden))
    assert lines == {"DTSTAMP": "DTSTAMP:20220809T000000Z", "LAST-MODIFIED": "LAST-MODIFIED:20220809T000000Z",
                     "SEQUENCE": "SEQUENCE:6"}


def test_a_plain_event_keeps_its_own_revision():
    """Unchanged events stay byte-identical: only a series' overrides move its master."""
    assert master_lines(make_event()) == {"DTSTAMP": "DTSTAMP:20200221T040506Z",
                                          "LAST-MODIFIED": "LAST-MODIFIED:20200221T040506Z", "SEQUENCE": "SEQUENCE:2"}


@pytest.mark.parametrize("override, dtstart, dtend", [
    (make_override(datetime(2022, 9, 5, 14, tzinfo=HCM), ends_at=datetime(2022, 9, 5, 17, tzinfo=HCM)),
     "20220905T140000", "20220905T170000"),
    (make_override(datetime(2022, 9, 5, 7, tzinfo=UTC), starts_at=datetime(2022, 9, 6, 2, tzinfo=UTC),
                   ends_at=datetime(2022, 9, 6, 3, tzinfo=UTC)),
     "20220906T090000", "20220906T100000"),
    (make_override(date(2022, 9, 5)), "20220905T140000", "20220905T160000"),
])
def test_override_times(override, dtstart, dtend):
    """Given times win, missing ones fall back to the original slot; all in the event's zone."""
    (_, vevent) = map(own_lines, blocks(event_to_ical(make_series(overrides=[override])), "VEVENT"))
    assert f"DTSTART;TZID=Asia/Ho_Chi_Minh:{dtstart}" in vevent
    assert f"DTEND;TZID=Asia/Ho_Chi_Minh:{dtend}" in vevent
    assert "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20220905T140000" in vevent


def test_override_texts_fall_back_to_the_series():
    """None means unchanged; an override's own title and description replace the series'."""
    override = make_override(datetime(2022, 9, 5, 14, tzinfo=HCM), title="Giao ban (dời lịch)",
                             description="Dời sang chiều")
    events = parse_ical(feed_of(make_series(location="Hà Nội", overrides=[override]))).events
    assert [(e.summary, e.location) for e in events] == [
        ("Hội nghị giao ban 6 tháng", "Hà Nội"), ("Giao ban (dời lịch)", "Hà Nội")]
    assert events[1].description == "Dời sang chiều\n\nChi tiết: https://lich.example.vn/events/8"


def test_all_day_series_uses_dates_everywhere():
    """UNTIL, EXDATE and RECURRENCE-ID must be DATEs when DTSTART is a DATE."""
    override = make_override(date(2021, 1, 20), start_date=date(2021, 1, 25), end_date=date(2021, 1, 26))
    row = make_all_day(rrule="FREQ=YEARLY;UNTIL=20240120T070000Z", exdates=[date(2022, 1, 20)], overrides=[override])
    ics = feed_of(row)
    lines = content_lines(ics)
    for line in ["RRULE:FREQ=YEARLY;UNTIL=20240120", "EXDATE;VALUE=DATE:20220120",
                 "RECURRENCE-ID;VALUE=DATE:20210120", "DTSTART;VALUE=DATE:20210125", "DTEND;VALUE=DATE:20210127"]:
        assert line in lines
    # 2020, 2021 (moved to the 25th), 2022 excluded, 2023, 2024 (UNTIL is that day)
    assert starts(occurrences(ics)) == [date(2020, 1, 20), date(2021, 1, 25), date(2023, 1, 20), date(2024, 1, 20)]
    assert [e.end for e in parse_ical(ics).timeline][:2] == [date(2020, 1, 23), date(2021, 1, 27)]


def test_override_of_all_day_series_keeps_its_length():
    """Moving only the first day of a three-day program keeps it three days long."""
    override = make_override(date(2021, 1, 20), start_date=date(2021, 1, 27))
    row = make_all_day(rrule="FREQ=YEARLY;COUNT=2", overrides=[override])
    (_, vevent) = blocks(event_to_ical(row), "VEVENT")
    assert ["DTSTART;VALUE=DATE:20210127", "DTEND;VALUE=DATE:20210130"] == [
        line for line in vevent if line.startswith(("DTSTART", "DTEND"))]


def test_exdates_and_overrides_need_a_rule():
    """RECURRENCE-ID and EXDATE on a single event confuse clients; a lone event stays alone."""
    start = datetime(2020, 3, 5, 14, tzinfo=HCM)
    row = make_event(exdates=[start], overrides=[make_override(start)])
    ics = event_to_ical(row)
    assert ics.count(b"BEGIN:VEVENT") == 1 and b"EXDATE" not in ics and b"RECURRENCE-ID" not in ics


# --- alarms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("alarm, trigger", [
    (timedelta(days=1), "TRIGGER:-P1D"),
    (timedelta(minutes=30), "TRIGGER:-PT30M"),
    (timedelta(hours=1, minutes=30), "TRIGGER:-PT1H30M"),
])
def test_alarm_triggers_before_start(alarm, trigger):
    """A reminder fires the given time before each occurrence."""
    (vevent,) = blocks(event_to_ical(make_event(), alarm), "VEVENT")
    assert vevent[-5:] == [
        "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Lễ ký kết Chương trình phối hợp công tác", trigger, "END:VALARM"]


def test_alarms_per_vevent_and_none_for_cancelled():
    """Every live VEVENT gets a reminder with its own title; cancelled ones must not ring."""
    moved = make_override(datetime(2022, 9, 5, 14, tzinfo=HCM), title="Giao ban dời lịch")
    ics = feed_of(make_series(overrides=[moved, CANCELLED]), make_event(status="cancelled", uid="c@x"),
                  alarm=timedelta(days=1))
    alarms = [[(a.action, a.trigger, a.description) for a in e.alarm] for e in parse_ical(ics).events]
    assert alarms == [
        [("DISPLAY", timedelta(days=-1), "Hội nghị giao ban 6 tháng")],
        [("DISPLAY", timedelta(days=-1), "Giao ban dời lịch")],
        [],
        [],
    ]


def test_no_alarm_by_default_and_negative_alarm_refused():
    """Subscribers decide about reminders unless the feed asks for one; after-start is a mistake."""
    assert b"VALARM" not in event_to_ical(make_event())
    with pytest.raises(ValueError, match="non-negative"):
        event_to_ical(make_event(), timedelta(hours=-1))


# --- escaping and injection --------------------------------------------------------------------

INJECTIONS = [
    ("Họp\r\nATTENDEE:mailto:evil@x\rX-INJ:1", "Họp\nATTENDEE:mailto:evil@x\nX-INJ:1"),  # TEXT has no CR
    ("a;b,c:d\\e", "a;b,c:d\\e"),
    ("END:VEVENT\nBEGIN:VEVENT", "END:VEVENT\nBEGIN:VEVENT"),
    ('Hội trường "A";TZID=x:b', 'Hội trường "A";TZID=x:b'),
    ("Tab\tok\x00\x0b\x1b\x7f end", "Tab\tok end"),  # RFC 5545 CONTROLs dropped, or `ical` rejects the feed
]


def assert_single_clean_vevent(ics: bytes):
    """Exactly one VEVENT and nothing an attacker could have added, in all three parsers."""
    cal = icalendar.Calendar.from_ical(ics)
    assert len(cal.events) == 1
    assert not any(key in ("ATTENDEE", "X-INJ") for c in cal.walk() for key in c)
    assert len(parse_ical(ics).events) == 1 and parse_ical(ics).events[0].attendees == []
    vevents = parse_vobject(ics).vevent_list
    assert len(vevents) == 1 and not {"attendee", "x-inj"} & set(vevents[0].contents)


@pytest.mark.parametrize("text, expected", INJECTIONS)
@pytest.mark.parametrize("field", ["title", "location"])
def test_user_text_cannot_add_properties(field, text, expected):
    """Titles and places come from a web form; they must stay one escaped value."""
    ics = feed_of(make_event(**{field: text}))
    assert_single_clean_vevent(ics)
    parsed = {"title": "summary", "location": "location"}[field]
    assert getattr(parse_ical(ics).events[0], parsed) == expected
    assert getattr(parse_vobject(ics).vevent, parsed).value == expected


@pytest.mark.parametrize("text, expected", INJECTIONS)
def test_calendar_name_cannot_add_properties(text, expected):
    """Organization names feed NAME/X-WR-CALNAME, which icalendar itself would write unescaped."""
    ics = feed_of(make_event(), meta=CalendarMeta(name=text, description=text, relcalid="r@calendar-app"))
    assert_single_clean_vevent(ics)
    assert not {"X-INJ", "ATTENDEE"} & set(icalendar.Calendar.from_ical(ics))
    cal = parse_ical(ics)
    assert (cal.name, cal.description) == ([expected], [expected])
    vcal = parse_vobject(ics)
    names = [vcal.contents[key][0].value for key in ("name", "x-wr-calname", "x-wr-caldesc")]  # .name is "VCALENDAR"
    assert names == [expected] * 3


@pytest.mark.parametrize("text, expected", INJECTIONS)
def test_description_parts_cannot_add_properties(text, expected):
    """Names of parties and agreements land in DESCRIPTION and must stay inside it."""
    row = make_event(description=text, agreement=None, organizations=[], parties=[
        {"organization_name": text, "role": "party", "signatory_name": text, "signatory_title": None}])
    ics = feed_of(row)
    assert_single_clean_vevent(ics)
    assert parse_ical(ics).events[0].description == (
        f"{expected}\n\nCác bên:\n- {expected} (bên tham gia): {expected}\n"
        "Chi tiết: https://lich.example.vn/events/7")


# --- bytes on the wire -------------------------------------------------------------------------


def long_vietnamese(prefix: str, nfd: bool) -> str:
    """Give a title long enough to fold several times, shifted so folds land inside characters."""
    text = prefix + " ".join([VIETNAMESE] * 3)
    return unicodedata.normalize("NFD", text) if nfd else text


@pytest.mark.parametrize("nfd", [False, True], ids=["nfc", "nfd-combining"])
@pytest.mark.parametrize("prefix", ["", "a", "ab", "abc"])
def test_wire_format_and_vietnamese_round_trip(prefix, nfd):
    """CRLF only, <=75 octets, folds between code points, and text back byte for byte."""
    title = long_vietnamese(prefix, nfd)
    ics = feed_of(make_event(title=title, description=title + "\n" + title),
                  make_series(timezone="Europe/Berlin", starts_at=datetime(2020, 3, 5, 14, tzinfo=BERLIN),
                              ends_at=datetime(2020, 3, 5, 16, tzinfo=BERLIN)), alarm=timedelta(days=1))
    assert ics.endswith(b"\r\n")
    physical = ics.split(b"\r\n")[:-1]
    assert all(b"\r" not in line and b"\n" not in line for line in physical)
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # raises if a fold split a multi-byte character
    assert content_lines(ics).count("SUMMARY:" + title) == 1
    assert parse_ical(ics).events[0].summary == title
    assert parse_vobject(ics).vevent.description.value.startswith(title + "\n" + title + "\n\n")
    assert str(icalendar.Calendar.from_ical(ics).events[0]["SUMMARY"]).encode() == title.encode()


def test_templates_fold_lines_exactly_as_icalendar_does():
    """fill() folds the lines it completes itself; any other cut would change bytes and ETags."""
    import random

    from icalendar.parser import Contentline

    from calendar_app.feeds.ical_builder import BASE_MARK, event_template, fill

    rng = random.Random(7)
    alphabet = [*"ab \\^;,:", *"ắằẳẵặđươ", "😀", "中"]
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        more = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for name in ("DESCRIPTION", "URL"):
            line = f"{name}:{text}{BASE_MARK}/events/1{more}{BASE_MARK}"
            template = Contentline(line).to_ical() + b"\r\n"  # as icalendar wrote it, with the mark
            for base in ("https://lich.example.vn:8443", "http://a;b,c"):
                value = base.replace(";", "\\;").replace(",", "\\,") if name != "URL" else base
                expected = Contentline(line.replace(BASE_MARK, value)).to_ical() + b"\r\n"
                assert fill(_opened(template, event_template), base, None) == expected, (line, base)


def test_events_fold_exactly_as_icalendar_does(monkeypatch):
    """event_to_ical folds in bytes (_fold); icalendar's own Component.to_ical must give the same bytes."""
    import random

    rng = random.Random(11)
    alphabet = [*"ab \\^;,:\n", *"ắằẳẵặđươĐ", "😀", "中"]

    def text(longest: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))

    def icalendars_own(event):
        with monkeypatch.context() as patched:
            patched.setattr(ical_builder, "component_to_ical", lambda component: component.to_ical())
            return event_to_ical(event, timedelta(hours=1))

    for _ in range(150):
        moved = make_override(datetime(2022, 9, 5, 14, tzinfo=HCM), title=text(150) or "x", location=text(90),
                              description=text(200))
        for event in (make_event(title=text(200) or "x", description=text(400), location=text(120),
                                 url="https://lich.example.vn/" + text(60).replace(" ", "-")),
                      make_series(title=text(120) or "x", overrides=[moved, CANCELLED])):
            assert event_to_ical(event, timedelta(hours=1)) == icalendars_own(event)


def _opened(template: bytes, event_template) -> bytes:
    """The line as event_template stores it (the builder's own path, with a stand-in serialiser)."""
    from unittest import mock

    with mock.patch("calendar_app.feeds.ical_builder.event_to_ical", lambda event, alarm: template):
        return event_template({})
