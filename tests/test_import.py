"""Importing iCalendar files: UIDs kept, re-import updates, errors by line or UID, all or nothing."""

import pytest

from calendar_app import importer
from calendar_app.db import get_db, write_transaction
from calendar_app.repositories import tokens

CRLF = "\r\n"


def calendar(*components: str) -> bytes:
    return CRLF.join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *components,
                      "END:VCALENDAR", ""]).encode()


def vevent(uid: str, *lines: str, summary="Hội thảo “Khơi thông nguồn lực”",
           start="DTSTART;TZID=Asia/Ho_Chi_Minh:20261215T083000",
           end="DTEND;TZID=Asia/Ho_Chi_Minh:20261215T110000") -> str:
    return CRLF.join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"SUMMARY:{summary}",
                      start, end, *lines, "END:VEVENT"])


FILE = calendar(
    vevent("hoi-thao@example.vn", "LOCATION:Hà Nội\\, phòng Đ1", "CATEGORIES:Hội thảo", "CLASS:PUBLIC",
           "DESCRIPTION:Dòng một\\nDòng hai", "URL:https://example.vn/hoi-thao"),
    vevent("giao-ban@example.vn", "RRULE:FREQ=MONTHLY;INTERVAL=6;COUNT=4",
           "EXDATE;TZID=Asia/Ho_Chi_Minh:20270615T083000", "CATEGORIES:review_meeting", "CLASS:PRIVATE",
           "STATUS:TENTATIVE", summary="Hội nghị giao ban"),
    vevent("tet@example.vn", "STATUS:CANCELLED", summary="Tết ấm yêu thương",
           start="DTSTART;VALUE=DATE:20270120", end="DTEND;VALUE=DATE:20270123"),
    vevent("giao-ban@example.vn", "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20271215T083000", "STATUS:CANCELLED",
           summary="Hội nghị giao ban"),
)


@pytest.fixture
def org(make):
    return make.organization(name="Đảng ủy Khối Doanh nghiệp Trung ương")


def post(client, auth, body: bytes, org, **query):
    args = "&".join(f"{k}={v}" for k, v in {"organization": org["slug"], **query}.items())
    return client.post(f"/api/v1/import?{args}", data=body, headers={**auth, "Content-Type": "text/calendar"})


def events_of(client, auth, org):
    return client.get(f"/api/v1/organizations/{org['slug']}/events?limit=50", headers=auth).get_json()["items"]


def test_import_keeps_uids_and_maps_properties(client, auth, org):
    response = post(client, auth, FILE, org)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": ["hoi-thao@example.vn", "giao-ban@example.vn", "tet@example.vn"],
                                   "updated": [], "overrides": 1}
    found = {e["uid"]: e for e in events_of(client, auth, org)}
    workshop = found["hoi-thao@example.vn"]
    assert {k: workshop[k] for k in ("title", "kind", "location", "description", "url", "visibility", "status",
                                     "starts_at", "ends_at", "timezone", "organizations")} == {
        "title": "Hội thảo “Khơi thông nguồn lực”", "kind": "joint_workshop", "location": "Hà Nội, phòng Đ1",
        "description": "Dòng một\nDòng hai", "url": "https://example.vn/hoi-thao", "visibility": "public",
        "status": "confirmed", "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00",
        "timezone": "Asia/Ho_Chi_Minh", "organizations": [org["slug"]]}
    series = found["giao-ban@example.vn"]
    assert (series["rrule"], series["exdates"], series["kind"], series["visibility"], series["status"]) == (
        "FREQ=MONTHLY;COUNT=4;INTERVAL=6", ["2027-06-15T08:30:00+07:00"], "review_meeting", "internal", "tentative")
    tet = found["tet@example.vn"]
    assert (tet["all_day"], tet["start_date"], tet["end_date"], tet["status"], tet["kind"]) == (
        True, "2027-01-20", "2027-01-22", "cancelled", "other")
    overrides = client.get(f"/api/v1/events/{series['id']}/overrides", headers=auth).get_json()["items"]
    assert [(o["recurrence_id"], o["status"]) for o in overrides] == [("2027-12-15T08:30:00+07:00", "cancelled")]


def test_reimport_updates_instead_of_duplicating(client, auth, org):
    assert post(client, auth, FILE, org).status_code == 200
    changed = FILE.replace("LOCATION:Hà Nội\\, phòng Đ1".encode(), "LOCATION:Đà Nẵng".encode())
    response = post(client, auth, changed, org)
    assert response.get_json() == {"created": [], "updated": ["hoi-thao@example.vn", "giao-ban@example.vn",
                                                               "tet@example.vn"], "overrides": 1}
    found = events_of(client, auth, org)
    assert len(found) == 3
    workshop = next(e for e in found if e["uid"] == "hoi-thao@example.vn")
    assert (workshop["location"], workshop["sequence"]) == ("Đà Nẵng", 1)


