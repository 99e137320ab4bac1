"""In chromium, with axe-core on every page visited: search, one occurrence moved and cancelled, a postponed
event, the busy month (screenshot), the date entry, the agreement form."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from calendar_app.repositories import events
from calendar_app.schemas.events import EventInSchema

from .conftest import serve
from .conftest import axe_violations
from .test_browser_web import sign_in

pytestmark = pytest.mark.slow  # a real browser against a real server

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SERIES = "Giao ban công tác tuyên giáo hằng tháng"
BUSY_DAY = "2027-03-09"


def add(database, **fields) -> dict:
    body = {"kind": "review_meeting", "organizations": ["tap-chi-cong-san"], **fields}
    return events.create(database, EventInSchema().load(body), "test")


def busy_calendar(database) -> None:
    """A monthly series and a busy day in March 2027 (five meetings, a five-day program across it)."""
    add(database, title=SERIES, starts_at="2027-01-05T14:00:00+07:00", ends_at="2027-01-05T16:00:00+07:00",
        rrule="FREQ=MONTHLY;COUNT=12")
    for hour, title in ((7, "Chào cờ đầu tuần"), (8, "Họp Ban Thường vụ Đảng ủy Khối mở rộng quý I"),
                        (10, "Tiếp đoàn công tác Tỉnh ủy Quảng Ninh"), (14, "Hội thảo khoa học chuyển đổi số"),
                        (16, "Họp chi bộ")):
        add(database, title=title, kind="joint_workshop" if hour == 14 else "review_meeting",
            status="tentative" if hour == 16 else "confirmed",
            starts_at=f"{BUSY_DAY}T{hour:02d}:00:00+07:00", ends_at=f"{BUSY_DAY}T{hour:02d}:45:00+07:00")
    add(database, title="Chương trình tình nguyện mùa xuân", kind="volunteer_program", all_day=True,
        start_date="2027-03-08", end_date="2027-03-12")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo data, one editor and the busy calendar, served in a thread."""
    yield from serve(tmp_path_factory.mktemp("browser-pages"), busy_calendar)


def no_violations(page) -> None:
    """axe-core finds no WCAG 2 A/AA violation on the page as it stands."""
    assert axe_violations(page) == []


def test_search_from_the_header_box(page):
    page.goto("/organizations")
    page.get_by_role("searchbox", name="Tìm kiếm").fill("GIAO BAN TUYEN GIAO")
    page.get_by_role("searchbox", name="Tìm kiếm").press("Enter")
    expect(page).to_have_title(re.compile("^Tìm kiếm: GIAO BAN TUYEN GIAO"))
    expect(page.locator("#found-events")).to_contain_text("(1)")
    expect(page.locator("ul.events a.title")).to_have_text(SERIES)
    no_violations(page)
    assert page.console_errors == []


def test_one_occurrence_is_moved_then_cancelled_and_the_series_stays(page, editor):
    sign_in(page, editor)
    page.goto("/search?q=giao+ban+tuyen+giao")
    page.locator("ul.events a.title").click()
    event_url = page.url
    no_violations(page)
    first = page.locator("ul.occurrences > li").first
    first.get_by_role("link", name=re.compile("^Sửa")).click()
    no_violations(page)
    page.get_by_role("link", name="Chỉ buổi này").click()
    page.get_by_label("Thời gian bắt đầu mới").fill("2027-01-06T09:00")
    page.get_by_label("Thời gian kết thúc mới").fill("2027-01-06T11:00")
    page.get_by_label("Địa điểm buổi này").fill("Phòng họp tầng 3")
    no_violations(page)
    page.get_by_role("button", name="Lưu buổi này").click()
    expect(page.locator(".flash")).to_have_text("Đã lưu buổi này; các buổi khác không đổi.")
    expect(page.locator("ul.occurrences > li").first).to_contain_text("06/01/2027 09:00")

    second = page.locator("ul.occurrences > li").nth(1)
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    second.get_by_role("button", name=re.compile("^Hủy buổi này")).click()
    expect(page.locator(".flash")).to_have_text("Đã hủy buổi này.")
    assert "Hủy riêng buổi họp" in messages[0] and "Các buổi khác của chuỗi vẫn giữ nguyên" in messages[0]
    expect(page.locator("ul.occurrences > li").nth(1).locator("s")).to_be_visible()
    expect(page.locator("ul.occurrences > li").nth(2).locator("s")).to_have_count(0)
    expect(page.locator("h1 s")).to_have_count(0)  # the series itself is not cancelled
    feed = Calendar.from_ical(page.request.get(event_url + ".ics").body())
    statuses = sorted((e["RECURRENCE-ID"].dt, str(e["STATUS"])) for e in feed.walk("VEVENT") if "RECURRENCE-ID" in e)
    assert statuses == [(datetime(2027, 1, 5, 14, tzinfo=HCM), "CONFIRMED"),
                        (datetime(2027, 2, 5, 14, tzinfo=HCM), "CANCELLED")]
    no_violations(page)
    assert page.console_errors == []


