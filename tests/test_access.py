"""Access: hashed tokens with scope, expiry and revocation; internal events invisible to anonymous callers."""

import hmac
import re
from datetime import datetime, timedelta, timezone

import pytest

from calendar_app import create_app
from calendar_app.db import get_db, write_transaction

from conftest import make_token

INTERNAL = "Họp nội bộ chuẩn bị giaoban"
PUBLIC = "Hội nghị giaoban công khai"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _token_id(secret: str) -> int:
    return int(secret.split("_")[1])


# --- tokens -------------------------------------------------------------------------------------

def test_tokens_are_stored_hashed_and_listed_without_secrets(app, client, auth):
    created = client.post("/api/v1/tokens", json={"name": "cổng thông tin", "scope": "read"}, headers=auth)
    assert created.status_code == 201
    secret = created.get_json()["token"]
    prefix, token_id, random_part = secret.split("_", 2)
    assert prefix == "cal" and int(token_id) == created.get_json()["id"] and len(random_part) >= 43
    with app.app_context():
        row = list(get_db().query("select * from api_tokens where id = ?", [int(token_id)]))[0]
    assert random_part not in " ".join(str(v) for v in row.values())
    assert len(row["secret_hash"]) == 64 and row["expires_at"]
    listed = client.get("/api/v1/tokens", headers=auth).get_json()["items"]
    assert {"token", "secret_hash"} & {key for item in listed for key in item} == set()
    assert random_part not in client.get("/api/v1/tokens", headers=auth).get_data(as_text=True)


def test_token_use_is_recorded_at_most_hourly(app, client, clock):
    from calendar_app.repositories import tokens
    secret = make_token(app, scope="read")
    headers = {"Authorization": f"Bearer {secret}"}
    with app.app_context():
        assert tokens.get(get_db(), _token_id(secret))["last_used_at"] is None
    client.get("/api/v1/events", headers=headers)
    with app.app_context():
        first = tokens.get(get_db(), _token_id(secret))["last_used_at"]
    assert first is not None
    clock.set(datetime(2099, 1, 1, 0, 30, tzinfo=timezone.utc))
    with app.app_context():
        database = get_db()
        database.execute("update api_tokens set last_used_at = '2099-01-01T00:00:00Z', expires_at = null")
        database.conn.commit()
    client.get("/api/v1/events", headers=headers)  # 30 minutes later: not written again
    with app.app_context():
        assert tokens.get(get_db(), _token_id(secret))["last_used_at"] == "2099-01-01T00:00:00Z"
    clock.advance(timedelta(minutes=30))
    client.get("/api/v1/events", headers=headers)
    with app.app_context():
        assert tokens.get(get_db(), _token_id(secret))["last_used_at"] == "2099-01-01T01:00:00Z"


def test_token_comparison_is_constant_time(app, client, monkeypatch):
    secret = make_token(app)
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    wrong = bearer(secret[:-1] + ("x" if secret[-1] != "x" else "y"))
    assert client.post("/api/v1/organizations", json={"name": "Một"}, headers=wrong).status_code == 401
    assert client.post("/api/v1/organizations", json={"name": "Hai"}, headers=bearer(secret)).status_code == 201
    assert len(calls) == 2 and all(len(a) == len(b) == 64 for a, b in calls)


@pytest.mark.parametrize("method,path,body", [
    ("post", "/api/v1/organizations", {"name": "Sở Tư pháp"}),
    ("post", "/api/v1/tokens", {"name": "x"}),
    ("get", "/api/v1/tokens", None),
    ("get", "/api/v1/audit", None),
    ("post", "/api/v1/webhooks", {"url": "https://cong.example.vn/hook"}),
])
def test_read_only_token_cannot_write_or_manage(app, client, method, path, body):
    response = getattr(client, method)(path, json=body, headers=bearer(make_token(app, scope="read")))
    assert response.status_code == 403
    assert response.get_json()["message"] == "This token is read-only."


def test_expired_token_is_refused(app, client):
    secret = make_token(app)
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            db.execute("update api_tokens set expires_at = '2020-01-01T00:00:00Z' where id = ?", [_token_id(secret)])
    response = client.post("/api/v1/organizations", json={"name": "Hết hạn"}, headers=bearer(secret))
    assert response.status_code == 401
    assert response.get_json() == {"code": 401, "status": "Unauthorized",
                                   "message": "The token is unknown, expired or revoked."}