def test_reimport_without_class_keeps_the_stored_visibility(client, auth, org):
    """A file that does not say CLASS says nothing about visibility: an internal event must not turn public."""
    assert post(client, auth, FILE, org).status_code == 200
    without_class = FILE.replace(b"CLASS:PRIVATE\r\n", b"").replace(b"CLASS:PUBLIC\r\n", b"")
    assert b"CLASS" not in without_class
    assert post(client, auth, without_class, org).status_code == 200
    found = {e["uid"]: e["visibility"] for e in events_of(client, auth, org)}
    assert found == {"hoi-thao@example.vn": "public", "giao-ban@example.vn": "internal", "tet@example.vn": "public"}
    public = FILE.replace(b"CLASS:PRIVATE", b"CLASS:PUBLIC")
    assert post(client, auth, public, org).status_code == 200
    assert {e["uid"]: e["visibility"] for e in events_of(client, auth, org)}["giao-ban@example.vn"] == "public"


def test_import_with_agreement_links_events(client, auth, make, org):
    agreement = make.agreement()
    assert post(client, auth, calendar(vevent("a@x")), org, agreement=agreement["slug"]).status_code == 200
    assert [e["agreement"] for e in events_of(client, auth, org)] == [agreement["slug"]]


NESTED_VEVENT = "VEVENT inside VEVENT: events belong directly in VCALENDAR (END:VEVENT is missing before it)."


@pytest.mark.parametrize("body, key, message", [
    (calendar(vevent("outer@x", vevent("inner@x"))), "line 10", NESTED_VEVENT),
    (calendar("BEGIN:VTODO", "UID:t@x", vevent("inner@x"), "END:VTODO"), "line 6",
     "VEVENT inside VTODO: events belong directly in VCALENDAR (END:VTODO is missing before it)."),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VCALENDAR\r\n", "line 5",
     "END:VCALENDAR does not close the open component (expected END:VEVENT)."),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\ngarbage\r\nEND:VCALENDAR\r\n", "line 3", "Not a content line (NAME:value)."),
    (b"BEGIN:VCALENDAR\r\nSUMMARY:\xff\r\nEND:VCALENDAR\r\n", "line 2", "Not UTF-8 text."),
    (b"hello\r\n", "line 1", "Content outside BEGIN:VCALENDAR … END:VCALENDAR."),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n", "line 3", "BEGIN:VCALENDAR is never closed."),
])
def test_broken_files_are_reported_by_line(client, auth, org, body, key, message):
    response = post(client, auth, body, org)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {key: [message]}


def test_invalid_events_are_reported_by_uid_and_nothing_is_written(client, auth, org):
    body = calendar(
        vevent("good@x"),
        vevent("bad-end@x", end="DTEND;TZID=Asia/Ho_Chi_Minh:20261215T080000"),
        vevent("bad-rule@x", "RRULE:FREQ=HOURLY"),
        vevent("bad-title@x", summary=""),
    )
    response = post(client, auth, body, org)
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"]["events"] == {
        "bad-end@x": {"line": 11, "errors": {"ends_at": ["Must be after starts_at."]}},
        "bad-rule@x": {"line": 18, "errors": {"rrule": [
            "FREQ=HOURLY is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"]}},
        "bad-title@x": {"line": 26, "errors": {"title": ["Length must be between 1 and 300."]}},
    }
    assert body["message"].startswith("3 event(s) are invalid; nothing was imported: UID bad-end@x (line 11)")
    assert events_of(client, auth, org) == []


@pytest.mark.parametrize("lines, errors", [
    (("RRULE:GARBAGE",), {"rrule": ["RRULE could not be read; give FREQ=… and its parts."]}),
    (("RRULE:FREQ=DAILY;COUNT=2", "RRULE:FREQ=WEEKLY;COUNT=2"),
     {"rrule": ["More than one RRULE; only one rule per event is supported."]}),
    (("DTSTART:2020XX",), {"DTSTART": ["Expected time, got: 2020XX"]}),
    (("EXDATE;TZID=Asia/Ho_Chi_Minh:20261216T083000",),
     {"exdates": ["Only a recurring event (with rrule) can skip occurrences."]}),
    (("STATUS:NEEDS-ACTION",), {"status": ["Must be one of: confirmed, tentative, cancelled, postponed."]}),
    (("URL:javascript:alert(1)",), {"url": ["Not a valid URL."]}),
])
def test_property_problems_name_the_field(client, auth, org, lines, errors):
    starts = [line for line in lines if line.startswith("DTSTART")] or ["DTSTART;TZID=Asia/Ho_Chi_Minh:20261215T083000"]
    others = [line for line in lines if not line.startswith("DTSTART")]
    body = calendar(vevent("x@x", *others, start=starts[0]))
    response = post(client, auth, body, org)
    assert response.status_code == 422
    assert response.get_json()["errors"]["events"] == {"x@x": {"line": 4, "errors": errors}}


