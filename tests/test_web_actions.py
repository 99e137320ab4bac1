"""An editor's actions from the event page: postpone, cancel, restore, delete, copy; one occurrence at a time."""

from datetime import date

import pytest

from test_web import csrf_token, sign_in

REASON = "Trùng lịch họp Ban Thường vụ"
SERIES_START = "2026-12-04T14:00:00"


@pytest.fixture(autouse=True)
def fixed_today(clock):
    clock.set(date(2026, 11, 20))


@pytest.fixture
def editor(app, client):
    from test_web import create_editor
    create_editor(app)
    assert sign_in(client).status_code == 302
    return client


@pytest.fixture
def series(make):
    return make.event(title="Giao ban hằng tháng", starts_at=f"{SERIES_START}+07:00",
                      ends_at="2026-12-04T16:00:00+07:00", rrule="FREQ=MONTHLY;COUNT=4")


def post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/")})


def api(client, event):
    return client.get(f"/api/v1/events/{event['id']}").get_json()


def test_postpone_with_a_reason_then_restore(editor, make):
    event = make.event(title="Tọa đàm chuyên đề")
    assert post(editor, f"/events/{event['id']}/postpone", status_reason=REASON).status_code == 302
    assert (api(editor, event)["status"], api(editor, event)["status_reason"]) == ("postponed", REASON)
    page = editor.get(f"/events/{event['id']}").get_data(as_text=True)
    assert f"Hoãn: {REASON}" in page and "<s>Tọa đàm chuyên đề</s>" in page and "Khôi phục</button>" in page
    coming = editor.get("/?month=2026-12").get_data(as_text=True)
    assert 'status-postponed">Hoãn' in coming
    assert post(editor, f"/events/{event['id']}/restore").status_code == 302
    assert (api(editor, event)["status"], api(editor, event)["status_reason"]) == ("confirmed", None)


def test_tentative_is_shown_in_words_wherever_cancelled_is(editor, make):
    agreement = make.agreement()
    make.event(title="Hội thảo chờ xác nhận", status="tentative", agreement=agreement["slug"])
    for path in ("/?month=2026-12", f"/agreements/{agreement['slug']}"):
        assert 'class="tag status-tentative">Dự kiến</span>' in editor.get(path).get_data(as_text=True), path


def test_delete_asks_first_needs_csrf_and_removes_the_event(editor, client, make):
    event = make.event(title="Sự kiện nhập nhầm")
    page = editor.get(f"/events/{event['id']}").get_data(as_text=True)
    assert "Xóa sự kiện</button>" in page and "Không thể hoàn tác" in page
    assert editor.post(f"/events/{event['id']}/delete").status_code == 400
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 200
    response = post(editor, f"/events/{event['id']}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404


def test_copy_fills_a_new_form_from_the_event(editor, make):
    event = make.event(title="Lễ ký kết quy chế", location="Hội trường Đ2", status="cancelled")
    form = editor.get(f"/events/{event['id']}/copy").get_data(as_text=True)
    assert 'value="Lễ ký kết quy chế"' in form and 'value="Hội trường Đ2"' in form
    assert f'action="/events/{event["id"]}/edit"' not in form


def test_the_series_cancel_says_it_cancels_every_meeting(editor, series):
    page = editor.get(f"/events/{series['id']}").get_data(as_text=True)
    assert "Hủy toàn bộ chuỗi sự kiện" in page
    assert "Hủy riêng buổi họp" in page


def test_one_occurrence_is_postponed_cancelled_and_restored(editor, series):
    base = f"/events/{series['id']}/occurrences/{SERIES_START}"
    assert post(editor, f"{base}/postpone", status_reason=REASON).status_code == 302
    override = editor.get(f"/api/v1/events/{series['id']}/occurrences/{SERIES_START}").get_json()
    assert (override["status"], override["status_reason"]) == ("postponed", REASON)
    page = editor.get(f"/events/{series['id']}").get_data(as_text=True)
    assert f"Hoãn: {REASON}" in page and "Khôi phục buổi này" in page
    assert post(editor, f"{base}/cancel").status_code == 302
    assert editor.get(f"/api/v1/events/{series['id']}/occurrences/{SERIES_START}").get_json()["status"] == "cancelled"
    assert api(editor, series)["status"] == "confirmed"  # the series itself is untouched
    assert post(editor, f"{base}/restore").status_code == 302
    assert editor.get(f"/api/v1/events/{series['id']}/occurrences/{SERIES_START}").status_code == 404


def test_edit_asks_this_occurrence_or_all_and_moves_only_this_one(editor, series):
    base = f"/events/{series['id']}/occurrences/{SERIES_START}"
    choice = editor.get(f"{base}/change").get_data(as_text=True)
    assert "Chỉ buổi này" in choice and "Tất cả các buổi" in choice
    form = editor.get(f"{base}/edit")
    assert form.status_code == 200
    bad = post(editor, f"{base}/edit", starts_at="2026-12-05T09:00", ends_at="2026-12-05T08:00", status="confirmed")
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    moved = post(editor, f"{base}/edit", starts_at="2026-12-05T09:00", ends_at="2026-12-05T11:00",
                 location="Phòng họp số 3", status="confirmed")
    assert moved.status_code == 302
    override = editor.get(f"/api/v1/events/{series['id']}/occurrences/{SERIES_START}").get_json()
    assert (override["starts_at"], override["location"]) == ("2026-12-05T09:00:00+07:00", "Phòng họp số 3")
    # Postponing the moved occurrence keeps its move.
    assert post(editor, f"{base}/postpone").status_code == 302
    override = editor.get(f"/api/v1/events/{series['id']}/occurrences/{SERIES_START}").get_json()
    assert (override["status"], override["starts_at"]) == ("postponed", "2026-12-05T09:00:00+07:00")


def test_occurrence_actions_need_sign_in_and_csrf(client, series):
    base = f"/events/{series['id']}/occurrences/{SERIES_START}"
    assert client.post(f"{base}/cancel").status_code == 400
    response = client.post(f"{base}/cancel", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get(f"{base}/edit").headers["Location"].startswith("/login")
    assert client.get(f"/api/v1/events/{series['id']}/occurrences/{SERIES_START}").status_code == 404