def test_revoked_token_stops_at_once_through_the_api(app, client, auth):
    secret = make_token(app)
    assert client.post("/api/v1/organizations", json={"name": "Trước"}, headers=bearer(secret)).status_code == 201
    revoked = client.delete(f"/api/v1/tokens/{_token_id(secret)}", headers=auth)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert client.post("/api/v1/organizations", json={"name": "Sau"}, headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 401


def test_revoke_token_command(app, client, runner):
    secret = make_token(app)
    result = runner.invoke(args=["revoke-token", str(_token_id(secret))])
    assert result.exit_code == 0, result.output
    assert client.post("/api/v1/organizations", json={"name": "Sau"}, headers=bearer(secret)).status_code == 401
    listed = runner.invoke(args=["list-tokens"]).output
    assert f"#{_token_id(secret)}\t" in listed and "revoked" in listed


def test_token_for_one_organization_cannot_touch_another(app, client, make):
    mine, theirs, third = make.organization(), make.organization(), make.organization()
    shared = make.agreement(parties=[{"organization": mine["slug"], "role": "signatory"},
                                     {"organization": third["slug"], "role": "party"}])
    foreign = make.agreement(parties=[{"organization": theirs["slug"], "role": "signatory"},
                                      {"organization": third["slug"], "role": "party"}])
    their_event = make.event(organizations=[theirs["slug"]])
    their_agreement_event = make.event(agreement=foreign["slug"])
    headers = bearer(make_token(app, organizations=[mine["slug"]]))
    refused = [
        client.post("/api/v1/events", json={"title": "x", "kind": "other", "organizations": [theirs["slug"]],
                                            "starts_at": "2026-12-15T08:30:00+07:00",
                                            "ends_at": "2026-12-15T09:30:00+07:00"}, headers=headers),
        client.post("/api/v1/events", json={"title": "x", "kind": "other", "agreement": foreign["slug"],
                                            "starts_at": "2026-12-15T08:30:00+07:00",
                                            "ends_at": "2026-12-15T09:30:00+07:00"}, headers=headers),
        client.patch(f"/api/v1/events/{their_event['id']}", json={"title": "chiếm"}, headers=headers),
        client.patch(f"/api/v1/events/{their_event['id']}", json={"organizations": [mine["slug"]]}, headers=headers),
        client.delete(f"/api/v1/events/{their_agreement_event['id']}", headers=headers),
        client.patch(f"/api/v1/organizations/{theirs['slug']}", json={"name": "chiếm"}, headers=headers),
        client.delete(f"/api/v1/organizations/{theirs['slug']}", headers=headers),
        client.patch(f"/api/v1/agreements/{foreign['slug']}", json={"title": "chiếm"}, headers=headers),
        client.patch(f"/api/v1/agreements/{shared['slug']}", json={"parties": [
            {"organization": mine["slug"], "role": "signatory"}, {"organization": theirs["slug"], "role": "party"}]},
            headers=headers),
        client.delete(f"/api/v1/agreements/{foreign['slug']}", headers=headers),
        client.get(f"/api/v1/organizations/{theirs['slug']}/feed-token", headers=headers),
        client.post(f"/api/v1/organizations/{theirs['slug']}/feed-token", headers=headers),
        client.get("/api/v1/tokens", headers=headers),
        client.post("/api/v1/tokens", json={"name": "leo thang"}, headers=headers),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert client.get(f"/api/v1/events/{their_event['id']}").get_json() == their_event
    own = client.post("/api/v1/events", json={"title": "Của tôi", "kind": "other", "organizations": [mine["slug"]],
                                              "starts_at": "2026-12-15T08:30:00+07:00",
                                              "ends_at": "2026-12-15T09:30:00+07:00"}, headers=headers)
    assert own.status_code == 201
    assert client.patch(f"/api/v1/organizations/{mine['slug']}", json={"short_name": "MINE"},
                        headers=headers).status_code == 200


def test_private_feed_tokens_are_long_random_and_rotate(client, auth, make):
    organization = make.organization()
    first = client.get(f"/api/v1/organizations/{organization['slug']}/feed-token", headers=auth).get_json()["token"]
    other = make.organization()
    other_token = client.get(f"/api/v1/organizations/{other['slug']}/feed-token", headers=auth).get_json()["token"]
    assert len(first) >= 32 and first != other_token
    rotated = client.post(f"/api/v1/organizations/{organization['slug']}/feed-token", headers=auth).get_json()["token"]
    assert len(rotated) >= 32 and rotated != first
    path = f"/feeds/organizations/{organization['slug']}.ics"
    assert client.get(path, query_string={"token": rotated}).status_code == 200
    assert client.get(path, query_string={"token": first}).status_code == 404
    assert client.get(path, query_string={"token": other_token}).status_code == 404
    assert client.get(f"/api/v1/organizations/{organization['slug']}/feed-token").status_code == 401


# --- internal events never leak -----------------------------------------------------------------

@pytest.fixture
def mixed(make):
    """One organization and agreement with a public and an internal (recurring) event."""
    a, b = make.organization(), make.organization()
    agreement = make.agreement(parties=[{"organization": a["slug"], "role": "signatory"},
                                        {"organization": b["slug"], "role": "party"}])
    public = make.event(title=PUBLIC, agreement=agreement["slug"], organizations=[a["slug"]])
    internal = make.event(title=INTERNAL, agreement=agreement["slug"], organizations=[a["slug"]],
                          visibility="internal", rrule="FREQ=WEEKLY;COUNT=4", description="mật")
    return {"organization": a, "agreement": agreement, "public": public, "internal": internal}


def _anonymous_reads(mixed) -> dict[str, str]:
    slug, agreement = mixed["organization"]["slug"], mixed["agreement"]["slug"]
    window = "from=2026-12-01T00:00:00Z&to=2027-02-01T00:00:00Z"
    return {
        "list": "/api/v1/events",
        "list_window": f"/api/v1/events?{window}",
        "search": "/api/v1/events?q=giaoban",
        "search_internal_words": "/api/v1/events?q=noi%20bo%20chuan%20bi",
        "kind_filter": "/api/v1/events?kind=joint_workshop&status=confirmed",
        "occurrences": f"/api/v1/occurrences?{window}",
        "occurrences_search": f"/api/v1/occurrences?{window}&q=giaoban",
        "organization_events": f"/api/v1/organizations/{slug}/events",
        "agreement_events": f"/api/v1/agreements/{agreement}/events",
        "organization_feed": f"/feeds/organizations/{slug}.ics",
        "agreement_feed": f"/feeds/agreements/{agreement}.ics",
        "all_feed": "/feeds/all.ics",
        "organizations_feed": f"/feeds/all.ics?organizations={slug}",
        "week": "/week?start=2026-12-14",
        "week_organization": f"/week?start=2026-12-14&organization={slug}",
        "week_print": "/week/print?start=2026-12-14",
        "organization_feed_expanded": f"/feeds/organizations/{slug}.ics?expand=1&prefix=1",
        "all_feed_expanded": "/feeds/all.ics?expand=1&prefix=1&lang=en",
    }


def test_internal_events_never_leak_to_anonymous_readers(client, mixed):
    for name, path in _anonymous_reads(mixed).items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:300])
        text = response.get_data(as_text=True)
        assert INTERNAL not in text and mixed["internal"]["uid"] not in text, name
        if response.mimetype == "application/json":
            body = response.get_json()
            expected = 0 if name == "search_internal_words" else 1
            assert body["total"] == len(body["items"]) == expected, name
            assert {item.get("event_id", item.get("id")) for item in body["items"]} <= {mixed["public"]["id"]}, name
        else:
            assert PUBLIC in text, name


def test_internal_event_by_id_is_404_for_anonymous(client, mixed):
    event_id = mixed["internal"]["id"]
    for path in (f"/api/v1/events/{event_id}", f"/events/{event_id}.ics", f"/events/{event_id}",
                 f"/events/{event_id}.ics?expand=1"):
        assert client.get(path).status_code == 404, path
    missing = client.get(f"/api/v1/events/{event_id}").get_json()
    assert missing == client.get("/api/v1/events/99999").get_json() | {"message": f"No event with id {event_id}."}


def test_authenticated_readers_see_internal_events(app, client, mixed):
    headers = bearer(make_token(app, scope="read"))
    body = client.get("/api/v1/events", headers=headers).get_json()
    assert body["total"] == 2 and {e["title"] for e in body["items"]} == {PUBLIC, INTERNAL}
    occurrences = client.get("/api/v1/occurrences?from=2026-12-01T00:00:00Z&to=2027-02-01T00:00:00Z",
                             headers=headers).get_json()
    assert occurrences["total"] == 5
    assert client.get(f"/api/v1/events/{mixed['internal']['id']}", headers=headers).status_code == 200


