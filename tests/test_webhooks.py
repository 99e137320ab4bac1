"""Webhooks: the outbox is written with the change, deliveries are signed, retried, never redirected, and scoped."""

import hashlib
import hmac
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from calendar_app.clock import from_stored
from calendar_app.db import get_db
from calendar_app.repositories import audit
from calendar_app.webhooks import delivery

from conftest import make_token

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Hội nghị sơ kết Quy chế phối hợp — Đảng ủy Khối"


class Receiver:
    """An HTTP receiver on 127.0.0.1: records each request, answers from a script of statuses (then 200)."""

    def __init__(self):
        self.requests: "queue.Queue[dict]" = queue.Queue()
        self.answers: list = []
        self.hold = threading.Event()  # set: the next request waits until released (a receiver mid-answer)
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.put({"path": self.path, "headers": dict(self.headers), "body": body})
                if receiver.hold.is_set():
                    receiver.hold.clear()
                    receiver.release.wait(30)
                answer = receiver.answers.pop(0) if receiver.answers else 200
                status, location = (answer if isinstance(answer, tuple) else (answer, None))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self) -> list[dict]:
        found = []
        while not self.requests.empty():
            found.append(self.requests.get())
        return found

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def hooks_app(app):
    app.config["WEBHOOK_ALLOW_HTTP_HOSTS"] = ["127.0.0.1"]
    return app


@pytest.fixture
def org(make):
    return make.organization(name="Đảng ủy Khối các cơ quan Trung ương")


