"""feed_versions: every write moves exactly the scopes it changed, and public twins only for public content."""

import pytest

from calendar_app.db import get_db
from calendar_app.repositories import feed_versions

CRLF = "\r\n"
ICS = CRLF.join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT",
                 "UID:nhap-khau@example.vn", "DTSTAMP:20261101T000000Z", "SUMMARY:Hội nghị nhập khẩu",
                 "DTSTART;TZID=Asia/Ho_Chi_Minh:20261215T083000", "DTEND;TZID=Asia/Ho_Chi_Minh:20261215T110000",
                 "END:VEVENT", "END:VCALENDAR", ""]).encode()
SERIES = {"title": "Giao ban hằng tuần", "rrule": "FREQ=WEEKLY;COUNT=5",
          "starts_at": "2026-12-07T08:00:00+07:00", "ends_at": "2026-12-07T09:00:00+07:00"}
OCCURRENCE = "2026-12-14T08:00:00+07:00"


@pytest.fixture
def world(client, make, auth):
    """P above C; agreement A between C and X; a public event of C, an internal one of C under A, a series of X."""
    p = make.organization(name="Ủy ban nhân dân Thành phố")
    c = make.organization(name="Sở Tư pháp", parent=p["slug"])
    x = make.organization(name="Đoàn Thanh niên")
    a = make.agreement(parties=[{"organization": c["slug"], "role": "signatory"},
                                {"organization": x["slug"], "role": "party"}])
    public = make.event(title="Lễ ký kết công khai", organizations=[c["slug"]])
    internal = make.event(title="Họp nội bộ", organizations=[c["slug"]], agreement=a["slug"], visibility="internal")
    series = make.event(organizations=[x["slug"]], **SERIES)
    spare_organization = make.organization(name="Đơn vị chưa có sự kiện")
    spare_agreement = make.agreement(parties=[{"organization": p["slug"], "role": "signatory"},
                                              {"organization": spare_organization["slug"], "role": "party"}])
    return {"P": p["id"], "C": c["id"], "X": x["id"], "A": a["id"], "Epub": public["id"], "Eint": internal["id"],
            "Erec": series["id"], "slug": {"P": p["slug"], "C": c["slug"], "X": x["slug"], "A": a["slug"],
                                           "Z": spare_organization["slug"], "B": spare_agreement["slug"]},
            "Z": spare_organization["id"], "B": spare_agreement["id"]}


def _versions(app) -> dict[str, int]:
    with app.app_context():
        return dict(get_db().execute("select scope, version from feed_versions").fetchall())


def _moved(before: dict, after: dict) -> tuple[set[str], set[str]]:
    """(full scopes moved, public twins moved, without their prefix)."""
    moved = {scope for scope, version in after.items() if before.get(scope) != version}
    return ({s for s in moved if not s.startswith("public:")},
            {s.removeprefix("public:") for s in moved if s.startswith("public:")})


def _scopes(names: str, ids: dict, new: int | None) -> set[str]:
    """'event:Epub organization:C' with the world's ids; 'all' joins any non-empty set."""
    values = {**ids, "new": new}
    scopes = {f"{kind}:{values[key]}" if key else kind for kind, key in (name.partition(":")[::2]
                                                                        for name in names.split())}
    return scopes | {"all"} if scopes or names == "all:" else scopes


EV_PUB = "event:Epub organization:C organization:P"
EV_INT = "event:Eint agreement:A organization:C organization:P organization:X"

# An obligation of A shows in A's feed and in its parties' (C, X) and their ancestors' (P) with ?obligations=1.
OBLIGATIONS_OF_A = "agreement:A organization:C organization:P organization:X"
NEW_OBLIGATION = {"kind": "other", "due_on": "2026-12-31"}

