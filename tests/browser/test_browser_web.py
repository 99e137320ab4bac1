"""In chromium: sign in, add an event with Vietnamese text, see errors, the month view, the feed, cancel."""

import re

import pytest
from icalendar import Calendar

from playwright.sync_api import expect

pytestmark = pytest.mark.slow  # a real browser against a real server

TITLE = "Hội thảo “Chuyển đổi số trong doanh nghiệp nhà nước” – Đà Nẵng"
PROGRAM = "chuong-trinh-phoi-hop-dang-uy-khoi-dn-tw-tap-chi-cong-san-2020-2025"


def feed_event(page, path: str, title: str):
    """The VEVENT with this title in a feed, read by a parser (icalendar) rather than by eye."""
    response = page.request.get(path)
    assert response.status == 200
    found = [e for e in Calendar.from_ical(response.body()).walk("VEVENT") if str(e["SUMMARY"]) == title]
    assert len(found) == 1
    return found[0]


def sign_in(page, editor: dict) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(editor["username"])
    page.get_by_label("Mật khẩu").fill(editor["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".flash")).to_have_text("Đã đăng nhập: Văn thư Đảng ủy Khối.")


def test_editor_adds_an_event_sees_it_in_month_and_feed_then_cancels_it(page, editor, artifacts):
    sign_in(page, editor)
    page.goto("/events/new")
    expect(page.locator("#starts_at")).to_be_visible()
    page.screenshot(path=str(artifacts / "event-form.png"), full_page=True)

    # A bad one first: no title, an end before the start.
    page.get_by_label("Địa điểm").fill("Khách sạn Furama, 105 Võ Nguyên Giáp, Đà Nẵng")
    page.locator("#starts_at").fill("2026-12-15T08:30")
    page.locator("#ends_at").fill("2026-12-15T07:00")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#title-error")).to_have_text("Vui lòng điền mục này.")
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Địa điểm")).to_have_value("Khách sạn Furama, 105 Võ Nguyên Giáp, Đà Nẵng")
    page.screenshot(path=str(artifacts / "event-form-errors.png"), full_page=True)

    page.get_by_label("Tên sự kiện").fill(TITLE)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#ends_at-error")).to_have_text("Thời điểm kết thúc phải sau thời điểm bắt đầu.")
    expect(page.get_by_label("Tên sự kiện")).to_have_value(TITLE)

    page.locator("#ends_at").fill("2026-12-15T11:30")
    page.get_by_label("Loại").select_option("joint_workshop")
    page.locator("#agreement").select_option(PROGRAM)
    page.locator("#organization-tap-chi-cong-san").check()  # checkboxes since issue 12
    page.locator("#organization-dang-uy-khoi-dn-tw").check()
    page.get_by_label("Nội dung").fill("Đồng tổ chức: Đảng ủy Khối DN TƯ và Tạp chí Cộng sản.\n"
                                       "Khách mời: đại diện doanh nghiệp.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash")).to_have_text("Đã lưu sự kiện.")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".facts")).to_contain_text("Thứ Ba, 15/12/2026 08:30 – 11:30")
    event_id = int(re.search(r"/events/(\d+)$", page.url).group(1))

    page.goto("/?month=2026-12")
    chip = page.locator('td[data-date="2026-12-15"] a.chip', has_text=TITLE)
    expect(chip).to_be_visible()
    page.screenshot(path=str(artifacts / "month-view.png"), full_page=True)

    published = feed_event(page, "/feeds/organizations/tap-chi-cong-san.ics", TITLE)
    assert str(published["LOCATION"]) == "Khách sạn Furama, 105 Võ Nguyên Giáp, Đà Nẵng"
    assert published["DTSTART"].dt.isoformat() == "2026-12-15T08:30:00+07:00"
    assert str(published["STATUS"]) == "CONFIRMED"

    page.goto(f"/events/{event_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hủy sự kiện").click()
    expect(page.locator(".flash")).to_have_text("Đã hủy sự kiện.")
    expect(page.locator("h1 s")).to_have_text(TITLE)
    page.goto("/?month=2026-12")
    expect(page.locator('td[data-date="2026-12-15"] a.chip.cancelled s', has_text=TITLE)).to_be_visible()
    cancelled = feed_event(page, "/feeds/organizations/tap-chi-cong-san.ics", TITLE)
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", int(published["SEQUENCE"]) + 1)
    assert page.console_errors == []


def test_visitor_in_english_copies_the_feed_address_and_sees_no_csp_violation(page, live_server, artifacts):
    page.goto("/organizations/tap-chi-cong-san?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Subscribe", exact=True)).to_be_visible()
    page.locator('button[data-copy="public-feed-url"]').click()
    expect(page.locator('button[data-copy="public-feed-url"]')).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server}/feeds/organizations/tap-chi-cong-san.ics"
    page.goto("/")  # the cookie keeps English
    expect(page.get_by_role("heading", name="Coming events")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?month=2020-03")
    page.screenshot(path=str(artifacts / "month-view-phone.png"), full_page=True)
    assert page.console_errors == []


def test_all_day_switches_the_time_fields_and_keyboard_reaches_the_form(page, editor):
    sign_in(page, editor)
    page.goto("/events/new")
    expect(page.locator("#start_date")).to_be_hidden()
    page.get_by_label("Cả ngày (hoặc nhiều ngày liền)").check()
    expect(page.locator("#starts_at")).to_be_hidden()
    expect(page.locator("#start_date")).to_be_visible()
    page.reload()
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator("a.skip")).to_be_focused()


def test_the_api_docs_page_runs_under_its_own_csp(page):
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("calendar_app API")
    assert page.console_errors == []