def create_webhook(client, headers, url, **fields):
    response = client.post("/api/v1/webhooks", json={"url": url, **fields}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliver(runner) -> str:
    result = runner.invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def deliveries(client, headers, webhook) -> list[dict]:
    response = client.get(f"/api/v1/webhooks/{webhook['id']}/deliveries", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def count_deliveries(app) -> int:
    with app.app_context():
        return get_db().execute("select count(*) from webhook_deliveries").fetchone()[0]


# --- signing and the body -------------------------------------------------------------------------------


def test_a_change_is_posted_signed_with_the_secret_shown_once(hooks_app, client, auth, make, org, receiver, runner):
    webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    assert webhook["secret"].startswith("whsec_")
    assert "secret" not in client.get(f"/api/v1/webhooks/{webhook['id']}", headers=auth).get_json()
    assert all("secret" not in w for w in client.get("/api/v1/webhooks", headers=auth).get_json()["items"])

    event = make.event(title=TITLE, organizations=[org["slug"]])
    assert deliver(runner).startswith("1 ")
    [request] = receiver.received()
    body = request["body"]
    expected = "sha256=" + hmac.new(webhook["secret"].encode(), body, hashlib.sha256).hexdigest()
    assert request["headers"]["X-Calendar-Signature"] == expected
    payload = json.loads(body.decode("utf-8"))
    assert payload["type"] == "event.created" and payload["change"] == "created"
    assert payload["event"]["title"] == TITLE and payload["event"]["id"] == event["id"]
    assert TITLE.encode() in body  # UTF-8 as it is, not \u escapes
    assert request["headers"]["X-Calendar-Delivery"] == payload["id"]
    [sent] = deliveries(client, auth, webhook)
    assert sent["state"] == "delivered" and [a["status"] for a in sent["attempts"]] == [200]
    assert deliver(runner).startswith("0 ")  # delivered once, not again


def test_each_kind_of_change_is_named(hooks_app, client, auth, make, org, receiver, runner):
    series = make.event(organizations=[org["slug"]], title="Giao ban", rrule="FREQ=WEEKLY;COUNT=4",
                        starts_at="2026-12-07T08:00:00+07:00", ends_at="2026-12-07T09:00:00+07:00")
    webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    path = f"/api/v1/events/{series['id']}"
    assert client.patch(path, json={"location": "Hà Nội"}, headers=auth).status_code == 200
    assert client.put(f"{path}/occurrences/2026-12-14T08:00:00+07:00", json={"status": "cancelled"},
                      headers=auth).status_code in (200, 201)
    assert client.patch(path, json={"status": "cancelled"}, headers=auth).status_code == 200
    assert client.delete(path, headers=auth).status_code == 204
    deliver(runner)
    assert [json.loads(r["body"])["change"] for r in receiver.received()] == [
        "updated", "updated", "cancelled", "deleted"]
    assert [d["change"] for d in deliveries(client, auth, webhook)] == ["deleted", "cancelled", "updated", "updated"]


def test_a_webhook_hears_only_the_changes_it_asked_for_of_what_it_follows(hooks_app, client, auth, make, org,
                                                                          receiver, runner):
    other = make.organization()
    create_webhook(client, auth, receiver.url, organizations=[org["slug"]], changes=["cancelled"])
    mine = make.event(organizations=[org["slug"]])
    make.event(organizations=[other["slug"]])
    client.patch(f"/api/v1/events/{mine['id']}", json={"status": "cancelled"}, headers=auth)
    deliver(runner)
    assert [json.loads(r["body"])["change"] for r in receiver.received()] == ["cancelled"]


def test_sub_units_are_followed_on_request(hooks_app, client, auth, make, org, receiver, runner):
    unit = make.organization(parent=org["slug"])
    create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    create_webhook(client, auth, receiver.url + "?children", organizations=[org["slug"]], include_children=True)
    make.event(organizations=[unit["slug"]])
    deliver(runner)
    assert [r["path"] for r in receiver.received()] == ["/hook?children"]


# --- the outbox -----------------------------------------------------------------------------------------


def test_a_failed_write_sends_nothing(hooks_app, client, auth, make, org, receiver, runner, monkeypatch):
    create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    event = make.event(organizations=[org["slug"]])
    deliver(runner)
    receiver.received()

    def fail(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "record", fail)  # fails after the change and its outbox rows were written
    hooks_app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.patch(f"/api/v1/events/{event['id']}", json={"title": "Đổi tên"}, headers=auth).status_code == 500
    monkeypatch.undo()
    assert count_deliveries(hooks_app) == 1  # only the creation's
    assert client.get(f"/api/v1/events/{event['id']}").get_json()["title"] == event["title"]
    deliver(runner)
    assert receiver.received() == []


def test_a_worker_killed_mid_delivery_loses_nothing(hooks_app, client, auth, make, org, receiver, runner, clock,
                                                    tmp_path):
    """Committed, the worker SIGKILLed while the receiver is answering: the next worker sends it again."""
    clock.set(datetime.now(timezone.utc))  # the worker below runs on the real clock
    webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    make.event(title=TITLE, organizations=[org["slug"]])  # committed; no worker runs yet
    receiver.hold.set()
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "calendar_app", "webhooks", "deliver"], cwd=ROOT,
        env={**os.environ, "CALENDAR_APP_DATABASE": hooks_app.config["DATABASE"],
             "CALENDAR_APP_SECRET_KEY": "test-secret", "CALENDAR_APP_WEBHOOK_ALLOW_HTTP_HOSTS": '["127.0.0.1"]'},
        stdout=log, stderr=log)
    try:
        first = receiver.requests.get(timeout=30)
    except queue.Empty:
        pytest.fail("the worker sent nothing: " + (tmp_path / "worker.log").read_text(errors="replace")[-2000:])
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        log.close()
    [pending] = deliveries(client, auth, webhook)
    assert pending["state"] == "pending" and pending["attempts"] == []
    deliver(runner)
    assert receiver.received() == []  # the dead worker's lease still holds
    lease = hooks_app.config["WEBHOOK_TIMEOUT_SECONDS"] + delivery.LEASE_MARGIN_SECONDS
    clock.advance(timedelta(seconds=lease + 60))  # and the worker's start-up
    deliver(runner)
    [again] = receiver.received()
    assert again["body"] == first["body"]
    assert again["headers"]["X-Calendar-Delivery"] == first["headers"]["X-Calendar-Delivery"]
    assert deliveries(client, auth, webhook)[0]["state"] == "delivered"


# --- retries --------------------------------------------------------------------------------------------


def test_failures_are_retried_with_growing_waits_then_given_up_after_a_day(hooks_app, client, auth, make, org,
                                                                           receiver, runner, clock):
    clock.set(datetime(2026, 12, 1, 8, tzinfo=timezone.utc))
    webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    make.event(organizations=[org["slug"]])
    receiver.answers = [500] * 100
    deliver(runner)
    deliver(runner)  # not due again yet
    assert len(receiver.received()) == 1
    waits = []
    for _ in range(4):
        [pending] = deliveries(client, auth, webhook)
        due = from_stored(pending["next_attempt_at"])
        waits.append(int((due - clock.advance(timedelta(0))).total_seconds()))
        clock.set(due)
        deliver(runner)
    assert waits == [30, 60, 120, 240]
    clock.advance(timedelta(hours=25))
    deliver(runner)
    [failed] = deliveries(client, auth, webhook)
    assert failed["state"] == "failed" and len(failed["attempts"]) == 6
    assert all(a["status"] == 500 for a in failed["attempts"])
    clock.advance(timedelta(hours=1))
    deliver(runner)
    assert len(receiver.received()) == 5  # nothing after giving up