def test_audit_trail_is_not_public(client, mixed):
    response = client.get("/api/v1/audit")
    assert response.status_code == 401 and INTERNAL not in response.get_data(as_text=True)


def test_anonymous_form_posts_change_nothing(seeded, client):
    """With a valid CSRF token but no sign-in, every page that writes sends to the sign-in page instead."""
    def counts():
        with seeded.app_context():
            db = get_db()
            return [db.execute(f"select count(*) from {t}").fetchone()[0]
                    for t in ("organizations", "agreements", "events", "audit_log")]

    before = counts()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    form = {"csrf_token": csrf, "title": "Giả mạo", "name": "Giả mạo", "kind": "other",
            "starts_at": "2026-12-15T08:30", "ends_at": "2026-12-15T09:30"}
    for path in ("/events/new", "/events/1/edit", "/events/1/cancel", "/events/1/postpone", "/events/1/restore",
                 "/events/1/delete", "/events/1/occurrences/2020-03-05T14:00:00/cancel",
                 "/events/1/occurrences/2020-03-05T14:00:00/edit", "/organizations/new",
                 "/organizations/tap-chi-cong-san/edit", "/organizations/tap-chi-cong-san/feed-token",
                 "/agreements/new"):
        response = client.post(path, data=form)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert counts() == before


# --- no debug, no stack traces -------------------------------------------------------------------

def test_unexpected_errors_answer_without_stack_traces(tmp_path, monkeypatch):
    """A crash in a view is a bare 500 in the error shape: no traceback, no debugger, no source."""
    for name in ("FLASK_DEBUG", "FLASK_ENV"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app.debug is False and app.testing is False
    from calendar_app.repositories import occurrences

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret detail /srv/calendar_app.sqlite3")

    monkeypatch.setattr(occurrences, "list_events", explode)
    monkeypatch.setattr(app.logger, "disabled", True)  # the "calendar_app" logger is shared by every app: undo after
    for path in ("/api/v1/events", "/api/v1/organizations/x/events"):
        response = app.test_client().get(path)
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "Traceback" not in text and "secret detail" not in text and "sqlite3" not in text
        assert response.get_json()["code"] == 500


def test_security_headers_on_every_html_response(seeded, client):
    paths = ["/", "/login", "/organizations", "/agreements", "/organizations/tap-chi-cong-san", "/events/1",
             "/events/999999", "/no-such-page", "/api/v1/docs"]
    for path in paths:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.mimetype == "text/html", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert "Traceback" not in response.get_data(as_text=True), path


@pytest.mark.slow  # several seconds: many password checks, 0.1 s each (scrypt)
def test_sign_in_failures_slow_a_username_down_without_locking_the_right_password_out(app, client):
    """Changed by issue 10: five failures used to lock even the right password out for 15 minutes."""
    from calendar_app.web.ratelimit import limiter_for
    from calendar_app.repositories import users
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            users.create(db, "bientap", "mat-khau-dung-123", "Biên tập")
    now = [1_000_000.0]
    limiter_for(app).clock = lambda: now[0]
    def attempt(password):
        return client.post("/login", data={"username": "bientap", "password": password,
                                           "csrf_token": page_csrf(client)})

    assert [attempt(f"sai-{n}").status_code for n in range(5)] == [401] * 5
    waits = []
    for _ in range(3):  # each further attempt waits twice as long: 2, 4, 8 seconds
        refused = attempt("sai")
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        now[0] += waits[-1]
        assert attempt("sai").status_code == 401
    assert waits == [2, 4, 8]
    assert attempt("mat-khau-dung-123").status_code == 429  # too soon, even for the right password
    now[0] += 60  # the longest wait there is (LOGIN_MAX_DELAY_SECONDS)
    assert attempt("mat-khau-dung-123").status_code == 302
    assert [attempt(f"sai-{n}").status_code for n in range(5)] == [401] * 5  # success forgot the failures


# --- every limit of a credential holds on every path ----------------------------------------------

CRLF = "\r\n"


def ics(*components: str) -> bytes:
    return CRLF.join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *components, "END:VCALENDAR", ""]).encode()


def vevent(uid: str, *lines: str, summary="Nhập từ tệp") -> str:
    return CRLF.join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"SUMMARY:{summary}",
                      "DTSTART;TZID=Asia/Ho_Chi_Minh:20261215T083000", "DTEND;TZID=Asia/Ho_Chi_Minh:20261215T110000",
                      *lines, "END:VEVENT"])


def import_file(client, headers, body: bytes, **query):
    return client.post("/api/v1/import", query_string=query, data=body,
                       headers={**headers, "Content-Type": "text/calendar"})


def written(app) -> list[int]:
    """Row counts that any write changes: events, overrides, links and the audit trail."""
    with app.app_context():
        db = get_db()
        return [db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("events", "occurrence_overrides", "event_organizations", "audit_log")]


@pytest.fixture
def limited(app, make):
    """A write token for `mine`; `theirs` and `third` outside it, an agreement between them."""
    mine, theirs, third = make.organization(), make.organization(), make.organization()
    foreign = make.agreement(parties=[{"organization": theirs["slug"], "role": "signatory"},
                                      {"organization": third["slug"], "role": "party"}])
    return {"mine": mine["slug"], "theirs": theirs["slug"], "third": third["slug"], "foreign": foreign["slug"],
            "headers": bearer(make_token(app, organizations=[mine["slug"]])),
            "read": bearer(make_token(app, scope="read", organizations=[mine["slug"]]))}


def test_import_refuses_an_agreement_outside_the_token(app, client, auth, limited):
    before = written(app)
    response = import_file(client, limited["headers"], ics(vevent("lien-ket@x")),
                           organization=limited["mine"], agreement=limited["foreign"])
    assert response.status_code == 403, response.get_json()
    assert limited["theirs"] in response.get_json()["message"]
    assert written(app) == before
    feed = client.get(f"/feeds/organizations/{limited['theirs']}.ics").get_data(as_text=True)
    assert "lien-ket@x" not in feed


