"""In chromium: the subscribe box's live options, the webcal fallback, the QR code, and axe-core on the changed pages."""

import json

import pytest

from playwright.sync_api import expect

from .conftest import axe_violations

pytestmark = pytest.mark.slow  # a real browser against a real server

ORGANIZATION = "/organizations/tap-chi-cong-san"
AGREEMENT = "/agreements/chuong-trinh-phoi-hop-dang-uy-khoi-dn-tw-tap-chi-cong-san-2020-2025"


def test_options_rewrite_the_address_live_and_the_qr_follows(page, live_server, artifacts):
    page.goto(ORGANIZATION)
    box = page.locator("#public-feed")
    address = box.locator('[data-feed="https"]')
    expect(address).to_have_value(f"{live_server}/feeds/organizations/tap-chi-cong-san.ics")
    expect(box.locator("[data-qr] svg.qr-code")).to_be_visible()  # inline at first

    box.get_by_label("Nhắc trước").select_option("PT1H")
    box.get_by_label("Hội thảo").check()
    box.get_by_label("Lễ ký kết").check()
    box.get_by_label("Gồm cả sự kiện của các đơn vị trực thuộc").check()
    box.locator('input[name="prefix"]').check()
    box.locator('input[name="since"]').fill("2020-01-01")
    wanted = (f"{live_server}/feeds/organizations/tap-chi-cong-san.ics?kind=joint_workshop,signing_ceremony"
              "&include=children&since=2020-01-01&alarm=PT1H&prefix=1")
    expect(address).to_have_value(wanted)
    expect(box.locator('[data-feed="webcal"]')).to_have_attribute("href", "webcal://" + wanted.split("://", 1)[1])
    # The same as the form gives without JavaScript, and a feed that answers.
    qr = box.locator("[data-qr] img.qr-code")
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-qr] img.qr-code').naturalWidth > 0")  # it loaded
    assert page.request.get(wanted).status == 200
    box.get_by_role("button", name="Cập nhật địa chỉ").click()
    expect(page.locator('#public-feed [data-feed="https"]')).to_have_value(wanted)
    page.screenshot(path=str(artifacts / "subscribe-options.png"), full_page=True)
    assert page.console_errors == []


def test_after_webcal_opens_nothing_the_page_says_so_and_points_at_copy(page):
    page.goto(ORGANIZATION)
    fallback = page.locator("#public-feed [data-webcal-fallback]")
    expect(fallback).to_be_hidden()  # shown from the start only without JavaScript
    page.locator('#public-feed [data-feed="webcal"]').click()
    expect(fallback).to_be_visible(timeout=5000)
    expect(fallback).to_have_attribute("role", "alert")
    expect(page.locator("#public-feed-copy")).to_be_focused()


def test_month_view_subscribes_to_this_view(page, live_server):
    page.goto("/?organization=tap-chi-cong-san&kind=joint_workshop")
    box = page.locator("#view-feed")
    expect(box.locator('[data-feed="https"]')).to_have_value(
        f"{live_server}/feeds/all.ics?organizations=tap-chi-cong-san&kind=joint_workshop")
    box.locator('input[name="expand"]').check()
    expect(box.locator('[data-feed="https"]')).to_have_value(
        f"{live_server}/feeds/all.ics?organizations=tap-chi-cong-san&kind=joint_workshop&expand=1")


@pytest.mark.parametrize("path", ["/", ORGANIZATION, AGREEMENT, "/events/1"])
def test_changed_pages_pass_axe_core(page, path):
    page.goto(path)
    page.locator("details.howto").evaluate_all("nodes => nodes.forEach(n => n.open = true)")
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