def test_a_retry_that_succeeds_ends_the_delivery(hooks_app, client, auth, make, org, receiver, runner, clock):
    clock.set(datetime(2026, 12, 1, 8, tzinfo=timezone.utc))
    webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    make.event(organizations=[org["slug"]])
    receiver.answers = [503]
    deliver(runner)
    clock.advance(timedelta(seconds=30))
    deliver(runner)
    [done] = deliveries(client, auth, webhook)
    assert done["state"] == "delivered" and [a["status"] for a in done["attempts"]] == [503, 200]


def test_redirects_are_never_followed(hooks_app, client, auth, make, org, receiver, runner):
    other = Receiver()
    try:
        webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
        receiver.answers = [(302, other.url)]
        make.event(organizations=[org["slug"]])
        deliver(runner)
        assert len(receiver.received()) == 1 and other.received() == []
        [pending] = deliveries(client, auth, webhook)
        assert pending["state"] == "pending" and pending["attempts"][0]["status"] == 302
        assert "redirects are not followed" in pending["attempts"][0]["error"]
    finally:
        other.close()


def test_an_unreachable_receiver_is_an_attempt_with_its_error(hooks_app, client, auth, make, org, runner):
    closed = Receiver()
    url = closed.url
    closed.close()
    webhook = create_webhook(client, auth, url, organizations=[org["slug"]])
    make.event(organizations=[org["slug"]])
    deliver(runner)
    [pending] = deliveries(client, auth, webhook)
    assert pending["state"] == "pending" and pending["attempts"][0]["status"] is None
    assert pending["attempts"][0]["error"]


def test_backoff_doubles_up_to_its_ceiling():
    assert [delivery.next_wait(n, 30, 3600) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


# --- receivers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url, allowed, ok", [
    ("https://cong.example.vn/hook", [], True),
    ("http://cong.example.vn/hook", [], False),
    ("http://127.0.0.1:9/hook", [], False),
    ("http://127.0.0.1:9/hook", ["127.0.0.1"], True),
    ("https://user:pass@cong.example.vn/hook", [], False),
    ("ftp://cong.example.vn/hook", [], False),
    ("https:///hook", [], False),
])
def test_receivers_must_be_https_or_an_allowed_http_host(app, client, auth, org, url, allowed, ok):
    app.config["WEBHOOK_ALLOW_HTTP_HOSTS"] = allowed
    response = client.post("/api/v1/webhooks", json={"url": url, "organizations": [org["slug"]]}, headers=auth)
    assert response.status_code == (201 if ok else 422), response.get_json()
    if not ok:
        assert "url" in response.get_json()["errors"]


def test_bad_fields_are_reported_together(hooks_app, client, auth):
    response = client.post("/api/v1/webhooks", json={"url": "nope", "organizations": ["khong-co"],
                                                     "changes": ["moved"], "include_children": "x"}, headers=auth)
    assert response.status_code == 422
    assert {"url", "changes", "include_children"} <= set(response.get_json()["errors"])
    unknown = client.post("/api/v1/webhooks", json={"url": "https://a.example/h", "organizations": ["khong-co"],
                                                    "agreements": ["khong-co-nua"]}, headers=auth)
    assert unknown.status_code == 422 and {"organizations", "agreements"} == set(unknown.get_json()["errors"])
    assert client.get("/api/v1/webhooks", headers=auth).get_json()["items"] == []


def test_a_webhook_can_be_paused_changed_and_deleted(hooks_app, client, auth, make, org, receiver, runner):
    webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    path = f"/api/v1/webhooks/{webhook['id']}"
    assert client.patch(path, json={"active": False}, headers=auth).get_json()["active"] is False
    make.event(organizations=[org["slug"]])
    assert client.patch(path, json={"url": "http://cong.example.vn/h"}, headers=auth).status_code == 422
    assert client.patch(path, json={"active": True, "changes": ["deleted"]}, headers=auth).status_code == 200
    make.event(organizations=[org["slug"]])
    deliver(runner)
    assert receiver.received() == []
    assert client.delete(path, headers=auth).status_code == 204
    assert client.get(path, headers=auth).status_code == 404
    with hooks_app.app_context():
        assert get_db().execute("select count(*) from webhook_deliveries").fetchone()[0] == 0
        actions = [r[0] for r in get_db().execute("select action from audit_log where entity = 'webhook' order by id")]
    assert actions == ["create", "update", "update", "delete"]


