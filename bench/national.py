"""One-request figures at scale: database size, worker memory, feeds, lists, search, pages, publish-feeds.

    .venv/bin/python -m bench.national --db bench/data/national-1000000.sqlite3 [--publish]
    .venv/bin/python -m bench.national --db bench/data/events-10000.sqlite3 --publish

Works on a copy of the database. Everything but publishing goes over HTTP to `gunicorn --workers 2`
(sync) on 127.0.0.1; each figure is the median wall time of sequential requests on one connection
(the first request of a kind is reported on its own: it builds what later ones reuse). With
--publish, `publish-feeds` runs in process from scratch, then one event of the hub is renamed and
the --watch round that follows is timed, with the files it wrote. Prints one line per figure and
writes them to bench/results/national-<events>-<time>.json.
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from .feeds import _patch, _timed_get, _token
from .run import FEED_PATH, HUB, ROOT, Server, app_env, copy_database, single_request_ms

WEEK = ("/api/v1/occurrences?from=2028-06-05T00:00:00%2B07:00&to=2028-06-12T00:00:00%2B07:00&limit=100")
SEARCHES = ["hội thảo chuyển đổi số", "dang uy khoi", "Đắk Lắk"]
MONTH_PAGE = "/?month=2028-06"
WEEK_PAGE = "/week?start=2028-06-05"  # the week of WEEK


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def build_in_process(database: Path, work: Path, figures: dict) -> None:
    """The hub feed's first build with no stored bytes, in process: over HTTP it outlasts gunicorn's timeout."""
    import os

    os.environ.update(app_env(database, work))
    from calendar_app import create_app

    client = create_app().test_client()
    began = time.perf_counter()
    assert client.get(FEED_PATH, base_url="https://lich.example.vn").status_code == 200
    figures["feed full build, no stored bytes, in process (s)"] = round(time.perf_counter() - began, 1)


def measure_http(database: Path, work: Path, figures: dict) -> None:
    secret, event_id = _token(database)
    build_in_process(database, work, figures)
    server = Server("wsgi:app", app_env(database, work), workers=2)
    try:
        for _worker in range(4):  # both workers booted: the figure is the feed's, not the import's
            _timed_get(server, f"/api/v1/organizations/{HUB}")
        figures["feed first request after a restart (ms)"] = round(_timed_get(server, FEED_PATH)[0], 1)
        _ms, _status, headers, body = _timed_get(server, FEED_PATH)
        figures["feed bytes"] = len(body)
        figures["feed warm (ms)"] = _median(single_request_ms(server, FEED_PATH, 10))
        figures["feed 304 (ms)"] = _median(single_request_ms(server, FEED_PATH, 20,
                                                              {"If-None-Match": headers["ETag"]}))
        figures["feed cold alarm= variant (ms)"] = round(_timed_get(server, FEED_PATH + "?alarm=PT45M")[0], 1)
        figures["occurrences one week, first (ms)"] = round(_timed_get(server, WEEK)[0], 1)
        figures["occurrences one week, cached (ms)"] = _median(single_request_ms(server, WEEK, 20))
        for n, words in enumerate(SEARCHES):
            path = f"/api/v1/events?q={quote(words)}&limit=20"
            first = _timed_get(server, path)[0]
            figures[f"search q={words!r} first (ms)"] = round(first, 1)
            _patch(server, secret, event_id, f"Hội thảo lần {n}")  # a write: the list cache cannot answer
            figures[f"search q={words!r} after a write (ms)"] = round(_timed_get(server, path)[0], 1)
        figures["month page first (ms)"] = round(_timed_get(server, MONTH_PAGE)[0], 1)
        figures["month page (ms)"] = _median(single_request_ms(server, MONTH_PAGE, 5))
        figures["week page first (ms)"] = round(_timed_get(server, WEEK_PAGE)[0], 1)
        figures["week page (ms)"] = _median(single_request_ms(server, WEEK_PAGE, 5))
        for name, page in (("month", MONTH_PAGE), ("week", WEEK_PAGE)):  # what an office opens: its own calendar
            figures[f"{name} page, the hub organization (ms)"] = _median(
                single_request_ms(server, f"{page}&organization={HUB}", 5))
        figures["worker RSS (MB)"] = [round(mb) for mb in server.worker_rss_mb()]
    finally:
        server.stop()


def measure_publish(database: Path, work: Path, figures: dict, without_all: bool) -> None:
    """publish-feeds from scratch, then the --watch round after one hub event is renamed.

    without_all leaves /feeds/all.ics out: at 1,000,000 events it is one feed of every public event
    (about 1 GB), which no calendar client can subscribe to, and its first build alone takes hours here.
    """
    import os

    os.environ.update(app_env(database, work))
    from calendar_app import create_app, publish
    from calendar_app.progress import progress

    if without_all:
        every_feed = publish.public_feeds
        publish.public_feeds = lambda db: {p: s for p, s in every_feed(db).items() if p != publish.ALL_PATH}
        figures["publish: all.ics left out"] = True
    app = create_app()
    out = work / "published"
    publisher = publish.Publisher(app, out)
    began = time.perf_counter()
    written = publisher.publish_changed(bar=lambda count: progress("Publishing feeds", count))
    figures["publish-feeds from scratch (s)"] = round(time.perf_counter() - began, 1)
    figures["published files"] = len(written)
    figures["published MB"] = round(sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20)
    secret, event_id = _token(database)
    renamed = publisher.client.patch(f"/api/v1/events/{event_id}", json={"title": "Hội thảo đã đổi tên"},
                                     headers={"Authorization": f"Bearer {secret}"})
    assert renamed.status_code == 200, renamed.get_json()
    began = time.perf_counter()
    changed = publisher.publish_changed()
    figures["--watch round after one event changed (s)"] = round(time.perf_counter() - began, 2)
    figures["--watch files written"] = changed


def measure_watch(database: Path, work: Path, figures: dict) -> None:
    """The --watch round after one event changed, on a publisher that has every file published already.

    A from-scratch publish at 1,000,000 events serialises every event (20+ minutes quiet); a running
    --watch has done that long ago. So the publisher is primed with the current stamps of every file,
    one event outside the hub is renamed and the round is run (it builds the feeds the event is in: the
    first change after a start), then renamed again: that second round is the figure. The poll's parts
    are timed on their own. The week exports are primed with their summaries too: building the whole
    calendar's week of 5,500 events as Word and PDF takes minutes, once, in a from-scratch publish.
    """
    import os

    os.environ.update(app_env(database, work))
    from calendar_app import create_app, publish
    from calendar_app.db import connect, get_db, write_transaction
    from calendar_app.feeds import window
    from calendar_app.repositories import tokens

    db = connect(str(database))
    with write_transaction(db):
        _record, secret = tokens.create(db, "bench-watch", "write", None, 1)
    event_id = db.execute(
        "select e.id from events e where e.visibility = 'public' and e.rrule is null and e.status = 'confirmed' "
        "and e.range_start > '2027' and not exists (select 1 from event_organizations eo join organizations o "
        "on o.id = eo.organization_id where eo.event_id = e.id and o.parent_id is null) order by e.id limit 1"
    ).fetchone()[0]
    db.close()
    app = create_app()
    publisher = publish.Publisher(app, work / "published")
    with app.app_context():
        parts = {}
        for name, step in (("public_feeds", lambda: publish.public_feeds(get_db())),
                           ("scope_versions", lambda: publish.scope_versions(get_db())),
                           ("wanted_files (the whole poll's reads)",
                            lambda: publish.wanted_files(get_db(), app.config, window.today()))):
            began = time.perf_counter()
            result = step()
            parts[name] = round((time.perf_counter() - began) * 1000, 1)
        wanted = result
        began = time.perf_counter()
        publisher.summaries = {path: item.summary() for path, item in wanted.items() if item.summary is not None}
        parts["every week export's summary (a day's first poll)"] = round((time.perf_counter() - began) * 1000, 1)
    figures["--watch poll parts (ms)"] = parts
    figures["files a publish keeps"] = len(wanted)
    publisher.published = {path: item.stamp for path, item in wanted.items()}
    publisher.index = {path: {"path": path, "etag": '"x"', "last_modified": None, "bytes": 0} for path in wanted}
    began = time.perf_counter()
    publisher._write_index()
    figures["index.json + index.html rewrite (ms)"] = round((time.perf_counter() - began) * 1000, 1)
    auth = {"Authorization": f"Bearer {secret}"}
    spent = _time_each_file(publisher)
    for round_name, title in (("first change after a start", "Hội thảo đã đổi tên"),
                              ("--watch round after one event changed", "Hội thảo đổi tên lần hai")):
        renamed = publisher.client.patch(f"/api/v1/events/{event_id}", json={"title": title}, headers=auth)
        assert renamed.status_code == 200, renamed.get_json()
        spent.clear()
        began = time.perf_counter()
        changed = publisher.publish_changed()
        figures[f"{round_name} (s)"] = round(time.perf_counter() - began, 2)
        figures[f"{round_name}: files"] = changed
        figures[f"{round_name}: ms per file asked (summary + request)"] = dict(spent)
    figures["omitted"] = publisher.omitted


def _time_each_file(publisher) -> dict:
    """Time every file a round asks for (its summary, then the request): where a round goes."""
    spent = {}
    refresh = publisher._refresh

    def timed(url_path, item):
        began = time.perf_counter()
        try:
            return refresh(url_path, item)
        finally:
            spent[url_path] = round((time.perf_counter() - began) * 1000, 1)

    publisher._refresh = timed
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--publish", action="store_true", help="also publish-feeds from scratch and one --watch round")
    parser.add_argument("--no-http", action="store_true", help="leave out the HTTP figures")
    parser.add_argument("--without-all", action="store_true", help="publish every feed but /feeds/all.ics")
    parser.add_argument("--watch-only", action="store_true",
                        help="only the --watch round after one change, on a publisher primed with every file")
    args = parser.parse_args()
    figures = {"database": args.db.name,
               "database MB": round(sum(p.stat().st_size for p in args.db.parent.glob(args.db.name + "*")) / 2**20)}
    with tempfile.TemporaryDirectory(prefix="bench-national-") as folder:
        work = Path(folder)
        database = copy_database(args.db, work)
        if not args.no_http:
            measure_http(database, work, figures)
            print(json.dumps(figures, ensure_ascii=False, indent=1), flush=True)
        if args.watch_only:
            measure_watch(database, work, figures)
        elif args.publish:
            measure_publish(database, work, figures, args.without_all)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    save_figures(f"national-{args.db.stem}", figures)


def save_figures(name: str, figures: dict) -> Path:
    """Write a run's figures to bench/results/<name>-<time>.json."""
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    return path


if __name__ == "__main__":
    main()
