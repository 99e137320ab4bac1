"""The feed scenario of bench.run: cold build, one change, restart, memory, then warm and 304 under wrk."""

import json
import statistics
import time
from pathlib import Path

from .run import (FEED_PATH, HUB, PUBLIC_BASE_URL, ROOT, Server, app_env, compare, copy_database, get, print_table,
                  single_request_ms)

SOURCE_PATH = f"/feeds/organizations/{HUB}.json"  # FullCalendar's source as published (the feed's window)


def _token(database) -> tuple[str, int]:
    """A write token and a public event of the hub to change; the byte cache emptied for a true cold start."""
    from calendar_app.db import connect, write_transaction
    from calendar_app.repositories import tokens

    db = connect(str(database))
    with write_transaction(db):
        _record, secret = tokens.create(db, "bench-feeds", "write", None, 1)
    tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'").fetchall()}
    if "event_ical_cache" in tables:  # start from nothing: the first request is a full rebuild
        with write_transaction(db):
            db.execute("delete from event_ical_cache")
    event_id = db.execute(
        "select e.id from events e join event_organizations eo on eo.event_id = e.id join organizations o "
        "on o.id = eo.organization_id where o.slug = ? and e.visibility = 'public' and e.rrule is null "
        "and e.status = 'confirmed' and e.range_start > '2027' order by e.id limit 1", [HUB]).fetchone()[0]
    db.close()
    return secret, event_id


def _timed_get(server: Server, path: str, headers=None) -> tuple[float, int, dict, bytes]:
    """A GET and its wall time in ms."""
    began = time.perf_counter()
    status, response_headers, body = get(server, path, headers)
    return (time.perf_counter() - began) * 1000, status, response_headers, body


def _patch(server: Server, secret: str, event_id: int, title: str) -> None:
    """Rename one event through the API, as a client would."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("PATCH", f"/api/v1/events/{event_id}", body=json.dumps({"title": title}).encode(),
                       headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200, response.status


# Never seen by the process: each is the first request of a freshly started worker.
COLD_VARIANTS = {"after restart: a never-seen alarm=": "alarm=PT17M",
                 "after restart: a never-seen filter (kind=, cancelled=hide)": "kind=joint_workshop,review_meeting&cancelled=hide",
                 "after restart: prefix=1 and a never-seen alarm=": "prefix=1&alarm=PT19M"}


def run_feeds(args, work) -> dict:
    """The 10,000-event feed: single-request timings on one worker, then warm, 304 and static under wrk."""
    database = copy_database(args.db, work)
    secret, event_id = _token(database)
    env = app_env(database, work)
    timings = {}
    app = Server("wsgi:app", env, 1)
    try:
        get(app, f"/api/v1/organizations/{HUB}")  # the worker has booted: time the feed alone
        timings["full rebuild (first request, no stored bytes)"], status, headers, body = _timed_get(app, FEED_PATH)
        assert status == 200, status
        events_in_feed = body.count(b"BEGIN:VEVENT")
        print(f"{FEED_PATH}: {events_in_feed} VEVENTs, {len(body)} bytes, ETag {headers.get('ETag')}")
        warm = single_request_ms(app, FEED_PATH, 20)
        timings["warm (median of 20)"] = statistics.median(warm)
        not_modified = single_request_ms(app, FEED_PATH, 20, {"If-None-Match": headers["ETag"]})
        timings["304 (median of 20)"] = statistics.median(not_modified)
        changed = []
        for n in range(3):
            _patch(app, secret, event_id, f"Hội thảo Đà Nẵng — đổi tên lần {n + 1}")
            elapsed, status, _h, changed_body = _timed_get(app, FEED_PATH)
            assert status == 200 and "đổi tên lần".encode() in changed_body
            changed.append(elapsed)
        timings["first request after one event changed (median of 3)"] = statistics.median(changed)
        rss_one = app.worker_rss_mb()
    finally:
        app.stop()
    app = Server("wsgi:app", env, 1, port=app.port)
    try:
        timings["first request after restart, worker boot included"], status, _h, _b = _timed_get(app, FEED_PATH)
        assert status == 200
    finally:
        app.stop()
    app = Server("wsgi:app", env, 1, port=app.port)
    try:
        get(app, f"/api/v1/organizations/{HUB}")
        timings["first request after restart, worker booted"], status, _h, _b = _timed_get(app, FEED_PATH)
        assert status == 200
    finally:
        app.stop()
    for name, query in COLD_VARIANTS.items():  # issue 15: < 300 ms, from the stored templates
        app = Server("wsgi:app", env, 1, port=app.port)
        try:
            get(app, f"/api/v1/organizations/{HUB}")
            timings[name], status, _h, _b = _timed_get(app, f"{FEED_PATH}?{query}")
            assert status == 200, status
        finally:
            app.stop()
    full = timings["full rebuild (first request, no stored bytes)"]
    for name, value in timings.items():
        print(f"  {name:<55} {value:9.1f} ms")
    print(f"  one change / full rebuild: {timings['first request after one event changed (median of 3)'] / full:.3%}")
    print(f"  worker RSS after serving the feed: {', '.join(f'{m:.0f} MB' for m in rss_one)}")

    published, nginx = run_published(args, work, database, event_id)
    app = Server("wsgi:app", {**env}, args.workers)
    week_path = published["week export"]
    static_paths = [FEED_PATH, SOURCE_PATH, week_path]  # /bytes/0, 1, 2 of the minimal app
    minimal = Server("bench.minimal_app:app", {**env, "BENCH_SOURCE": f"http://127.0.0.1:{app.port}",
                                               "BENCH_PATHS": "|".join(static_paths)}, args.workers)
    try:
        _s, app_headers, app_body = get(app, FEED_PATH)
        _s, minimal_headers, minimal_body = get(minimal, "/bytes/0")
        assert app_body == minimal_body, "the comparison app must serve the same bytes"
        targets = [("feed 10k warm", app, FEED_PATH, "/bytes/0", (), ()),
                   ("feed 304", app, FEED_PATH, "/bytes/0", (f"If-None-Match: {app_headers['ETag']}",),
                    (f"If-None-Match: {minimal_headers['ETag']}",)),
                   ("hub .json (FullCalendar)", app, SOURCE_PATH, "/bytes/1", (), ()),
                   ("week .docx (hub)", app, week_path, "/bytes/2", (), ())]
        if nginx is not None:
            for n, (name, path) in enumerate((("feed 10k nginx static", FEED_PATH),
                                              ("hub .json nginx static", SOURCE_PATH),
                                              ("week .docx nginx static", week_path))):
                _s, _h, static_body = get(nginx, path)
                assert static_body == get(app, path)[2], f"the published {path} must equal the app's answer"
                targets.append((name, nginx, path, f"/bytes/{n}", (), ()))
        rows = compare(targets, minimal, args.rounds, args)
        rss = app.worker_rss_mb()
    finally:
        app.stop()
        minimal.stop()
        if nginx is not None:
            nginx.stop()
    print_table(rows)
    print(f"worker RSS after the load: {', '.join(f'{m:.0f} MB' for m in rss)}")
    return {"events_in_feed": events_in_feed, "bytes": len(body), "timings_ms": timings, "rss_mb": rss_one + rss,
            "rows": rows, "published": published}


NGINX_CONF = """daemon off;
worker_processes {workers};
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        include {snippet};
        location @app {{ return 502; }}
    }}
}}
"""


class Nginx:
    """nginx serving the published directory on 127.0.0.1 (the bench's stand-in for any static server)."""

    def __init__(self, binary: str, work: Path, root: Path, workers: int):
        import subprocess

        from .run import free_port

        for folder in (work, root):
            folder.chmod(0o755)  # nginx workers run as nobody
        self.port = free_port()
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workers=workers, work=work, port=self.port, root=root,
                                           snippet=ROOT / "deploy" / "nginx-feeds.conf"))
        self.process = subprocess.Popen([binary, "-p", str(work), "-c", str(conf)], start_new_session=True)
        time.sleep(1)

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        """Stop the nginx master (it stops its workers)."""
        self.process.terminate()
        self.process.wait(timeout=20)