@pytest.mark.parametrize("stored", [
    {"agreement": "foreign", "organizations": ["mine"]},  # parties of its agreement are outside
    {"agreement": None, "organizations": []},  # involves nobody: no limited token may touch it
])
def test_import_refuses_to_touch_events_outside_the_token(app, client, make, limited, stored):
    event = make.event(visibility="internal", rrule="FREQ=WEEKLY;COUNT=4",
                       agreement=limited[stored["agreement"]] if stored["agreement"] else None,
                       organizations=[limited[s] for s in stored["organizations"]])
    before = written(app)
    master = ics(vevent(event["uid"], "CLASS:PUBLIC", summary="Chiếm"))
    override = ics(vevent(event["uid"], "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20261222T083000", "STATUS:CANCELLED"))
    for body in (master, override):
        response = import_file(client, limited["headers"], body, organization=limited["mine"])
        assert response.status_code == 403, response.get_json()
    assert written(app) == before
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404  # still internal


def _timed(**fields) -> dict:
    return {"title": "x", "kind": "other", "starts_at": "2026-12-15T08:30:00+07:00",
            "ends_at": "2026-12-15T09:30:00+07:00", **fields}


def test_limited_token_cannot_touch_events_that_involve_nobody(app, client, make, limited):
    unowned = make.event(rrule="FREQ=WEEKLY;COUNT=4")
    headers = limited["headers"]
    before = written(app)
    refused = [
        client.post("/api/v1/events", json=_timed(), headers=headers),
        client.patch(f"/api/v1/events/{unowned['id']}", json={"title": "chiếm"}, headers=headers),
        client.patch(f"/api/v1/events/{unowned['id']}", json={"organizations": [limited["mine"]]}, headers=headers),
        client.put(f"/api/v1/events/{unowned['id']}/occurrences/2026-12-22T08:30:00",
                   json={"status": "cancelled"}, headers=headers),
        client.delete(f"/api/v1/events/{unowned['id']}", headers=headers),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert written(app) == before


def test_limited_token_cannot_move_its_organization_under_another(app, client, auth, make, limited):
    headers = limited["headers"]
    refused = [
        client.patch(f"/api/v1/organizations/{limited['mine']}", json={"parent": limited["theirs"]}, headers=headers),
        client.post("/api/v1/organizations", json={"name": "Con", "slug": limited["mine"] + "-con",
                                                   "parent": limited["theirs"]}, headers=headers),
    ]
    assert [r.status_code for r in refused] == [403, 403]
    assert client.get(f"/api/v1/organizations/{limited['mine']}").get_json()["parent"] is None
    # Out from under a parent outside the token changes the parent's include=children feeds too.
    client.patch(f"/api/v1/organizations/{limited['mine']}", json={"parent": limited["theirs"]}, headers=auth)
    moved_out = client.patch(f"/api/v1/organizations/{limited['mine']}", json={"parent": None}, headers=headers)
    assert moved_out.status_code == 403
    # Renaming within its own organization still works.
    renamed = client.patch(f"/api/v1/organizations/{limited['mine']}", json={"short_name": "M"}, headers=headers)
    assert renamed.status_code == 200


def test_an_empty_organization_list_does_not_mint_an_unrestricted_token(client, auth):
    response = client.post("/api/v1/tokens", json={"name": "rỗng", "organizations": []}, headers=auth)
    assert response.status_code == 422
    assert "organizations" in response.get_json()["errors"]
    assert len(client.get("/api/v1/tokens", headers=auth).get_json()["items"]) == 1  # the caller's own


@pytest.fixture
def internal_of_each(make, limited):
    """An internal event of `mine`, one of `theirs`, one through `foreign`'s parties, and a public one."""
    window = {"starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T09:30:00+07:00"}
    shared = make.agreement(parties=[{"organization": limited["mine"], "role": "signatory"},
                                     {"organization": limited["theirs"], "role": "party"}])
    return {
        "mine": make.event(title="Nội bộ giaoban của tôi", organizations=[limited["mine"]], visibility="internal",
                           rrule="FREQ=WEEKLY;COUNT=2", **window),
        "shared": make.event(title="Nội bộ giaoban chung", agreement=shared["slug"], visibility="internal", **window),
        "theirs": make.event(title="Nội bộ giaoban của họ", organizations=[limited["theirs"]], visibility="internal",
                             rrule="FREQ=WEEKLY;COUNT=2", **window),
        "foreign": make.event(title="Nội bộ giaoban ngoài", agreement=limited["foreign"], visibility="internal",
                              **window),
        "public": make.event(title="Công khai giaoban", organizations=[limited["theirs"]], **window),
    }


def _reads(limited, events) -> dict[str, str]:
    window = "from=2026-12-01T00:00:00Z&to=2027-02-01T00:00:00Z"
    return {
        "list": "/api/v1/events",
        "list_window": f"/api/v1/events?{window}",
        "search": "/api/v1/events?q=giaoban",
        "occurrences": f"/api/v1/occurrences?{window}",
        "organization_events": f"/api/v1/organizations/{limited['theirs']}/events",
        "agreement_events": f"/api/v1/agreements/{limited['foreign']}/events",
        "organization_filter": f"/api/v1/events?organization={limited['third']}",
    }


@pytest.mark.parametrize("token", ["read", "headers"])
def test_limited_tokens_read_only_their_organizations_internal_events(app, client, auth, limited, internal_of_each,
                                                                      token):
    headers = limited[token]
    hidden = {internal_of_each["theirs"]["id"], internal_of_each["foreign"]["id"]}
    for name, path in _reads(limited, internal_of_each).items():
        client.get(path, headers=auth)  # an unrestricted caller first: its cached answer must not be reused
        body = client.get(path, headers=headers).get_json()
        seen = {item.get("event_id", item.get("id")) for item in body["items"]}
        assert not seen & hidden, name
        assert "Nội bộ giaoban của họ" not in str(body) and "ngoài" not in str(body), name
    everything = client.get("/api/v1/events", headers=headers).get_json()
    assert {e["id"] for e in everything["items"]} == {internal_of_each[k]["id"] for k in ("mine", "shared", "public")}
    assert everything["total"] == 3
    for key in ("theirs", "foreign"):
        event_id = internal_of_each[key]["id"]
        for path in (f"/api/v1/events/{event_id}", f"/events/{event_id}.ics", f"/api/v1/events/{event_id}/overrides",
                     f"/api/v1/events/{event_id}/occurrences/2026-12-22T08:30:00"):
            assert client.get(path, headers=headers).status_code == 404, path
            assert client.get(path, headers=auth).status_code in (200, 404), path
        assert client.get(f"/events/{event_id}.ics", headers=auth).status_code == 200
    for key in ("mine", "shared"):
        event_id = internal_of_each[key]["id"]
        assert client.get(f"/api/v1/events/{event_id}", headers=headers).status_code == 200
        assert client.get(f"/events/{event_id}.ics", headers=headers).status_code == 200


def test_audit_trail_and_token_list_only_for_unrestricted_identities(client, auth, limited, internal_of_each):
    for path in ("/api/v1/audit", "/api/v1/tokens", f"/api/v1/audit?entity=event&entity_id={internal_of_each['mine']['id']}"):
        response = client.get(path, headers=limited["headers"])
        assert response.status_code == 403, path
        assert "Nội bộ" not in response.get_data(as_text=True)
        assert client.get(path, headers=auth).status_code == 200


def test_limited_tokens_webhooks_carry_only_their_organizations_internal_events(client, auth, limited,
                                                                                internal_of_each):
    """The payloads are read back through the deliveries API: what the receiver would be sent."""
    url = {"url": "https://cong.example.vn/hook"}
    theirs = client.post("/api/v1/webhooks", json={**url, "organizations": [limited["theirs"]]}, headers=limited["headers"])
    assert theirs.status_code == 403
    assert client.post("/api/v1/webhooks", json={**url, "agreements": [limited["foreign"]]},
                       headers=limited["headers"]).status_code == 403
    mine = client.post("/api/v1/webhooks", json={**url, "organizations": [limited["mine"]]},
                       headers=limited["headers"]).get_json()
    everyone = client.post("/api/v1/webhooks", json={**url, "organizations": [limited["theirs"]]},
                           headers=auth).get_json()
    for event in internal_of_each.values():
        assert client.patch(f"/api/v1/events/{event['id']}", json={"location": "Hội trường A"},
                            headers=auth).status_code == 200

    def titles(webhook, headers):
        response = client.get(f"/api/v1/webhooks/{webhook['id']}/deliveries", headers=headers)
        assert response.status_code == 200
        return sorted(d["payload"]["event"]["title"] for d in response.get_json()["items"])

    assert titles(mine, limited["read"]) == sorted(internal_of_each[k]["title"] for k in ("mine", "shared"))
    assert titles(everyone, auth) == sorted(internal_of_each[k]["title"] for k in ("shared", "theirs", "public", "foreign"))
    assert client.get(f"/api/v1/webhooks/{everyone['id']}/deliveries", headers=limited["read"]).status_code == 404


# --- editors' sessions ---------------------------------------------------------------------------

EDITOR = ("bien-tap", "Mật khẩu dài 2026!")


def create_editor(app, username=EDITOR[0], password=EDITOR[1]) -> None:
    from calendar_app.repositories import users
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            users.create(db, username, password, "Biên tập")


def page_csrf(client, path="/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, username=EDITOR[0], password=EDITOR[1], **environ):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": page_csrf(client)},
                       environ_base=environ)


