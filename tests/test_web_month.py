"""The month view: chips with time and short title, "+N" to the day, the legend, the jump, the opening month, zones."""

import re
from datetime import date

import pytest

from calendar_app.web.month import short


@pytest.fixture(autouse=True)
def fixed_today(clock):
    clock.set(date(2026, 11, 20))


def timed(day: str, start="08:00", end="09:00", offset="+07:00") -> dict:
    return {"starts_at": f"{day}T{start}:00{offset}", "ends_at": f"{day}T{end}:00{offset}"}


def cell(html: str, day: str) -> str:
    start = html.index(f'data-date="{day}"')
    return html[start:html.index("</td>", start)]


def test_a_busy_day_shows_three_chips_then_a_link_to_the_day(client, make):
    for n, hour in enumerate(("07", "09", "13", "15")):
        make.event(title=f"Hội nghị số {n} về công tác tuyên giáo năm 2027 và nhiệm vụ trọng tâm",
                   **timed("2026-12-08", f"{hour}:30", f"{hour}:59"))
    html = client.get("/?month=2026-12").get_data(as_text=True)
    busy = cell(html, "2026-12-08")
    assert busy.count('class="chip ') == 3
    assert re.findall(r'<span class="time">(\d\d:\d\d)</span>', busy) == ["07:30", "09:30", "13:30"]
    assert 'title="Hội nghị số 0 về công tác tuyên giáo năm 2027 và nhiệm vụ trọng tâm"' in busy
    assert 'href="/?month=2026-12&amp;day=2026-12-08#day-events">+1 sự kiện' in busy
    day = client.get("/?month=2026-12&day=2026-12-08").get_data(as_text=True)
    listed = day[day.index('id="day-events"'):day.index('id="coming-title"')]
    assert "Sự kiện ngày Thứ Ba, 08/12/2026" in listed or "08/12/2026" in listed
    assert listed.count('class="event kind-') == 4


def test_the_month_page_has_its_own_title_a_legend_and_a_jump(client):
    html = client.get("/?year=2027&mon=3").get_data(as_text=True)
    assert "<title>Tháng 3/2027 · Lịch" in html and '<h2 id="month-title">Tháng 3/2027</h2>' in html
    assert 'class="legend"' in html and "Lễ ký kết" in html[html.index('class="legend"'):]
    assert 'name="mon"' in html and 'name="year"' in html and ">Hôm nay</a>" in html


def test_the_home_page_opens_on_the_month_of_the_next_event(client, make):
    make.event(title="Lễ ký kết đầu năm", **timed("2027-02-10"))
    html = client.get("/").get_data(as_text=True)
    assert '<h2 id="month-title">Tháng 2/2027</h2>' in html and "tháng có sự kiện gần nhất" in html
    assert '<h2 id="month-title">Tháng 11/2026</h2>' in client.get("/?month=2026-11").get_data(as_text=True)


def test_an_event_in_another_zone_is_listed_in_vietnam_time_with_its_own_in_brackets(client, make):
    make.event(title="Hội thảo tại Paris", timezone="Europe/Paris", **timed("2026-12-10", "10:00", "12:00", "+01:00"))
    html = client.get("/?month=2026-12").get_data(as_text=True)
    assert '<span class="time">16:00</span>' in cell(html, "2026-12-10")
    assert "16:00 – 18:00 (giờ địa phương Thứ Năm, 10/12/2026 10:00 – 12:00, Europe/Paris)" in html


@pytest.mark.parametrize("title, expected", [
    ("Hội nghị giao ban", "Hội nghị giao ban"),
    ("Hội nghị sơ kết 6 tháng đầu năm thực hiện quy chế phối hợp", "Hội nghị sơ kết 6 tháng đầu năm…"),
])
def test_short_titles_end_at_a_word(title, expected):
    assert short(title) == expected