# (name, method, path, body, full scopes moved, public twins moved, setup)
CASES = [
    ("create a public event", "POST", "/api/v1/events", lambda w: {
        "title": "Mới", "kind": "other", "organizations": [w["slug"]["X"]],
        "starts_at": "2026-12-20T08:00:00+07:00", "ends_at": "2026-12-20T09:00:00+07:00"},
     "event:new organization:X", "event:new organization:X", None),
    ("edit a public event", "PATCH", "/api/v1/events/{Epub}", {"title": "Đổi tên"}, EV_PUB, EV_PUB, None),
    ("edit an internal event", "PATCH", "/api/v1/events/{Eint}", {"title": "Đổi tên nội bộ"}, EV_INT, "", None),
    ("move a public event to another organization", "PATCH", "/api/v1/events/{Epub}",
     lambda w: {"organizations": [w["slug"]["X"]]}, EV_PUB + " organization:X", EV_PUB + " organization:X", None),
    ("publish an internal event", "PATCH", "/api/v1/events/{Eint}", {"visibility": "public"}, EV_INT, EV_INT, None),
    ("make a public event internal", "PATCH", "/api/v1/events/{Epub}", {"visibility": "internal"}, EV_PUB, EV_PUB,
     None),
    ("delete an internal event", "DELETE", "/api/v1/events/{Eint}", None, EV_INT, "", None),
    ("override an occurrence", "PUT", "/api/v1/events/{Erec}/occurrences/" + OCCURRENCE, {"status": "cancelled"},
     "event:Erec organization:X", "event:Erec organization:X", None),
    ("restore an occurrence", "DELETE", "/api/v1/events/{Erec}/occurrences/" + OCCURRENCE, None,
     "event:Erec organization:X", "event:Erec organization:X",
     ("PUT", "/api/v1/events/{Erec}/occurrences/" + OCCURRENCE, {"status": "cancelled"})),
    ("create an organization", "POST", "/api/v1/organizations", {"slug": "moi", "name": "Đơn vị mới"},
     "organization:new", "organization:new", None),
    ("rename an organization", "PATCH", "/api/v1/organizations/{slug[C]}", {"name": "Sở Tư pháp mới"},
     "organization:C " + EV_PUB + " " + EV_INT, "organization:C " + EV_PUB, None),
    ("move an organization under another", "PATCH", "/api/v1/organizations/{slug[X]}", lambda w: {"parent": w["slug"]["P"]},
     "organization:X event:Erec organization:P " + EV_INT, "organization:X event:Erec organization:P", None),
    ("delete an organization", "DELETE", "/api/v1/organizations/{slug[Z]}", None, "organization:Z",
     "organization:Z", ("DELETE", "/api/v1/agreements/{slug[B]}", None)),
    ("rotate a private feed token", "POST", "/api/v1/organizations/{slug[C]}/feed-token", None, "organization:C", "",
     None),
    ("create an agreement", "POST", "/api/v1/agreements", lambda w: {
        "slug": "moi", "title": "Quy chế mới", "kind": "regulation",
        "parties": [{"organization": w["slug"]["X"], "role": "signatory"},
                    {"organization": w["slug"]["P"], "role": "party"}]}, "agreement:new", "agreement:new", None),
    ("edit an agreement", "PATCH", "/api/v1/agreements/{slug[A]}", {"title": "Quy chế sửa đổi"},
     "agreement:A " + EV_INT, "agreement:A", None),
    ("change an agreement's parties", "PATCH", "/api/v1/agreements/{slug[A]}",
     lambda w: {"parties": [{"organization": w["slug"]["C"], "role": "signatory"},
                            {"organization": w["slug"]["P"], "role": "party"}]}, "agreement:A " + EV_INT,
     "agreement:A", None),
    ("delete an agreement", "DELETE", "/api/v1/agreements/{slug[B]}", None, "agreement:B", "agreement:B", None),
    ("import events", "POST", "/api/v1/import?organization={slug[X]}", ICS, "event:new organization:X",
     "event:new organization:X", None),
    ("add an obligation", "POST", "/api/v1/agreements/{slug[A]}/obligations", {"kind": "other", "due_on": "2026-12-31"},
     OBLIGATIONS_OF_A, OBLIGATIONS_OF_A, None),
    ("add an internal obligation", "POST", "/api/v1/agreements/{slug[A]}/obligations",
     {"kind": "other", "due_on": "2026-12-31", "visibility": "internal"}, OBLIGATIONS_OF_A, "", None),
    ("change an obligation", "PATCH", "/api/v1/agreements/{slug[A]}/obligations/1", {"title": "Báo cáo quý"},
     OBLIGATIONS_OF_A, OBLIGATIONS_OF_A, ("POST", "/api/v1/agreements/{slug[A]}/obligations", NEW_OBLIGATION)),
    ("record a period", "PUT", "/api/v1/agreements/{slug[A]}/obligations/1/periods/1", {"held_on": "2026-12-20"},
     OBLIGATIONS_OF_A, OBLIGATIONS_OF_A, ("POST", "/api/v1/agreements/{slug[A]}/obligations", NEW_OBLIGATION)),
    ("delete an obligation", "DELETE", "/api/v1/agreements/{slug[A]}/obligations/1", None,
     OBLIGATIONS_OF_A, OBLIGATIONS_OF_A, ("POST", "/api/v1/agreements/{slug[A]}/obligations", NEW_OBLIGATION)),
    ("create a token", "POST", "/api/v1/tokens", {"name": "cổng thông tin", "scope": "read"}, "", "", None),
    ("revoke a token", "DELETE", "/api/v1/tokens/1", None, "", "", None),
    ("create a webhook", "POST", "/api/v1/webhooks", {"url": "https://cong.example.vn/hook"}, "", "", None),
    ("change a webhook", "PATCH", "/api/v1/webhooks/1", {"active": False}, "", "",
     ("POST", "/api/v1/webhooks", {"url": "https://cong.example.vn/hook"})),
    ("delete a webhook", "DELETE", "/api/v1/webhooks/1", None, "", "",
     ("POST", "/api/v1/webhooks", {"url": "https://cong.example.vn/hook"})),
    # Holidays hold no event: only the holidays feed's scope moves (and "all", as every write does).
    ("add a holiday", "POST", "/api/v1/holidays", {"day": "2027-12-31", "name": "Nghỉ cuối năm"}, "holidays",
     "holidays", None),
    ("rename a holiday", "PATCH", "/api/v1/holidays/1", {"name": "Tết Dương lịch (1/1)"}, "holidays", "holidays", None),
    ("delete a holiday", "DELETE", "/api/v1/holidays/1", None, "holidays", "holidays", None),
    # Personal feed links change no feed's bytes: their feed is never kept by URL (feeds/personal.py).
    ("create a personal feed link", "POST", "/api/v1/feed-links", lambda w: {"name": "x", "organizations": [w["slug"]["C"]]},
     "", "", None),
    ("revoke a personal feed link", "DELETE", "/api/v1/feed-links/1", None, "", "",
     ("POST", "/api/v1/feed-links", lambda w: {"name": "x", "organizations": [w["slug"]["C"]]})),
]