def test_a_postponed_event_says_so_with_its_reason_and_is_restored(page, editor):
    sign_in(page, editor)
    page.goto("/search?q=tiep+doan+quang+ninh")
    page.locator("ul.events a.title").click()
    page.get_by_label(re.compile("^Lý do")).fill("Đoàn đề nghị lùi lịch")
    page.get_by_role("button", name="Hoãn", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Đã hoãn sự kiện.")
    expect(page.locator("p.status")).to_have_text("Hoãn: Đoàn đề nghị lùi lịch")
    expect(page.locator("h1 s")).to_be_visible()
    no_violations(page)
    feed = Calendar.from_ical(page.request.get(page.url + ".ics").body())
    [vevent] = feed.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["DESCRIPTION"]).startswith("Hoãn: Đoàn đề nghị lùi lịch")
    page.goto(f"/?month=2027-03&day={BUSY_DAY}")
    expect(page.locator(".day-events")).to_contain_text("Tiếp đoàn công tác Tỉnh ủy Quảng Ninh Hoãn")
    page.go_back()
    page.get_by_role("button", name="Khôi phục").click()
    expect(page.locator(".flash")).to_have_text("Đã khôi phục sự kiện.")
    expect(page.locator("p.status")).to_have_count(0)
    assert page.console_errors == []


def test_the_busy_month(page, artifacts):
    page.goto("/?month=2027-03")
    expect(page).to_have_title(re.compile("^Tháng 3/2027 · "))
    day = page.locator(f'td[data-date="{BUSY_DAY}"]')
    expect(day.locator("a.chip")).to_have_count(3)
    expect(day.locator("a.chip .time").first).to_have_text("07:00")
    chip_box = day.locator("a.chip").first.bounding_box()
    assert chip_box["height"] >= 24
    more = day.get_by_role("link", name=re.compile(r"^\+3 sự kiện"))
    expect(page.locator(".legend")).to_contain_text("Hội nghị giao ban")
    bar = page.locator("a.chip.kind-volunteer_program")
    expect(bar).to_have_count(5)
    expect(page.locator('td[data-date="2027-03-08"] a.chip.bar-start')).to_contain_text("Chương trình tình nguyện")
    page.screenshot(path=str(artifacts / "month-busy.png"), full_page=True)
    no_violations(page)
    more.click()
    expect(page.locator("#day-events")).to_contain_text("09/03/2027")
    expect(page.locator(".day-events li.event")).to_have_count(6)
    expect(page.locator(".day-events")).to_contain_text("Dự kiến")
    page.get_by_label("Tháng", exact=True).select_option("1")
    page.get_by_label("Năm", exact=True).fill("2027")
    page.get_by_role("button", name="Chuyển tháng").click()
    expect(page.locator("#month-title")).to_have_text("Tháng 1/2027")
    no_violations(page)
    assert page.console_errors == []


def test_the_date_entry_reads_back_in_vietnamese_and_the_end_follows(page, editor):
    sign_in(page, editor)
    page.goto("/events/new")
    expect(page.locator("#kind")).to_have_value("")
    page.locator("#starts_at").fill("2027-01-15T08:30")
    expect(page.locator("#starts_at-readback")).to_have_text("Thứ Sáu, 15/01/2027 08:30")
    expect(page.locator("#ends_at")).to_have_value("2027-01-15T09:30")
    expect(page.locator("#ends_at-readback")).to_have_text("Thứ Sáu, 15/01/2027 09:30")
    page.locator("#starts_at").fill("2027-01-16T14:00")
    expect(page.locator("#ends_at")).to_have_value("2027-01-16T15:00")  # the same hour's length
    expect(page.locator("details.other-zone select")).to_be_hidden()
    no_violations(page)
    page.get_by_label("Tên sự kiện").fill("Họp thử ngày giờ")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#kind")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#starts_at-readback")).to_have_text("Thứ Bảy, 16/01/2027 14:00")
    no_violations(page)
    assert page.console_errors == []


def test_the_agreement_form_keeps_its_rows_and_marks_only_the_repeat(page, editor):
    sign_in(page, editor)
    page.goto("/agreements/new")
    expect(page.get_by_label("Tên quy chế, chương trình")).to_be_visible()
    rows = page.locator("select[id^=parties-][id$=-organization]")
    expect(rows).to_have_count(4)
    page.get_by_label("Tên quy chế, chương trình").fill("Quy chế phối hợp thử")
    rows.nth(0).select_option("tap-chi-cong-san")
    rows.nth(1).select_option("tap-chi-cong-san")
    for _attempt in range(2):
        page.get_by_role("button", name="Lưu").click()
        expect(rows).to_have_count(4)
    expect(page.locator("#parties-1-organization")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#parties-0-organization")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#parties-1-organization-error")).to_have_text("Cơ quan, tổ chức này đã có ở dòng trên.")
    no_violations(page)
    assert page.console_errors == []