def run_published(args, work, database, event_id):
    """publish-feeds: a full publish, the incremental one after a change; nginx then serves the directory."""
    import shutil

    from calendar_app import create_app
    from calendar_app.db import get_db, write_transaction
    from calendar_app.publish import Publisher
    from calendar_app.repositories import events

    site = work / "site"
    app = create_app({"DATABASE": str(database), "SECRET_KEY": "bench", "INSTANCE_PATH": str(work / "instance"),
                      "PUBLIC_BASE_URL": PUBLIC_BASE_URL})
    publisher = Publisher(app, site)
    began = time.perf_counter()
    written = publisher.publish_changed()
    full = time.perf_counter() - began
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            fields = events.stored_to_fields(events.get_row(db, event_id))
            current = events.get(db, event_id)
            fields.update(title="Tọa đàm Điện Biên — đã đổi", agreement=current["agreement"],
                          organizations=current["organizations"])
            events.update(db, event_id, fields, "bench")
    began = time.perf_counter()
    rewritten = publisher.publish_changed()
    incremental = time.perf_counter() - began
    print(f"\npublish-feeds: {len(written)} feeds in {full:.1f} s; after one event changed, "
          f"{len(rewritten)} feeds rewritten in {incremental:.2f} s")
    with app.app_context():
        from calendar_app.web.week import iso_week_path, today
        from calendar_app.week_schedule import monday_of
        week = iso_week_path(monday_of(today()), "docx", HUB)
    result = {"feeds": len(written), "full_s": full, "rewritten": len(rewritten), "incremental_s": incremental,
              "week export": week}
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        print("nginx is not installed: static serving not measured")
        return result, None
    return result, Nginx(binary, work, site, args.workers)