def test_api_ignores_the_editors_session_cookie(app, client, make):
    """A cross-site form can make the browser send the session cookie, never an Authorization header."""
    organization = make.organization()
    create_editor(app)
    assert sign_in(client).status_code == 302
    with app.app_context():
        before = get_db().execute("select feed_token from organizations where slug = ?",
                                  [organization["slug"]]).fetchone()[0]
    forged = [
        client.post(f"/api/v1/organizations/{organization['slug']}/feed-token"),
        client.post("/api/v1/organizations", json={"name": "Giả mạo"}),
        client.post("/api/v1/tokens", json={"name": "giả mạo"}),
    ]
    assert [r.status_code for r in forged] == [401, 401, 401]
    with app.app_context():
        assert get_db().execute("select feed_token from organizations where slug = ?",
                                [organization["slug"]]).fetchone()[0] == before
    assert client.get("/events/new").status_code == 200  # the pages still know the editor


@pytest.mark.parametrize("base,secure", [(None, False), ("http://lich.example.vn", False),
                                         ("https://lich.example.vn", True)])
def test_session_cookie_is_samesite_lax_and_secure_behind_https(tmp_path, base, secure):
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "SECRET_KEY": "x",
                      "DATABASE": str(instance / "db.sqlite3"), "PUBLIC_BASE_URL": base})
    create_editor(app)
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302
    cookie = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("session=")][0]
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert attributes["samesite"] == "SameSite=Lax" and "httponly" in attributes
    assert ("secure" in attributes) is secure


def limiter_app(tmp_path, **config):
    instance = tmp_path / "limiter"
    return create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "SECRET_KEY": "x",
                       "DATABASE": str(instance / "db.sqlite3"), **config})


@pytest.mark.slow  # several seconds: many password checks, 0.1 s each (scrypt)
def test_one_address_trying_many_usernames_is_refused(tmp_path):
    app = limiter_app(tmp_path, LOGIN_MAX_FAILURES_PER_ADDRESS=30)
    create_editor(app)
    client = app.test_client()
    statuses = [sign_in(client, f"user-{n}", "sai").status_code for n in range(31)]
    assert statuses == [401] * 30 + [429]
    assert sign_in(client).status_code == 429  # from this address, for now
    assert sign_in(client, REMOTE_ADDR="192.0.2.7").status_code == 302  # another client is not held up


