"""The pages and forms: languages, headers, error pages, sign-in, CSRF, escaping, the event form, cancel."""

import re
import pytest
from icalendar import Calendar

from calendar_app.db import get_db, write_transaction
from calendar_app.repositories import organizations, users

EDITOR = {"username": "bien-tap", "password": "Mật khẩu dài 2026!"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def create_editor(app, username=EDITOR["username"], password=EDITOR["password"]) -> None:
    with app.app_context():
        database = get_db()
        with write_transaction(database):
            users.create(database, username, password, "Chuyên viên Văn phòng")


def csrf_token(client, path="/login") -> str:
    """The CSRF token of the session, as a form on `path` carries it."""
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, username=EDITOR["username"], password=EDITOR["password"]):
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def field_block(html: str, name: str) -> str:
    """The markup of one form field (its <div class="field…"> up to the next field)."""
    start = html.index(f'id="{name}"')
    begin = html.rfind('<div class="field', 0, start)
    end = html.find('<div class="field', start)
    return html[begin:end if end != -1 else len(html)]


SNAPSHOTS = {"editor": create_editor}  # the account is made once per session (hashing costs 0.1 s a time)


@pytest.fixture
def editor(app, client):
    """A signed-in editor's client."""
    response = sign_in(client)
    assert response.status_code == 302
    return client


def event_id_by_uid(app, uid: str) -> int:
    with app.app_context():
        return get_db().execute("select id from events where uid = ?", [uid]).fetchone()[0]


CEREMONY_UID = "demo-le-ky-ket-chuong-trinh-dang-uy-khoi-tccs-2020@calendar-app"
PROGRAM = "chuong-trinh-phoi-hop-dang-uy-khoi-dn-tw-tap-chi-cong-san-2020-2025"


def event_form(**fields) -> dict:
    """A valid event form as a browser posts it (timed, Vietnamese text)."""
    return {"title": "Hội nghị giao ban sơ kết 6 tháng đầu năm", "kind": "review_meeting", "agreement": "",
            "organizations": [], "starts_at": "2026-12-15T08:30", "ends_at": "2026-12-15T11:00",
            "start_date": "", "end_date": "", "timezone": "Asia/Ho_Chi_Minh", "repeat": "none", "interval": "1",
            "until": "", "location": "Hội trường A, 105 Quán Thánh, Ba Đình, Hà Nội",
            "description": "Đánh giá kết quả thực hiện quy chế.\r\nĐề ra nhiệm vụ 6 tháng cuối năm.",
            "url": "", "status": "confirmed", "visibility": "public", **fields}