def test_a_token_keeps_a_bounded_number_of_webhooks(hooks_app, client, auth, org):
    hooks_app.config["WEBHOOK_MAX_PER_TOKEN"] = 2
    for _ in range(2):
        create_webhook(client, auth, "https://a.example/h", organizations=[org["slug"]])
    response = client.post("/api/v1/webhooks", json={"url": "https://a.example/h"}, headers=auth)
    assert response.status_code == 409


# --- scope ----------------------------------------------------------------------------------------------


@pytest.fixture
def two(make):
    """Organizations X and Y, and an agreement between Y and Z."""
    x, y, z = make.organization(), make.organization(), make.organization()
    a = make.agreement(parties=[{"organization": y["slug"], "role": "signatory"},
                                {"organization": z["slug"], "role": "party"}])
    return {"X": x["slug"], "Y": y["slug"], "A": a["slug"]}


def test_a_limited_token_follows_only_its_own(hooks_app, client, two):
    limited = {"Authorization": f"Bearer {make_token(hooks_app, organizations=[two['X']])}"}
    for body in ({"organizations": [two["Y"]]}, {"agreements": [two["A"]]}, {},
                 {"organizations": [two["X"], two["Y"]]}):
        response = client.post("/api/v1/webhooks", json={"url": "https://a.example/h", **body}, headers=limited)
        assert response.status_code == 403, body
    assert client.post("/api/v1/webhooks", json={"url": "https://a.example/h", "organizations": [two["X"]]},
                       headers=limited).status_code == 201
    read_only = {"Authorization": f"Bearer {make_token(hooks_app, scope='read')}"}
    assert client.post("/api/v1/webhooks", json={"url": "https://a.example/h"}, headers=read_only).status_code == 403
    assert client.get("/api/v1/webhooks").status_code == 401
    assert client.post("/api/v1/webhooks", json={"url": "https://a.example/h"}).status_code == 401


def test_webhooks_are_seen_only_within_the_tokens_scope(hooks_app, client, auth, two):
    x_token = {"Authorization": f"Bearer {make_token(hooks_app, organizations=[two['X']])}"}
    y_token = {"Authorization": f"Bearer {make_token(hooks_app, organizations=[two['Y']])}"}
    of_x = create_webhook(client, x_token, "https://a.example/x", organizations=[two["X"]])
    of_all = create_webhook(client, auth, "https://a.example/all")
    assert [w["id"] for w in client.get("/api/v1/webhooks", headers=x_token).get_json()["items"]] == [of_x["id"]]
    assert client.get("/api/v1/webhooks", headers=y_token).get_json()["items"] == []
    assert {w["id"] for w in client.get("/api/v1/webhooks", headers=auth).get_json()["items"]} == {
        of_x["id"], of_all["id"]}
    for path in (f"/api/v1/webhooks/{of_x['id']}", f"/api/v1/webhooks/{of_x['id']}/deliveries"):
        assert client.get(path, headers=y_token).status_code == 404
    assert client.get(f"/api/v1/webhooks/{of_all['id']}", headers=x_token).status_code == 404
    assert client.patch(f"/api/v1/webhooks/{of_x['id']}", json={"active": False}, headers=y_token).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{of_all['id']}", headers=x_token).status_code == 404


def test_internal_events_reach_only_webhooks_whose_scope_takes_part(hooks_app, client, auth, make, two, receiver,
                                                                     runner):
    x_token = {"Authorization": f"Bearer {make_token(hooks_app, organizations=[two['X']])}"}
    create_webhook(client, x_token, receiver.url + "?x", organizations=[two["X"]])
    create_webhook(client, auth, receiver.url + "?all")
    make.event(title="Họp nội bộ của Y", organizations=[two["Y"]], visibility="internal")
    make.event(title="Họp nội bộ của X", organizations=[two["X"]], visibility="internal")
    make.event(title="Lễ ký công khai của X và Y", organizations=[two["X"], two["Y"]])
    deliver(runner)
    heard = sorted((r["path"], json.loads(r["body"])["event"]["title"]) for r in receiver.received())
    assert heard == sorted([
        ("/hook?all", "Họp nội bộ của Y"), ("/hook?all", "Họp nội bộ của X"), ("/hook?all", "Lễ ký công khai của X và Y"),
        ("/hook?x", "Họp nội bộ của X"), ("/hook?x", "Lễ ký công khai của X và Y")])