@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_for_counts_only_from_a_configured_proxy(tmp_path, proxies):
    app = limiter_app(tmp_path, LOGIN_MAX_FAILURES_PER_ADDRESS=3, TRUSTED_PROXIES=proxies)
    client = app.test_client()
    statuses = [sign_in(client, f"user-{n}", "sai", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(5)]
    # Without a trusted proxy a client cannot pick a new address per attempt; behind one, each client counts alone.
    assert statuses == ([401] * 3 + [429] * 2 if proxies == 0 else [401] * 5)


@pytest.mark.slow  # several seconds: 40 clients in threads, each password check 0.1 s (scrypt)
def test_parallel_attempts_make_no_more_password_checks_than_the_limit(tmp_path, monkeypatch):
    import threading
    from calendar_app.repositories import users
    from calendar_app.web.ratelimit import limiter_for
    app = limiter_app(tmp_path)
    limiter_for(app).clock = lambda: 1_000_000.0  # however slow the threads, the 6th comes "too soon"
    create_editor(app)
    checks = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda *args: checks.append(1) or real(*args))
    clients = [app.test_client() for _ in range(40)]
    tokens = [page_csrf(c) for c in clients]
    start, statuses = threading.Barrier(40), []

    def attack(client, token):
        start.wait()
        response = client.post("/login", data={"username": EDITOR[0], "password": "sai", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attack, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == app.config["LOGIN_MAX_FAILURES"] == 5
    assert sorted(statuses) == [401] * 5 + [429] * 35


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A client holding a copied session cookie (as a thief, or another tab, would)."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


@pytest.mark.parametrize("ending", ["logout", "set-password", "disable-user"])
def test_logout_and_password_change_end_every_session_server_side(app, client, runner, make, ending):
    internal = make.event(visibility="internal")
    create_editor(app)
    assert sign_in(client).status_code == 302
    stolen = _session_cookie(client)
    assert _replay(app, stolen).get("/events/new").status_code == 200
    assert _replay(app, stolen).get(f"/events/{internal['id']}.ics").status_code == 200
    if ending == "logout":
        assert client.post("/logout", data={"csrf_token": page_csrf(client, "/events/new")}).status_code == 302
    elif ending == "set-password":
        result = runner.invoke(args=["set-password", EDITOR[0]], input="Mật khẩu mới 2027!\nMật khẩu mới 2027!\n")
        assert result.exit_code == 0, result.output
    else:
        result = runner.invoke(args=["disable-user", EDITOR[0]])
        assert result.exit_code == 0, result.output
    replayed = _replay(app, stolen)
    assert replayed.get("/events/new").status_code == 302  # to the sign-in page
    assert replayed.get(f"/events/{internal['id']}.ics").status_code == 404
    if ending == "set-password":
        assert sign_in(app.test_client()).status_code == 401
        assert sign_in(app.test_client(), password="Mật khẩu mới 2027!").status_code == 302
    if ending == "disable-user":
        assert sign_in(app.test_client()).status_code == 401


@pytest.mark.parametrize("username,password,field,message", [
    ("lan", "ngắn", "password", "At least 12 characters."),
    ("lan", "12345678901", "password", "At least 12 characters."),
    ("", "mật khẩu đủ dài 2026", "username", "A username is required."),
    ("   ", "mật khẩu đủ dài 2026", "username", "A username is required."),
    (" lan", "mật khẩu đủ dài 2026", "username", "No spaces before or after the username."),
    ("lan ", "mật khẩu đủ dài 2026", "username", "No spaces before or after the username."),
    ("lan\u2028", "mật khẩu đủ dài 2026", "username", "No spaces before or after the username."),
])
def test_create_user_refuses_accounts_that_are_weak_or_cannot_sign_in(app, runner, username, password, field,
                                                                      message):
    result = runner.invoke(args=["create-user", username], input=f"{password}\n{password}\n")
    assert result.exit_code == 1 and message in result.stderr, result.output
    with app.app_context():
        assert get_db()["users"].count == 0


def test_user_commands_list_set_password_and_disable(app, runner):
    create_editor(app)
    create_editor(app, "thu-ky", "Một mật khẩu khác 2026")
    listed = runner.invoke(args=["list-users"])
    assert listed.exit_code == 0
    assert listed.stdout == "#1\tbien-tap\tBiên tập\tactive\n#2\tthu-ky\tBiên tập\tactive\n"
    assert "pbkdf2" not in listed.stdout and "scrypt" not in listed.stdout
    short = runner.invoke(args=["set-password", "bien-tap"], input="ngắn\nngắn\n")
    assert short.exit_code == 1 and "At least 12 characters." in short.stderr
    assert sign_in(app.test_client()).status_code == 302  # the old password still holds
    missing = runner.invoke(args=["disable-user", "khong-co"])
    assert missing.exit_code == 1 and missing.stderr == "Error: No user 'khong-co'.\n"
    assert runner.invoke(args=["disable-user", "thu-ky"]).exit_code == 0
    assert runner.invoke(args=["list-users"]).stdout.splitlines()[1].startswith("#2\tthu-ky\tBiên tập\tdisabled 20")
    assert sign_in(app.test_client(), "thu-ky", "Một mật khẩu khác 2026").status_code == 401


def test_a_token_opens_no_more_on_pages_and_feeds_than_its_organizations(client, auth, limited, internal_of_each):
    """Pages know editors by their session only; feeds show internal events only by ?token= or to an identity in scope."""
    theirs = internal_of_each["theirs"]
    for headers in (limited["read"], limited["headers"], auth):
        for path in ("/", f"/organizations/{limited['theirs']}", f"/events/{theirs['id']}",
                     "/week?start=2026-12-14", "/week/print?start=2026-12-14",
                     f"/feeds/organizations/{limited['theirs']}.ics", "/feeds/all.ics",
                     f"/feeds/agreements/{limited['foreign']}.ics"):
            response = client.get(path, headers={**headers, "Accept": "text/html"})
            assert "Nội bộ giaoban của họ" not in response.get_data(as_text=True), path
            assert theirs["uid"] not in response.get_data(as_text=True), path
    assert client.get(f"/events/{theirs['id']}.ics", headers=limited["read"]).status_code == 404
    assert client.get(f"/events/{theirs['id']}.ics", headers=auth).status_code == 200


def _week_export_texts(client, headers=None) -> dict[str, str]:
    """The text of each /week export of the mixed events' week, read back with python-docx, openpyxl, pdftotext."""
    import io

    from openpyxl import load_workbook
    from test_week import docx_paragraphs, pdf_text
    texts = {}
    for kind in ("docx", "xlsx", "pdf"):
        response = client.get(f"/week.{kind}?start=2026-12-14", headers=headers or {})
        assert response.status_code == 200, kind
        if kind == "docx":
            texts[kind] = "\n".join(docx_paragraphs(response.data))
        elif kind == "xlsx":
            texts[kind] = str(list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)))
        else:
            texts[kind] = pdf_text(response.data)
    return texts


@pytest.mark.slow  # five PDFs through WeasyPrint
def test_week_exports_hold_internal_events_only_for_a_signed_in_editor(app, client, mixed):
    """/week.docx, .xlsx and .pdf: anonymous readers and API tokens (pages ignore them) get the public items only."""
    for headers in (None, bearer(make_token(app, scope="read")), bearer(make_token(app)),
                    bearer(make_token(app, scope="read", organizations=[mixed["organization"]["slug"]]))):
        for kind, text in _week_export_texts(client, headers).items():
            assert PUBLIC in " ".join(text.split()) and INTERNAL not in " ".join(text.split()), (kind, headers)
    create_editor(app)
    assert sign_in(client).status_code == 302
    for kind, text in _week_export_texts(client).items():
        assert INTERNAL in " ".join(text.split()), kind


def _export_text(kind: str, data: bytes) -> str:
    import io

    from openpyxl import load_workbook
    from test_week import docx_paragraphs, pdf_text
    if kind == "docx":
        return " ".join(" ".join(docx_paragraphs(data)).split())
    if kind == "xlsx":
        return " ".join(str(list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))).split())
    return " ".join(pdf_text(data).split())


