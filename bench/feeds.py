"""The feed scenario of bench.run: cold build, one change, restart, memory, then warm and 304 under wrk."""

import json
import statistics
import time

from .run import FEED_PATH, HUB, Server, app_env, compare, copy_database, get, print_table, single_request_ms


def _token(database) -> str:
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
    began = time.perf_counter()
    status, response_headers, body = get(server, path, headers)
    return (time.perf_counter() - began) * 1000, status, response_headers, body


def _patch(server: Server, secret: str, event_id: int, title: str) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("PATCH", f"/api/v1/events/{event_id}", body=json.dumps({"title": title}).encode(),
                       headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200, response.status


def run_feeds(args, work) -> dict:
    database = copy_database(args.db, work)
    secret, event_id = _token(database)
    env = app_env(database, work)
    timings = {}
    app = Server("wsgi:app", env, 1)
    try:
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
    app = Server("wsgi:app", env, 1)
    try:
        timings["first request after restart"], status, _h, _b = _timed_get(app, FEED_PATH)
        assert status == 200
    finally:
        app.stop()
    full = timings["full rebuild (first request, no stored bytes)"]
    for name, value in timings.items():
        print(f"  {name:<55} {value:9.1f} ms")
    print(f"  one change / full rebuild: {timings['first request after one event changed (median of 3)'] / full:.3%}")
    print(f"  worker RSS after serving the feed: {', '.join(f'{m:.0f} MB' for m in rss_one)}")

    app = Server("wsgi:app", {**env}, args.workers)
    minimal = Server("bench.minimal_app:app", {**env, "BENCH_SOURCE": f"http://127.0.0.1:{app.port}",
                                               "BENCH_PATHS": FEED_PATH}, args.workers)
    try:
        _s, app_headers, app_body = get(app, FEED_PATH)
        _s, minimal_headers, minimal_body = get(minimal, "/bytes/0")
        assert app_body == minimal_body, "the comparison app must serve the same bytes"
        targets = [("feed 10k warm", app, FEED_PATH, "/bytes/0", (), ()),
                   ("feed 304", app, FEED_PATH, "/bytes/0", (f"If-None-Match: {app_headers['ETag']}",),
                    (f"If-None-Match: {minimal_headers['ETag']}",))]
        rows = compare(targets, minimal, args.rounds, args)
        rss = app.worker_rss_mb()
    finally:
        app.stop()
        minimal.stop()
    print_table(rows)
    print(f"worker RSS after the load: {', '.join(f'{m:.0f} MB' for m in rss)}")
    return {"events_in_feed": events_in_feed, "bytes": len(body), "timings_ms": timings, "rss_mb": rss_one + rss,
            "rows": rows}