def test_lenient_where_the_meaning_is_clear(client, auth, org):
    """A byte order mark, a DATE EXDATE on a timed series and a floating time are read as meant."""
    body = b"\xef\xbb\xbf" + calendar(
        vevent("s@x", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20261216"),
        vevent("f@x", start="DTSTART:20261220T090000", end="DTEND:20261220T100000"))
    assert post(client, auth, body, org).status_code == 200
    found = {e["uid"]: e for e in events_of(client, auth, org)}
    assert found["s@x"]["exdates"] == ["2026-12-16T08:30:00+07:00"]
    assert (found["f@x"]["starts_at"], found["f@x"]["timezone"]) == ("2026-12-20T09:00:00+07:00", "Asia/Ho_Chi_Minh")


def test_bad_override_rolls_back_the_whole_file(client, auth, org):
    body = calendar(vevent("s@x", "RRULE:FREQ=WEEKLY;COUNT=3"),
                    vevent("s@x", "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20261216T083000", "STATUS:CANCELLED"))
    response = post(client, auth, body, org)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["events"]) == ["s@x (line 12)"]
    assert events_of(client, auth, org) == []


def test_hostile_nesting_and_component_counts_are_refused(client, auth, org):
    deep = b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\n" * 5000 + b"END:VEVENT\r\n" * 5000 + b"END:VCALENDAR\r\n"
    response = post(client, auth, deep, org)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"line 3": [NESTED_VEVENT]}
    deep = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + b"BEGIN:VALARM\r\n" * 5000 + b"END:VALARM\r\n" * 5000
            + b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    response = post(client, auth, deep, org)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"line 5": ["Components nested deeper than 4 levels."]}
    many = calendar(*["BEGIN:VTODO\r\nEND:VTODO"] * (importer.MAX_COMPONENTS + 1))
    response = post(client, auth, many, org)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {f"line {2 + 2 * importer.MAX_COMPONENTS}": [
        f"More than {importer.MAX_COMPONENTS} components."]}


def test_size_cap(client, auth, org, app):
    app.config["IMPORT_MAX_BYTES"] = 1000
    response = post(client, auth, calendar(vevent("x@x", "DESCRIPTION:" + "a" * 2000)), org)
    assert response.status_code == 400
    assert response.get_json()["message"] == "The file is larger than 0 KiB."


def test_size_cap_holds_for_the_command_line_too(app, runner, org, tmp_path):
    app.config["IMPORT_MAX_BYTES"] = 1000
    path = tmp_path / "lich.ics"
    path.write_bytes(calendar(vevent("x@x", "DESCRIPTION:" + "a" * 2000)))
    result = runner.invoke(args=["import-ics", str(path), "--organization", org["slug"]])
    assert result.exit_code == 1
    assert "The file is larger than 0 KiB." in result.output


@pytest.mark.parametrize("headers, status", [({"Content-Type": "text/calendar"}, 401), (None, 415)])
def test_auth_and_media_type(client, auth, org, headers, status):
    response = client.post(f"/api/v1/import?organization={org['slug']}", data=FILE,
                           headers=headers or {**auth, "Content-Type": "application/json"})
    assert response.status_code == status


def test_unknown_organization_is_404(client, auth):
    assert post(client, auth, FILE, {"slug": "khong-co"}).status_code == 404


def test_cli_import(runner, org, tmp_path, client, auth):
    path = tmp_path / "lich.ics"
    path.write_bytes(FILE)
    result = runner.invoke(args=["import-ics", str(path), "--organization", org["slug"]])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported: 3 created, 0 updated, 1 occurrence override(s).\n"  # progress: on stderr
    bad = tmp_path / "bad.ics"
    bad.write_bytes(calendar(vevent("bad@x", end="DTEND;TZID=Asia/Ho_Chi_Minh:20261215T080000")))
    result = runner.invoke(args=["import-ics", str(bad), "--organization", org["slug"]])
    assert result.exit_code == 1
    assert "UID bad@x (line 4)" in result.output


def test_feed_round_trip(client, auth, org, make):
    """A feed we publish imports back into another organization as the same events (same UIDs)."""
    assert post(client, auth, FILE, org).status_code == 200
    exported = client.get(f"/feeds/organizations/{org['slug']}.ics?since=2026-01-01").data
    other = make.organization()
    response = post(client, auth, exported, other)
    assert response.status_code == 200, response.get_json()
    assert sorted(response.get_json()["updated"]) == ["hoi-thao@example.vn", "tet@example.vn"]


def limited_token(app, slug: str) -> str:
    """A write token for one organization (made here: conftest's helper is shadowed under tests/browser)."""
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            return tokens.create(db, "limited", "write", [slug], 30)[1]


def test_limited_token_cannot_import_elsewhere_or_take_over_events(app, client, auth, org, make):
    """A token for one organization imports into it, but not into others, nor over their events by UID."""
    other = make.organization()
    limited = {"Authorization": f"Bearer {limited_token(app, org['slug'])}"}
    assert post(client, limited, calendar(vevent("mine@x")), other).status_code == 403
    assert post(client, auth, calendar(vevent("theirs@x")), other).status_code == 200
    response = post(client, limited, calendar(vevent("theirs@x", summary="Chiếm")), org)
    assert response.status_code == 403
    assert [e["title"] for e in events_of(client, auth, other)] == ["Hội thảo “Khơi thông nguồn lực”"]
    assert post(client, limited, calendar(vevent("mine@x")), org).status_code == 200