@pytest.mark.slow  # PDFs through WeasyPrint
def test_published_week_exports_are_the_public_schedule_even_for_a_signed_in_editor(app, client, mixed):
    """/week/2026-W51.<kind> and /week/2026-W51/<slug>.<kind> (publish-feeds' paths): anyone may read the file."""
    slug = mixed["organization"]["slug"]
    create_editor(app)
    editor = app.test_client()
    assert sign_in(editor).status_code == 302
    for path in ("/week/2026-W51", f"/week/2026-W51/{slug}"):
        for kind in ("docx", "xlsx", "pdf"):
            answers = [caller.get(f"{path}.{kind}") for caller in (client, editor)]
            for response in answers:
                assert response.status_code == 200, (path, kind)
                text = _export_text(kind, response.data)
                assert PUBLIC in text and INTERNAL not in text, (path, kind)
                assert "private" not in response.headers.get("Cache-Control", "")
            assert answers[0].data == answers[1].data  # the same file for everyone
    for caller in (client, editor):  # the FullCalendar source publish-feeds writes (no start, end)
        text = caller.get(f"/feeds/organizations/{slug}.json").get_data(as_text=True)
        assert PUBLIC in text and INTERNAL not in text


def test_a_limited_token_follows_its_organization_through_a_new_slug(app, client, auth, limited):
    """Tokens name organizations by slug: a renamed slug, taken again by a new organization, must not carry the token."""
    renamed = limited["mine"] + "-moi"
    assert client.patch(f"/api/v1/organizations/{limited['mine']}", json={"slug": renamed},
                        headers=auth).status_code == 200
    assert client.post("/api/v1/organizations", json={"name": "Mượn tên cũ", "slug": limited["mine"]},
                       headers=auth).status_code == 201
    headers = limited["headers"]
    assert client.patch(f"/api/v1/organizations/{limited['mine']}", json={"short_name": "X"},
                        headers=headers).status_code == 403
    assert client.patch(f"/api/v1/organizations/{renamed}", json={"short_name": "M"}, headers=headers).status_code == 200
    listed = {t["id"]: t for t in client.get("/api/v1/tokens", headers=auth).get_json()["items"]}
    assert [renamed] in [t["organizations"] for t in listed.values()]


def test_a_token_limited_to_a_deleted_organization_does_not_take_over_its_successor(client, auth, make, app):
    gone = make.organization()
    headers = bearer(make_token(app, organizations=[gone["slug"]]))
    assert client.delete(f"/api/v1/organizations/{gone['slug']}", headers=auth).status_code == 204
    assert client.post("/api/v1/organizations", json={"name": "Cơ quan mới", "slug": gone["slug"]},
                       headers=auth).status_code == 201
    assert client.patch(f"/api/v1/organizations/{gone['slug']}", json={"short_name": "X"},
                        headers=headers).status_code == 403
    assert client.post("/api/v1/events", json=_timed(organizations=[gone["slug"]]), headers=headers).status_code == 403


# --- holidays: everyone reads them; only identities for every organization change them --------------

HOLIDAY = {"day": "2027-12-31", "name": "Nghỉ cuối năm"}


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("read-only", 403), ("organization-limited", 403),
                                         ("full token", 201), ("editor session", 201)])
def test_holiday_writes_need_an_identity_for_every_organization(app, client, limited, who, status):
    headers = {"anonymous": {}, "read-only": bearer(make_token(app, scope="read")),
               "organization-limited": limited["headers"], "full token": bearer(make_token(app))}.get(who)
    if who == "editor session":  # pages: the /holidays form with its CSRF token
        create_editor(app)
        sign_in(client)
        response = client.post("/holidays", data={**HOLIDAY, "csrf_token": page_csrf(client, "/holidays")})
        assert response.status_code == 302
        assert client.post("/api/v1/holidays", json=HOLIDAY).status_code == 401  # the API ignores the cookie
    else:
        response = client.post("/api/v1/holidays", json=HOLIDAY, headers=headers)
        assert response.status_code == status, response.get_json()
        if status == 201:
            holiday = response.get_json()["id"]
            for method in ("patch", "delete"):
                refused = getattr(client, method)(f"/api/v1/holidays/{holiday}", json={"name": "x"},
                                                  headers=limited["headers"])
                assert refused.status_code == 403
    listed = client.get("/api/v1/holidays?year=2027&limit=100").get_json()["items"]
    assert any(h["name"] == HOLIDAY["name"] for h in listed) == (status == 201)
    assert client.get("/feeds/holidays.ics").status_code == 200 and client.get("/holidays").status_code == 200


# --- issue 14: portal paths (anonymous, read-only, organization-limited, full token, editor session) -----------

def _portal_paths(limited) -> dict[str, str]:
    window = "start=2026-12-01&end=2027-02-01"
    return {"fullcalendar": f"/feeds/organizations/{limited['theirs']}.json?{window}",
            "fullcalendar_mine": f"/feeds/organizations/{limited['mine']}.json?{window}",
            "embed_organization": f"/embed/organizations/{limited['theirs']}",
            "embed_agreement": f"/embed/agreements/{limited['foreign']}",
            "events_etag": "/api/v1/events"}


@pytest.mark.parametrize("who", ["anonymous", "read", "headers", "full", "editor"])
def test_portal_reads_show_internal_events_only_by_their_own_rules(app, client, auth, limited, internal_of_each, who,
                                                                     clock):
    """FullCalendar and embed answer public events whoever asks (internal ones only with the feed's ?token=)."""
    clock.set(datetime(2026, 12, 1, tzinfo=timezone.utc))  # the embedded list shows what is coming
    headers = {"anonymous": {}, "read": limited["read"], "headers": limited["headers"], "full": auth,
               "editor": {}}[who]
    if who == "editor":
        create_editor(app)
        sign_in(client)
    for name, path in _portal_paths(limited).items():
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:200])
        text = response.get_data(as_text=True)
        if name != "events_etag":
            assert "Nội bộ" not in text, name  # no token in the URL: public events only, for everyone
        elif who in ("anonymous", "editor"):  # the API ignores the session cookie
            assert "Nội bộ" not in text
        elif who in ("read", "headers"):
            assert "Nội bộ giaoban của họ" not in text and "ngoài" not in text
        assert "Công khai giaoban" in text or name in ("fullcalendar_mine", "embed_agreement"), name


