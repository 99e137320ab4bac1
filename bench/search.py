"""Search figures at scale (issue 15): q= through the API and the /search page, first and right after a write.

    .venv/bin/python -m bench.search --db bench/data/national-1000000.sqlite3 [--rounds 3] [--work DIR]

Works on a copy of the database (kept in --work and reused by later runs when given), migrated in
process first: the migration's time is printed when one was pending. Then `gunicorn --workers 2`
(sync) on 127.0.0.1 answers sequential requests on one connection. "after a write" renames one event
through the API before each request, so the list cache cannot answer. Prints one line per figure
and writes them to bench/results/search-<events>-<time>.json.
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from .feeds import _patch, _timed_get, _token
from .national import SEARCHES, save_figures
from .run import ROOT, Server, app_env, copy_database

# Beyond the three searches: a deep page, filters that turn most matches down, a window.
MORE = [("deep page (offset 10,000)", {"q": "dang uy khoi", "offset": 10000}),
        ("with a province's events", {"q": "hội thảo", "organization": "ubnd-dak-lak"}),
        ("confirmed review meetings", {"q": "dang uy khoi", "kind": "review_meeting", "status": "confirmed"}),
        ("in a one-week window", {"q": "hội thảo", "from": "2028-06-05", "to": "2028-06-12"})]


def migrate(database: Path, work: Path, figures: dict) -> None:
    """Open the copy in process, so a pending migration runs here and is timed."""
    os.environ.update(app_env(database, work))
    from calendar_app import create_app

    began = time.perf_counter()
    app = create_app()
    applied = app.extensions.get("calendar_migrations_applied", [])
    if applied:
        figures[f"migrations {', '.join(applied)} (s)"] = round(time.perf_counter() - began, 1)


def first_and_after_writes(server: Server, secret: str, event_id: int, path: str, rounds: int) -> tuple:
    first = _timed_get(server, path)
    assert first[1] == 200, (path, first[1], first[3][:300])
    after = []
    for n in range(rounds):
        _patch(server, secret, event_id, f"Hội thảo lần {n} {time.time()}")
        after.append(_timed_get(server, path)[0])
    return round(first[0], 1), round(statistics.median(after), 1), first[3]


def measure(database: Path, work: Path, rounds: int, figures: dict) -> None:
    secret, event_id = _token(database)
    server = Server("wsgi:app", app_env(database, work), workers=2)
    try:
        for _ in range(6):  # both workers booted, the page's template compiled: "first" is the first search
            _timed_get(server, "/api/v1/organizations?limit=1")
            _timed_get(server, "/search")
        for words in SEARCHES:
            path = f"/api/v1/events?{urlencode({'q': words, 'limit': 20})}"
            first, after, body = first_and_after_writes(server, secret, event_id, path, rounds)
            answer = json.loads(body)
            figures[f"API q={words!r}: first / after a write (ms)"] = [first, after]
            figures[f"API q={words!r}: total, lower bound"] = [answer["total"], answer["total_is_lower_bound"]]
        for name, query in MORE:
            path = f"/api/v1/events?{urlencode({**query, 'limit': 20})}"
            if _timed_get(server, path.replace("limit=20", "limit=1"))[1] == 404:  # the national profile's organization
                figures[f"API {name}"] = "not in this data set"
                continue
            figures[f"API {name}: first / after a write (ms)"] = list(
                first_and_after_writes(server, secret, event_id, path, rounds)[:2])
        for words in SEARCHES:
            path = f"/search?{urlencode({'q': words})}"
            figures[f"page /search?q={words!r}: first / after a write (ms)"] = list(
                first_and_after_writes(server, secret, event_id, path, rounds)[:2])
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3, help="requests after a write, per figure (median)")
    parser.add_argument("--work", type=Path, help="keep the migrated copy here and reuse it next time")
    args = parser.parse_args()
    figures = {"database": args.db.name, "load average at the start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        work = args.work or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        database = work / args.db.name
        if not database.exists():
            copy_database(args.db, work)
        migrate(database, work, figures)
        measure(database, work, args.rounds, figures)
    figures["load average at the end"] = os.getloadavg()
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(f"results: {save_figures(f'search-{args.db.stem}', figures).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