def test_an_event_leaving_what_a_webhook_follows_is_deleted_for_it(hooks_app, client, auth, make, two, receiver,
                                                                    runner):
    """What X's webhook can see of one event decides the change it is told: created, updated, deleted, created."""
    x_token = {"Authorization": f"Bearer {make_token(hooks_app, organizations=[two['X']])}"}
    create_webhook(client, x_token, receiver.url, organizations=[two["X"]])
    event = make.event(organizations=[two["X"], two["Y"]])
    path = f"/api/v1/events/{event['id']}"
    # X takes part: the internal event stays visible to X's webhook.
    client.patch(path, json={"visibility": "internal"}, headers=auth)
    # X leaves it: X's webhook no longer follows it.
    client.patch(path, json={"organizations": [two["Y"]]}, headers=auth)
    # Public again, X back: it appears again.
    client.patch(path, json={"visibility": "public", "organizations": [two["X"]]}, headers=auth)
    deliver(runner)
    assert [json.loads(r["body"])["change"] for r in receiver.received()] == ["created", "updated", "deleted",
                                                                              "created"]


def test_a_public_only_webhook_sees_an_event_turned_internal_as_deleted(hooks_app, client, auth, make, two, receiver,
                                                                        runner):
    x_token = {"Authorization": f"Bearer {make_token(hooks_app, organizations=[two['X']])}"}
    webhook_token_x = create_webhook(client, x_token, receiver.url, organizations=[two["X"]], include_children=True)
    unit = make.organization(parent=two["X"])
    event = make.event(organizations=[unit["slug"]])  # a sub-unit's event: X's scope does not take part
    client.patch(f"/api/v1/events/{event['id']}", json={"visibility": "internal"}, headers=auth)
    client.patch(f"/api/v1/events/{event['id']}", json={"title": "Nội bộ, đổi tên"}, headers=auth)
    deliver(runner)
    bodies = [json.loads(r["body"]) for r in receiver.received()]
    assert [b["change"] for b in bodies] == ["created", "deleted"]
    assert bodies[1]["event"]["visibility"] == "public"  # what it last saw, never the internal state
    assert "Nội bộ" not in json.dumps(deliveries(client, x_token, webhook_token_x), ensure_ascii=False)


def test_revoking_the_creating_token_stops_its_webhooks(hooks_app, client, auth, make, org, receiver, runner):
    secret = make_token(hooks_app)
    owner = {"Authorization": f"Bearer {secret}"}
    create_webhook(client, owner, receiver.url, organizations=[org["slug"]])
    make.event(organizations=[org["slug"]])  # pending when the token goes
    token_id = int(secret.split("_")[1])
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=auth).status_code == 200
    make.event(organizations=[org["slug"]])
    assert count_deliveries(hooks_app) == 1
    deliver(runner)
    assert receiver.received() == []
    with hooks_app.app_context():
        state, error = get_db().execute("select state, last_error from webhook_deliveries").fetchone()
    assert state == "failed" and "revoked" in error


def test_a_write_with_no_webhook_reads_nothing_more(app, client, auth, make):
    make.event()
    assert count_deliveries(app) == 0


def test_make_run_starts_the_delivery_worker_beside_the_server():
    printed = subprocess.run(["make", "-s", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "webhooks deliver" in printed


def test_the_readmes_receiver_accepts_a_real_delivery_and_refuses_a_forged_one(hooks_app, client, auth, make, org,
                                                                               receiver, runner, capsys):
    readme = (ROOT / "README.md").read_text()
    code = readme.split("A receiver verifying the signature", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    webhook = create_webhook(client, auth, receiver.url, organizations=[org["slug"]])
    make.event(title=TITLE, organizations=[org["slug"]])
    deliver(runner)
    [sent] = receiver.received()
    namespace = {"__name__": "readme_receiver"}  # Flask(__name__) needs a module name with a root path
    exec(code.replace('b"whsec_…"', repr(webhook["secret"].encode())), namespace)  # noqa: S102 (our own README)
    portal = namespace["app"].test_client()
    headers = {k: v for k, v in sent["headers"].items() if k.startswith("X-Calendar") or k == "Content-Type"}
    assert portal.post("/lich-hook", data=sent["body"], headers=headers).status_code == 204
    assert portal.post("/lich-hook", data=sent["body"], headers=headers).status_code == 204  # a repeat: dropped
    assert capsys.readouterr().out.count(TITLE) == 1
    forged = sent["body"].replace(TITLE.encode(), "Giả mạo".encode())
    assert portal.post("/lich-hook", data=forged, headers=headers).status_code == 401