@pytest.mark.parametrize("who, listed, created", [("anonymous", 401, 401), ("read", 200, 403), ("headers", 200, 201),
                                                  ("full", 200, 201)])
def test_feed_links_api_by_credential(app, client, auth, limited, internal_of_each, who, listed, created):
    headers = {"anonymous": {}, "read": limited["read"], "headers": limited["headers"], "full": auth}[who]
    assert client.get("/api/v1/feed-links", headers=headers).status_code == listed
    response = client.post("/api/v1/feed-links", headers=headers, json={"name": "x", "organizations": [limited["mine"]]})
    assert response.status_code == created
    if created == 201:
        path = response.get_json()["feeds"]["https"].removeprefix("http://localhost")
        text = client.get(path).get_data(as_text=True)
        assert "Nội bộ giaoban của tôi" in text and "của họ" not in text and "ngoài" not in text
        outside = client.post("/api/v1/feed-links", headers=headers,
                              json={"name": "y", "organizations": [limited["theirs"]]})
        assert outside.status_code == (403 if who == "headers" else 201)


def test_feed_links_page_is_for_editors_only(app, client, auth):
    assert client.get("/me/feed-links", headers=auth).status_code == 302  # a token opens no page
    assert client.post("/me/feed-links", data={"name": "x"}).status_code in (302, 400)
    create_editor(app)
    sign_in(client)
    assert client.get("/me/feed-links").status_code == 200
    assert client.post("/me/feed-links", data={"name": "x"}).status_code == 400  # no CSRF token
# --- obligations (issue 13): an internal obligation is the parties' business only -------------------------

INTERNAL_OBLIGATION = "Nội bộ: chuẩn bị nhân sự giaoban"


@pytest.fixture
def obligation_world(app, client, auth, make, limited, clock):
    """An internal and a public obligation of `foreign` (theirs and third), both due on the held day; an editor."""
    from test_web import create_editor

    clock.set(datetime(2026, 12, 15, 3, tzinfo=timezone.utc))
    path = f"/api/v1/agreements/{limited['foreign']}/obligations"
    internal = client.post(path, headers=auth, json={"kind": "other", "title": INTERNAL_OBLIGATION,
                                                     "due_on": "2026-12-20", "visibility": "internal"}).get_json()
    public = client.post(path, headers=auth, json={"kind": "other", "title": "Công khai giaoban",
                                                   "due_on": "2026-12-21"}).get_json()
    create_editor(app)
    return {"path": path, "internal": internal, "public": public,
            "theirs": bearer(make_token(app, scope="read", organizations=[limited["theirs"]]))}


def _obligation_reads(limited, world) -> list[str]:
    foreign, theirs = limited["foreign"], limited["theirs"]
    return [world["path"], f"{world['path']}/{world['internal']['id']}", "/api/v1/follow-up",
            f"/api/v1/follow-up?organization={theirs}&state=upcoming,due", f"/agreements/{foreign}",
            f"/follow-up?organization={theirs}&state=due", f"/feeds/organizations/{theirs}.ics?obligations=1",
            f"/feeds/agreements/{foreign}.ics?obligations=1"]


@pytest.mark.parametrize("who, sees", [("anonymous", False), ("read", False), ("limited", False),
                                       ("party", True), ("full", True), ("editor", True)])
def test_internal_obligations_show_only_to_identities_in_scope(app, client, auth, limited, obligation_world, who,
                                                               sees):
    from test_web import sign_in

    headers = {"anonymous": {}, "read": {}, "limited": limited["read"], "party": obligation_world["theirs"],
               "full": auth, "editor": {}}[who]
    if who == "read":
        headers = bearer(make_token(app, scope="read", organizations=[limited["mine"]]))
    if who == "editor":
        sign_in(client)
    api_paths = [p for p in _obligation_reads(limited, obligation_world) if p.startswith("/api/")]
    for path in _obligation_reads(limited, obligation_world):
        response = client.get(path, headers=headers)
        # The API knows callers by their token only, pages editors by their session only; feeds hold
        # internal obligations only behind ?token=.
        by_api = sees and who != "editor"
        if path.endswith(f"/{obligation_world['internal']['id']}"):
            assert response.status_code == (200 if by_api else 404), (who, path)
            continue
        assert response.status_code == 200, (who, path)
        text = response.get_data(as_text=True)
        shown = by_api if path in api_paths else (who == "editor" and not path.startswith("/feeds/"))
        assert (INTERNAL_OBLIGATION in text) is shown, (who, path)
        assert "Công khai giaoban" in text, (who, path)


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("read", 403), ("limited", 403), ("one party", 403),
                                         ("full", None)])
def test_obligation_writes_need_every_partys_write_scope(app, client, auth, limited, obligation_world, who, status):
    tokens = {"anonymous": {}, "read": bearer(make_token(app, scope="read")), "limited": limited["headers"],
              "one party": bearer(make_token(app, organizations=[limited["theirs"]])), "full": auth}
    path, internal = obligation_world["path"], obligation_world["internal"]["id"]
    writes = [("post", path, {"kind": "other", "due_on": "2027-01-01"}),
              ("patch", f"{path}/{internal}", {"title": "Chiếm"}),
              ("put", f"{path}/{internal}/periods/1", {"held_on": "2026-12-20"}),
              ("delete", f"{path}/{internal}/periods/1", None),
              ("delete", f"{path}/{internal}", None)]
    before = client.get(path, headers=auth).get_json()
    for method, target, body in writes:
        response = getattr(client, method)(target, json=body, headers=tokens[who])
        assert response.status_code == (status or response.status_code) and response.status_code < 500, (who, target)
        if status is None:
            assert response.status_code in (200, 201, 204), (who, target, response.get_json())
    if status is not None:
        assert client.get(path, headers=auth).get_json() == before


def test_the_outcome_form_needs_an_editor_and_its_csrf_token(app, client, auth, limited, obligation_world, make):
    from test_web import csrf_token, sign_in

    event = make.event(agreement=limited["foreign"])
    form = {"period": f"{obligation_world['public']['id']}:1", "held_on": "2026-12-20"}
    assert "/login" in client.post(f"/events/{event['id']}/outcome",
                                   data={**form, "csrf_token": csrf_token(client)}).headers["Location"]
    sign_in(client)
    assert client.post(f"/events/{event['id']}/outcome", data=form).status_code == 400  # no CSRF token
    fulfilled = client.get(f"{obligation_world['path']}/{obligation_world['public']['id']}").get_json()
    assert fulfilled["progress"]["fulfilled"] == 0