def _path(template: str, world: dict) -> str:
    return template.format(**world)


def _rows(app) -> set[tuple[str, int]]:
    with app.app_context():
        return set(get_db().execute("select 'events', id from events union select 'organizations', id from "
                                    "organizations union select 'agreements', id from agreements").fetchall())


def _send(client, auth, method, path, body):
    if isinstance(body, bytes):
        return client.open(path, method=method, data=body, headers={**auth, "Content-Type": "text/calendar"})
    return client.open(path, method=method, json=body, headers=auth)


@pytest.mark.parametrize("name, method, path, body, full, public, setup", CASES, ids=[c[0] for c in CASES])
def test_each_write_moves_exactly_the_scopes_it_changed(app, client, auth, world, name, method, path, body,
                                                        full, public, setup):
    if setup:
        setup_body = setup[2](world) if callable(setup[2]) else setup[2]
        assert _send(client, auth, setup[0], _path(setup[1], world), setup_body).status_code < 300
    body = body(world) if callable(body) else body
    rows, before = _rows(app), _versions(app)
    response = _send(client, auth, method, _path(path, world), body)
    assert response.status_code < 300, response.get_json()
    created = _rows(app) - rows
    new = created.pop()[1] if created else None
    assert _moved(before, _versions(app)) == (_scopes(full, world, new), _scopes(public, world, new))


def test_rebuilding_the_occurrence_index_moves_the_lists_only(app, world, runner):
    before = _versions(app)
    assert runner.invoke(args=["rebuild-occurrences"]).exit_code == 0
    assert _moved(before, _versions(app)) == ({"all"}, {"all"})


def test_every_api_write_route_is_in_the_table(app):
    """A new write route must say which scopes it moves (add it to CASES)."""
    covered = {(method, path.split("?")[0].split("/{")[0].rstrip("/")) for _n, method, path, *_rest in CASES}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}:
            prefix = rule.rule.split("/<")[0]
            assert any(m == method and (p == prefix or p.startswith(prefix)) for m, p in covered), (method, rule.rule)


# --- defect 5: public validators move only with public content -----------------------------------------


@pytest.fixture
def later(monkeypatch):
    """Call it to stamp the writes that follow far later, so a moved Last-Modified shows."""
    return lambda: monkeypatch.setattr(feed_versions, "now_stored", lambda: "2099-01-02T00:00:00Z")


def _validators(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.headers["ETag"], response.headers["Last-Modified"]


def test_an_internal_edit_leaves_the_public_feeds_alone_and_moves_the_private_one(app, client, auth, world, later):
    slug = world["slug"]["C"]
    token = client.get(f"/api/v1/organizations/{slug}/feed-token", headers=auth).get_json()["token"]
    public_paths = [f"/feeds/organizations/{slug}.ics", f"/feeds/organizations/{slug}.ics?include_children=1",
                    f"/feeds/agreements/{world['slug']['A']}.ics", "/feeds/all.ics",
                    f"/feeds/all.ics?organizations={slug}"]
    private = f"/feeds/organizations/{slug}.ics?token={token}"
    before = {path: _validators(client, path) for path in [*public_paths, private]}
    later()
    assert client.patch(f"/api/v1/events/{world['Eint']}", json={"title": "Họp nội bộ (dời lịch)"},
                        headers=auth).status_code == 200
    after = {path: _validators(client, path) for path in [*public_paths, private]}
    assert {path: after[path] for path in public_paths} == {path: before[path] for path in public_paths}
    assert after[private][0] != before[private][0] and after[private][1] != before[private][1]


def test_a_public_edit_moves_the_public_feed(client, auth, world, later):
    path = f"/feeds/organizations/{world['slug']['C']}.ics"
    before = _validators(client, path)
    later()
    assert client.patch(f"/api/v1/events/{world['Epub']}", json={"title": "Lễ ký kết (dời lịch)"},
                        headers=auth).status_code == 200
    after = _validators(client, path)
    assert after[0] != before[0] and after[1] != before[1]