def post_form(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


# Language and dates


def test_pages_are_vietnamese_by_default_with_vietnamese_dates(seeded, client):
    event_id = event_id_by_uid(seeded, CEREMONY_UID)
    page = client.get(f"/events/{event_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Thứ Năm, 05/03/2020 14:00 – 16:00" in html
    assert "(giờ Việt Nam (GMT+7))" in html  # issue 12: the default zone in words
    assert "Lễ ký kết" in html and "Thời gian" in html and "Thêm vào lịch của tôi (.ics)" in html
    assert f'href="/events/{event_id}.ics"' in html


def test_english_interface_is_chosen_with_lang_and_kept_in_a_cookie(seeded, client):
    event_id = event_id_by_uid(seeded, CEREMONY_UID)
    first = client.get("/?lang=en")
    assert first.status_code == 200
    assert "lang=en" in first.headers["Set-Cookie"]
    html = first.get_data(as_text=True)
    assert '<html lang="en">' in html and "Coming events" in html and "Sự kiện sắp tới" not in html
    later = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Thursday, 5 March 2020 14:00 – 16:00" in later
    assert "Signing ceremony" in later and "Add to my calendar (.ics)" in later
    assert "Tiếng Việt" in later  # the way back
    back = client.get("/?lang=vi").get_data(as_text=True)
    assert "Sự kiện sắp tới" in back


def test_the_language_link_keeps_the_query_but_not_tricks(seeded, client):
    html = client.get("/organizations/tap-chi-cong-san?slug=x&_external=1&month=2020-03").get_data(as_text=True)
    assert 'href="/organizations/tap-chi-cong-san?slug=x&amp;_external=1&amp;month=2020-03&amp;lang=en"' in html


def test_unknown_language_falls_back_to_vietnamese(client):
    response = client.get("/?lang=fr")
    assert '<html lang="vi">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


# Headers and error pages


PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


@pytest.mark.parametrize("path", ["/", "/login", "/organizations", "/agreements", "/nowhere"])
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == PAGE_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(seeded, editor):
    for path in ["/", "/events/new", "/organizations/tap-chi-cong-san", f"/agreements/{PROGRAM}", "/agreements/new"]:
        html = editor.get(path).get_data(as_text=True)
        # A <textarea>'s content is escaped text to copy (the iframe snippet), never markup the page runs.
        html = re.sub(r"(<textarea[^>]*>).*?(</textarea>)", r"\1\2", html, flags=re.S)
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], path
        assert " style=" not in html and "<style" not in html and " onclick=" not in html, path


def test_only_the_api_docs_page_may_run_its_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_static_files_are_served(client):
    for path, mimetype in [("/assets/style.css", "text/css"), ("/assets/app.js", "text/javascript"),
                           ("/favicon.ico", "image/svg+xml")]:
        with client.get(path) as response:
            assert (response.status_code, response.mimetype) == (200, mimetype)


@pytest.mark.parametrize("path", ["/nowhere", "/events/999", "/organizations/khong-co", "/agreements/khong-co"])
def test_missing_pages_are_html_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in html and "Traceback" not in html


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1/events/999", "/feeds/organizations/khong-co.ics"])
def test_api_and_feed_errors_stay_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["code"] == 404


def test_wrong_method_on_a_page_is_an_html_405_with_allow(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_an_unexpected_error_is_an_html_500_without_traceback(app, client, monkeypatch):
    from calendar_app.web import pages

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(pages, "month_grid", broken)
    response = client.get("/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "Hệ thống gặp sự cố" in html
    assert "secret detail" not in html and "Traceback" not in html


# Sign-in, CSRF and the rate limit


@pytest.mark.parametrize("path", ["/events/new", "/events/1/edit", "/organizations/new", "/agreements/new",
                                  "/organizations/tap-chi-cong-san/edit"])
def test_editing_pages_need_a_signed_in_editor(seeded, client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


def test_posting_a_form_without_signing_in_stores_nothing(app, client):
    response = post_form(client, "/login", {})  # a valid CSRF token, but nobody signed in
    assert response.status_code == 401
    response = client.post("/events/new", data={**event_form(), "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        assert get_db().execute("select count(*) from events").fetchone()[0] == 0


def test_sign_in_returns_to_the_page_asked_for(app, client):
    create_editor(app)
    token = csrf_token(client, "/login?next=/events/new")
    response = client.post("/login", data={**{"username": "bien-tap", "password": "Mật khẩu dài 2026!"},
                                           "next": "/events/new", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/events/new"
    assert client.get("/events/new").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_sign_in_never_redirects_elsewhere(app, client, target):
    create_editor(app)
    token = csrf_token(client)
    response = client.post("/login", data={"username": "bien-tap", "password": "Mật khẩu dài 2026!",
                                           "next": target, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_in_plain_words(app, client):
    create_editor(app)
    response = sign_in(client, password="sai mật khẩu")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/events/new").status_code == 302


@pytest.mark.slow  # several seconds: many password checks, 0.1 s each (scrypt)
def test_five_failures_make_that_username_wait(app, client):
    """Changed by issue 10: the username waits seconds (growing per failure), not 15 minutes."""
    from calendar_app.web.ratelimit import limiter_for
    limiter_for(app).clock = lambda: 1_000_000.0  # the wait is shown in whole seconds: no clock drift here
    create_editor(app)
    create_editor(app, "nguoi-khac", "một mật khẩu khác")
    for _attempt in range(5):
        assert sign_in(client, password="sai").status_code == 401
    locked = sign_in(client)  # even the right password waits
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "2"
    assert "Tên đăng nhập này đã bị thử quá nhiều lần. Vui lòng chờ 2 giây rồi thử lại." in locked.get_data(as_text=True)
    assert client.get("/events/new").status_code == 302
    assert sign_in(client, "nguoi-khac", "một mật khẩu khác").status_code == 302


def test_a_form_without_csrf_token_is_refused(app, editor):
    response = editor.post("/events/new", data=event_form())
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Biểu mẫu đã hết hạn hoặc được gửi từ nơi khác" in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().execute("select count(*) from events").fetchone()[0] == 0


def test_a_form_with_a_forged_csrf_token_is_refused(editor):
    response = editor.post("/events/new", data={**event_form(), "csrf_token": "forged"})
    assert response.status_code == 400


def test_sign_out_needs_the_csrf_token(editor):
    assert editor.post("/logout").status_code == 400
    assert editor.get("/events/new").status_code == 200
    response = editor.post("/logout", data={"csrf_token": csrf_token(editor, "/")})
    assert response.status_code == 302
    assert editor.get("/events/new").status_code == 302


def test_the_json_api_needs_no_csrf_token(make):
    assert make.event()["title"] == "Hội thảo khoa học"


# The event form


def test_the_form_adds_an_event_the_api_then_returns(seeded, editor):
    form = event_form(agreement=PROGRAM, organizations=["tap-chi-cong-san", "ban-kinh-te-trung-uong"])
    response = post_form(editor, "/events/new", form)
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    stored = editor.get(f"/api/v1/events/{event_id}").get_json()
    assert {k: stored[k] for k in ("title", "kind", "agreement", "organizations", "description", "location", "url",
                                   "status", "visibility", "all_day", "starts_at", "ends_at", "timezone",
                                   "start_date", "end_date", "rrule", "exdates")} == {
        "title": "Hội nghị giao ban sơ kết 6 tháng đầu năm", "kind": "review_meeting", "agreement": PROGRAM,
        "organizations": ["ban-kinh-te-trung-uong", "tap-chi-cong-san"],
        "description": "Đánh giá kết quả thực hiện quy chế.\nĐề ra nhiệm vụ 6 tháng cuối năm.",
        "location": "Hội trường A, 105 Quán Thánh, Ba Đình, Hà Nội", "url": None, "status": "confirmed",
        "visibility": "public", "all_day": False, "starts_at": "2026-12-15T08:30:00+07:00",
        "ends_at": "2026-12-15T11:00:00+07:00", "timezone": "Asia/Ho_Chi_Minh", "start_date": None,
        "end_date": None, "rrule": None, "exdates": []}
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu sự kiện." in page and "Thứ Ba, 15/12/2026 08:30 – 11:00" in page
    month = editor.get("/?month=2026-12&organization=tap-chi-cong-san").get_data(as_text=True)
    assert f'href="/events/{event_id}" title="Hội nghị giao ban sơ kết 6 tháng đầu năm">' in month  # the chip
    assert 'data-date="2026-12-15"' in month
    with editor.get("/feeds/organizations/tap-chi-cong-san.ics") as feed:
        assert feed.status_code == 200
        published = [e for e in Calendar.from_ical(feed.data).walk("VEVENT") if e["UID"] == stored["uid"]]
    assert [(str(e["SUMMARY"]), str(e["LOCATION"]), e["DTSTART"].dt.isoformat()) for e in published] == [
        ("Hội nghị giao ban sơ kết 6 tháng đầu năm", "Hội trường A, 105 Quán Thánh, Ba Đình, Hà Nội",
         "2026-12-15T08:30:00+07:00")]
    with editor.application.app_context():
        actor = get_db().execute("select actor from audit_log where entity = 'event' and entity_id = ?",
                                 [event_id]).fetchone()[0]
    assert actor == "user:bien-tap"


def test_form_errors_appear_next_to_their_fields_and_keep_what_was_typed(app, editor):
    form = event_form(title="", url="không phải địa chỉ")
    response = post_form(editor, "/events/new", form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Một số mục chưa hợp lệ; xem thông báo bên cạnh từng mục." in html
    assert '<ul class="errors" id="title-error"><li>Vui lòng điền mục này.</li></ul>' in field_block(html, "title")
    assert 'aria-invalid="true"' in field_block(html, "title")
    assert "Hãy nhập địa chỉ web bắt đầu bằng http:// hoặc https://." in field_block(html, "url")
    assert 'value="Hội trường A, 105 Quán Thánh, Ba Đình, Hà Nội"' in field_block(html, "location")
    assert 'value="không phải địa chỉ"' in field_block(html, "url")
    assert "Đánh giá kết quả thực hiện quy chế." in field_block(html, "description")
    with app.app_context():
        assert get_db().execute("select count(*) from events").fetchone()[0] == 0


def test_cross_field_errors_are_shown_once_fields_are_valid(editor):
    html = post_form(editor, "/events/new", event_form(ends_at="2026-12-15T07:00")).get_data(as_text=True)
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." in field_block(html, "ends_at")
    html = post_form(editor, "/events/new", event_form(starts_at="", ends_at="")).get_data(as_text=True)
    assert "Hãy nhập ngày và giờ, hoặc đánh dấu “Cả ngày”." in field_block(html, "starts_at")


def test_an_unknown_time_zone_is_reported_at_the_zone(editor):
    html = post_form(editor, "/events/new", event_form(timezone="Asia/Atlantis")).get_data(as_text=True)
    assert "Hãy chọn một múi giờ trong danh sách." in field_block(html, "timezone")


def test_form_errors_in_english(editor):
    editor.get("/?lang=en")
    html = post_form(editor, "/events/new", event_form(title="")).get_data(as_text=True)
    assert "This field is required." in field_block(html, "title")


def test_an_unknown_organization_is_reported_next_to_the_field(editor):
    html = post_form(editor, "/events/new", event_form(organizations=["khong-ton-tai"])).get_data(as_text=True)
    assert "Không có cơ quan, tổ chức “khong-ton-tai”." in html


def test_all_day_events_take_first_and_last_day(editor):
    form = event_form(all_day="on", starts_at="", ends_at="", start_date="2027-01-25", end_date="2027-01-29",
                      title="Chương trình tình nguyện “Tết ấm yêu thương”", kind="volunteer_program")
    response = post_form(editor, "/events/new", form)
    assert response.status_code == 302
    stored = editor.get("/api/v1/events/" + response.headers["Location"].rsplit("/", 1)[1]).get_json()
    assert (stored["all_day"], stored["start_date"], stored["end_date"], stored["starts_at"]) == (
        True, "2027-01-25", "2027-01-29", None)
    month = editor.get("/?month=2027-01").get_data(as_text=True)
    # One bar across the five days (issue 12): its start, middle days and end.
    chips = re.findall(r'data-date="(2027-01-\d\d)">(?:(?!</td>).)*?<a class="chip kind-volunteer_program '
                       r'(bar-\w+)"', month, re.S)
    assert chips == [("2027-01-25", "bar-start"), ("2027-01-26", "bar-middle"), ("2027-01-27", "bar-middle"),
                     ("2027-01-28", "bar-middle"), ("2027-01-29", "bar-end")]


def test_repetition_in_plain_words_becomes_an_rrule_and_comes_back(editor):
    form = event_form(repeat="monthly", interval="6", until="2029-12-31")
    response = post_form(editor, "/events/new", form)
    assert response.status_code == 302
    event_id = response.headers["Location"].rsplit("/", 1)[1]
    stored = editor.get(f"/api/v1/events/{event_id}").get_json()
    assert stored["rrule"] == "FREQ=MONTHLY;UNTIL=20291231T165959Z;INTERVAL=6"
    page = editor.get(f"/events/{event_id}").get_data(as_text=True)
    assert "6 tháng một lần đến ngày 31/12/2029" in page
    edit = editor.get(f"/events/{event_id}/edit").get_data(as_text=True)
    assert '<option value="monthly" selected>' in edit
    assert 'value="6"' in field_block(edit, "interval") and 'value="2029-12-31"' in field_block(edit, "until")
    june = editor.get("/?month=2027-06").get_data(as_text=True)
    assert 'data-date="2027-06-15"' in june and f'href="/events/{event_id}" title=' in june


def test_a_bad_repetition_is_explained_at_the_repetition(editor):
    html = post_form(editor, "/events/new", event_form(repeat="monthly", interval="0")).get_data(as_text=True)
    # Issue 12: in plain Vietnamese, on the field it concerns, and only there.
    assert "một số nguyên từ 1 đến 1000" in field_block(html, "interval") and "INTERVAL" not in html
    assert 'aria-invalid="true"' in field_block(html, "interval")
    assert 'aria-invalid="true"' not in field_block(html, "until")
    html = post_form(editor, "/events/new", event_form(repeat="monthly", until="2025-01-01")).get_data(as_text=True)
    assert "không được trước" in field_block(html, "until") and "UNTIL" not in html and "DTSTART" not in html


def test_editing_keeps_a_rule_the_form_cannot_express(editor, make):
    event = make.event(rrule="FREQ=MONTHLY;BYDAY=1MO", starts_at="2026-12-07T08:30:00+07:00",
                       ends_at="2026-12-07T10:00:00+07:00")
    edit = editor.get(f"/events/{event['id']}/edit").get_data(as_text=True)
    assert 'name="rrule_custom" value="FREQ=MONTHLY;BYDAY=1MO"' in edit
    form = event_form(title="Giao ban đầu tháng", starts_at="2026-12-07T08:30", ends_at="2026-12-07T10:00",
                      repeat="custom", rrule_custom="FREQ=MONTHLY;BYDAY=1MO")
    assert post_form(editor, f"/events/{event['id']}/edit", form).status_code == 302
    stored = editor.get(f"/api/v1/events/{event['id']}").get_json()
    assert (stored["title"], stored["rrule"], stored["sequence"]) == ("Giao ban đầu tháng", "FREQ=MONTHLY;BYDAY=1MO", 1)


def test_cancel_marks_the_event_cancelled_and_keeps_it(editor, make):
    event = make.event(title="Tọa đàm trao đổi thông tin")
    response = editor.post(f"/events/{event['id']}/cancel", data={"csrf_token": csrf_token(editor, "/")})
    assert response.status_code == 302
    stored = editor.get(f"/api/v1/events/{event['id']}").get_json()
    assert (stored["status"], stored["sequence"], stored["title"]) == ("cancelled", 1, "Tọa đàm trao đổi thông tin")
    page = editor.get(f"/events/{event['id']}").get_data(as_text=True)
    assert "<s>Tọa đàm trao đổi thông tin</s>" in page and "Đã hủy" in page and "Hủy sự kiện</button>" not in page
    month = editor.get("/?month=2026-12").get_data(as_text=True)
    assert (f'class="chip kind-joint_workshop cancelled bar-single" href="/events/{event["id"]}" '
            f'title="Tọa đàm trao đổi thông tin"><span class="time">08:30</span> <span class="chip-title" lang="vi"><s>'
            in month)  # issue 12: the start time and the state in words on the chip


def test_cancel_needs_csrf_and_sign_in(client, make, app):
    event = make.event()
    assert client.post(f"/events/{event['id']}/cancel").status_code == 400
    response = client.post(f"/events/{event['id']}/cancel", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get(f"/api/v1/events/{event['id']}").get_json()["status"] == "confirmed"


# Escaping


SCRIPT = "<script>alert('x')</script>"


def test_user_text_is_escaped_on_every_page(seeded, editor, make):
    organization = make.organization(name=f"Tổ chức {SCRIPT}", short_name=SCRIPT)
    agreement = make.agreement(title=f"Quy chế {SCRIPT}", summary=SCRIPT, parties=[
        {"organization": organization["slug"], "role": "signatory", "signatory_name": SCRIPT,
         "signatory_title": SCRIPT},
        {"organization": "tap-chi-cong-san", "role": "signatory"}])
    event = make.event(title=f"Hội thảo {SCRIPT}", location=SCRIPT, description=SCRIPT,
                       agreement=agreement["slug"], organizations=[organization["slug"]])
    paths = ["/?month=2026-12", f"/events/{event['id']}", f"/organizations/{organization['slug']}",
             f"/agreements/{agreement['slug']}", "/organizations", "/agreements", f"/events/{event['id']}/edit",
             f"/agreements/{agreement['slug']}/edit", f"/organizations/{organization['slug']}/edit", "/events/new"]
    for path in paths:
        html = editor.get(path).get_data(as_text=True)
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(" in html, path


def test_typed_text_is_escaped_when_the_form_comes_back(editor):
    html = post_form(editor, "/events/new", event_form(title="", location=f'"><img src=x>{SCRIPT}')).get_data(
        as_text=True)
    assert "<img src=x>" not in html and "<script>alert" not in html
    assert "&#34;&gt;&lt;img src=x&gt;&lt;script&gt;" in html


# Visibility


def test_internal_events_only_for_signed_in_editors(app, client, make):
    event = make.event(title="Họp nội bộ chuẩn bị lễ ký", visibility="internal")
    assert client.get(f"/events/{event['id']}").status_code == 404
    assert "Họp nội bộ" not in client.get("/?month=2026-12").get_data(as_text=True)
    create_editor(app)
    sign_in(client)
    assert client.get(f"/events/{event['id']}").status_code == 200
    assert "Họp nội bộ chuẩn bị lễ ký" in client.get("/?month=2026-12").get_data(as_text=True)


# Organization and agreement pages and forms


def test_organization_page_has_subscribe_links(seeded, client):
    html = client.get("/organizations/tap-chi-cong-san").get_data(as_text=True)
    assert 'href="webcal://localhost/feeds/organizations/tap-chi-cong-san.ics"' in html
    assert 'value="http://localhost/feeds/organizations/tap-chi-cong-san.ics"' in html
    # Google cannot fetch from localhost (issue 11): no Google button there, a note instead (tests/test_subscribe.py).
    assert "calendar.google.com/calendar/render?cid=" not in html and "PUBLIC_BASE_URL" in html
    assert 'data-copy="public-feed-url"' in html and "Outlook" in html and "Apple Calendar" in html
    assert "?token=" not in html  # the private address is for editors only
    assert PROGRAM in html


def test_editors_see_the_private_feed_and_can_rotate_it(seeded, editor):
    with seeded.app_context():
        old = organizations.get_row(get_db(), "tap-chi-cong-san")["feed_token"]
    html = editor.get("/organizations/tap-chi-cong-san").get_data(as_text=True)
    assert f"/feeds/organizations/tap-chi-cong-san.ics?token={old}" in html
    response = editor.post("/organizations/tap-chi-cong-san/feed-token",
                           data={"csrf_token": csrf_token(editor, "/")})
    assert response.status_code == 302
    with seeded.app_context():
        new = organizations.get_row(get_db(), "tap-chi-cong-san")["feed_token"]
    assert new != old
    html = editor.get("/organizations/tap-chi-cong-san").get_data(as_text=True)
    assert f"?token={new}" in html and old not in html
    with editor.get(f"/feeds/organizations/tap-chi-cong-san.ics?token={new}") as feed:
        assert feed.status_code == 200
    with editor.get(f"/feeds/organizations/tap-chi-cong-san.ics?token={old}") as feed:
        assert feed.status_code != 200


def test_agreement_page_lists_parties_witnesses_term_and_timeline(seeded, client):
    html = client.get(f"/agreements/{PROGRAM}").get_data(as_text=True)
    assert "Y Thanh Hà Nie Kđăm" in html and "Tổng Biên tập Tạp chí Cộng sản" in html
    witnesses = html[html.index("Chứng kiến</h3>"):]
    assert "Nguyễn Văn Bình" in witnesses
    assert "từ Thứ Năm, 05/03/2020" in html and "đến Thứ Tư, 31/12/2025" in html
    assert "Thứ Năm, 05/03/2020 14:00 – 16:00" in html
    assert f"/feeds/agreements/{PROGRAM}.ics" in html


def test_review_series_is_described_in_plain_words(seeded, client):
    html = client.get("/agreements/quy-che-phoi-hop-bcsd-bo-tt-tt-dang-uy-khoi-dn-tw").get_data(as_text=True)
    assert "6 tháng một lần" in html


def test_organization_form_creates_and_edits(editor):
    response = post_form(editor, "/organizations/new", {"name": "Sở Tư pháp thành phố Đà Nẵng", "short_name": "",
                                                        "slug": "", "kind": "government_agency", "parent": "",
                                                        "website": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/organizations/so-tu-phap-thanh-pho-da-nang"
    stored = editor.get("/api/v1/organizations/so-tu-phap-thanh-pho-da-nang").get_json()
    assert (stored["name"], stored["kind"], stored["short_name"]) == (
        "Sở Tư pháp thành phố Đà Nẵng", "government_agency", None)
    response = post_form(editor, "/organizations/so-tu-phap-thanh-pho-da-nang/edit",
                         {"name": "Sở Tư pháp Đà Nẵng", "short_name": "STP", "slug": "", "kind": "government_agency",
                          "parent": "", "website": "ftp://x"})
    assert response.status_code == 422
    assert "Hãy nhập địa chỉ web bắt đầu bằng http:// hoặc https://." in field_block(
        response.get_data(as_text=True), "website")


def test_organization_form_reports_a_taken_slug(editor, make):
    taken = make.organization()
    html = post_form(editor, "/organizations/new", {"name": "Trùng", "slug": taken["slug"], "kind": "other"})
    assert "Tên này đã được dùng; hãy chọn tên khác." in field_block(html.get_data(as_text=True), "slug")


def agreement_form(**fields) -> dict:
    form = {"title": "Quy chế phối hợp giữa Sở Tư pháp và Báo Đà Nẵng", "slug": "", "kind": "regulation",
            "parent": "", "signed_on": "2026-12-15", "valid_from": "2027-01-01", "valid_until": "2031-12-31",
            "review_every_months": "6", "summary": "", "source_url": "",
            "parties-0-organization": "dang-uy-khoi-dn-tw", "parties-0-role": "signatory",
            "parties-0-signatory_name": "Nguyễn Văn A", "parties-0-signatory_title": "Bí thư",
            "parties-1-organization": "", "parties-1-role": "signatory", "parties-1-signatory_name": "",
            "parties-1-signatory_title": "",
            "parties-2-organization": "tap-chi-cong-san", "parties-2-role": "party",
            "parties-2-signatory_name": "Trần Thị B", "parties-2-signatory_title": "Phó Tổng Biên tập",
            "parties-3-organization": "ban-kinh-te-trung-uong", "parties-3-role": "witness",
            "parties-3-signatory_name": "Lê Văn C", "parties-3-signatory_title": "Trưởng Ban"}
    return {**form, **fields}


def test_agreement_form_creates_with_parties_and_review_series(seeded, editor):
    response = post_form(editor, "/agreements/new", agreement_form(create_review_series="on"))
    assert response.status_code == 302
    slug = "quy-che-phoi-hop-giua-so-tu-phap-va-bao-da-nang"
    assert response.headers["Location"] == f"/agreements/{slug}"
    stored = editor.get(f"/api/v1/agreements/{slug}").get_json()
    assert [(p["organization"], p["role"], p["signatory_name"], p["signatory_title"]) for p in stored["parties"]] == [
        ("dang-uy-khoi-dn-tw", "signatory", "Nguyễn Văn A", "Bí thư"),
        ("tap-chi-cong-san", "party", "Trần Thị B", "Phó Tổng Biên tập"),
        ("ban-kinh-te-trung-uong", "witness", "Lê Văn C", "Trưởng Ban")]
    assert (stored["valid_from"], stored["valid_until"], stored["review_every_months"]) == ("2027-01-01", "2031-12-31", 6)
    series = editor.get(f"/api/v1/agreements/{slug}/events").get_json()["items"]
    assert [(e["kind"], e["rrule"] is not None) for e in series] == [("review_meeting", True)]


def test_agreement_form_errors_go_to_their_party_row(seeded, editor, app):
    form = agreement_form(**{"parties-2-organization": "", "parties-3-organization": "",
                             "parties-0-signatory_name": "x" * 201, "valid_until": "2026-01-01"})
    response = post_form(editor, "/agreements/new", form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Không được dài quá 200 ký tự." in field_block(html, "parties-0-signatory_name")
    assert 'value="Nguyễn Văn A"' not in html and 'value="' + "x" * 201 + '"' in html
    response = post_form(editor, "/agreements/new", agreement_form(**{"parties-2-organization": "",
                                                                      "parties-3-organization": ""}))
    assert "Một quy chế, chương trình cần ít nhất hai cơ quan khác nhau ký hoặc tham gia." in response.get_data(
        as_text=True)
    response = post_form(editor, "/agreements/new", agreement_form(valid_until="2026-01-01"))
    assert "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực." in field_block(
        response.get_data(as_text=True), "valid_until")
    with app.app_context():
        assert get_db().execute("select count(*) from agreements").fetchone()[0] == 3  # the demo's only


def test_event_form_says_a_start_in_a_daylight_saving_gap_does_not_exist(seeded, editor, app):
    """02:30 on 2026-03-29 does not exist in Europe/Berlin: the form said 'end must be after start'."""
    form = event_form(timezone="Europe/Berlin", starts_at="2026-03-29T02:30", ends_at="2026-03-29T03:30")
    response = post_form(editor, "/events/new", form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert ("Giờ 02:30 ngày 29/03/2026 không tồn tại ở múi giờ Europe/Berlin: đồng hồ được vặn nhanh qua khoảng "
            "giờ này (giờ mùa hè). Hãy chọn giờ khác." in field_block(html, "starts_at"))
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." not in html
    ends = post_form(editor, "/events/new", event_form(timezone="Europe/Berlin", starts_at="2026-03-29T01:30",
                                                       ends_at="2026-03-29T02:15"))
    assert "không tồn tại" in field_block(ends.get_data(as_text=True), "ends_at")
    english = editor.post("/events/new?lang=en", data={**form, "csrf_token": csrf_token(editor, "/events/new")})
    assert ("02:30 on 29/03/2026 does not exist in Europe/Berlin: the clocks skip that hour (daylight saving "
            "time). Choose another time." in english.get_data(as_text=True))
    with app.app_context():
        assert get_db().execute("select count(*) from events where timezone = 'Europe/Berlin'").fetchone()[0] == 0


REGULATION = "quy-che-phoi-hop-bcsd-bo-tt-tt-dang-uy-khoi-dn-tw"


def test_agreement_form_explains_a_review_series_the_term_cannot_hold(seeded, editor, app):
    """A term shorter than the review interval was a 500 on create and on edit; now the field says why."""
    short = ("Kỳ giao ban đầu tiên (2027-07-01) sẽ rơi sau ngày hết hiệu lực (2027-03-31); "
             "hãy chọn khoảng cách ngắn hơn hoặc thời hạn dài hơn.")
    response = post_form(editor, "/agreements/new", agreement_form(valid_until="2027-03-31", create_review_series="on"))
    assert response.status_code == 422
    assert short in field_block(response.get_data(as_text=True), "review_every_months")
    edit = agreement_form(title="Quy chế phối hợp", slug=REGULATION, valid_from="2027-01-01", valid_until="2027-03-31",
                          **{"parties-0-organization": "ban-can-su-dang-bo-tt-tt", "parties-2-organization": "",
                             "parties-3-organization": "", "parties-1-organization": "dang-uy-khoi-dn-tw"})
    response = post_form(editor, f"/agreements/{REGULATION}/edit", edit)
    assert response.status_code == 422
    assert short in field_block(response.get_data(as_text=True), "review_every_months")
    far = post_form(editor, "/agreements/new", agreement_form(valid_from="2195-01-01", valid_until="",
                                                               review_every_months="120", create_review_series="on"))
    assert far.status_code == 422
    assert ("Các kỳ giao ban phải nằm trong khoảng năm 1900 đến năm 2200; kỳ đầu tiên sẽ là ngày 2205-01-01."
            in field_block(far.get_data(as_text=True), "review_every_months"))
    with app.app_context():
        assert get_db().execute("select count(*) from agreements").fetchone()[0] == 3  # the demo's only
        assert get_db().execute("select valid_from from agreements where slug = ?",
                                [REGULATION]).fetchone()[0] == "2017-01-01"


def test_agreement_form_edits_parties(seeded, editor):
    edit = editor.get(f"/agreements/{PROGRAM}/edit").get_data(as_text=True)
    assert 'value="Y Thanh Hà Nie Kđăm"' in edit
    form = agreement_form(title="Chương trình phối hợp 2020 – 2025 (sửa)", slug=PROGRAM, kind="program",
                          signed_on="2020-03-05", valid_from="2020-03-05", valid_until="2025-12-31",
                          review_every_months="")
    assert post_form(editor, f"/agreements/{PROGRAM}/edit", form).status_code == 302
    stored = editor.get(f"/api/v1/agreements/{PROGRAM}").get_json()
    assert stored["title"] == "Chương trình phối hợp 2020 – 2025 (sửa)"
    assert [p["signatory_name"] for p in stored["parties"]] == ["Nguyễn Văn A", "Trần Thị B", "Lê Văn C"]


# Home page


def test_home_filters_by_kind_and_pages_by_month(seeded, client):
    march = client.get("/?month=2020-03").get_data(as_text=True)
    assert "Tháng 3/2020" in march and 'data-date="2020-03-05"' in march
    assert "Lễ ký kết Chương trình phối hợp công tác giai đoạn 2020 – 2025" in march
    assert 'href="/?month=2020-02"' in march and 'href="/?month=2020-04"' in march
    workshops = client.get("/?month=2020-03&kind=joint_workshop").get_data(as_text=True)
    assert "Lễ ký kết Chương trình" not in workshops
    assert 'href="/?month=2020-04&amp;kind=joint_workshop"' in workshops


def test_home_shows_recurring_events_on_each_occurrence(seeded, client):
    july = client.get("/?month=2027-07").get_data(as_text=True)
    january = client.get("/?month=2028-01").get_data(as_text=True)
    title = "Hội nghị giao ban"
    assert title in july and title in january


def test_a_bad_month_falls_back_to_this_month(client):
    assert client.get("/?month=2020-13").status_code == 200
    assert client.get("/?month=abc").status_code == 200


def test_an_unknown_filter_is_a_404_page(client):
    response = client.get("/?organization=khong-co")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_event_page_shows_a_cancelled_occurrence_of_a_series_struck_through(client, make, auth, clock):
    from datetime import datetime, timedelta, timezone
    start = clock.set(datetime(2026, 11, 2, 7, tzinfo=timezone.utc)) + timedelta(days=7)
    series = make.event(title="Giao ban tuần", starts_at=start.isoformat(),
                        ends_at=(start + timedelta(hours=1)).isoformat(), rrule="FREQ=WEEKLY;COUNT=4")
    second = (start + timedelta(days=7)).astimezone(timezone(timedelta(hours=7)))
    recurrence_id = second.replace(tzinfo=None).isoformat()
    response = client.put(f"/api/v1/events/{series['id']}/occurrences/{recurrence_id}", headers=auth,
                          json={"status": "cancelled"})
    assert response.status_code == 201, response.get_json()
    page = client.get(f"/events/{series['id']}").get_data(as_text=True)
    listed = page.split("<h2>", 2)[-1]
    assert listed.count("<li>") == 4
    assert listed.count("<s>") == 1 and second.strftime("%d/%m/%Y") in listed.split("<s>")[1].split("</s>")[0]
