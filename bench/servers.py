"""gunicorn sync, gunicorn gthread (what `make run` uses) and granian, side by side on the same requests.

Each server runs the app with two workers on a copy of the 10,000-event database; wrk measures
the warm hub feed, its 304 and an uncached list (LIST_CACHE_ENTRIES=0: every request builds the
JSON, as right after a write), in rotation so that machine noise spreads over all three.

    .venv/bin/python -m bench.servers --db bench/data/events-10000.sqlite3
"""

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from .run import FEED_PATH, GUNICORN, JSON_PATHS, ROOT, Server, add_load_options, app_env, copy_database, get, wrk

GRANIAN = str(ROOT / ".venv" / "bin" / "granian")
THREADS = 8  # make run's THREADS


def commands(workers: int) -> dict:
    """name -> command(port) for each server under test."""
    return {
        "gunicorn sync": lambda port: [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                       "--log-level", "warning", "wsgi:app"],
        "gunicorn gthread": lambda port: [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                          "--worker-class", "gthread", "--threads", str(THREADS),
                                          "--log-level", "warning", "wsgi:app"],
        "granian": lambda port: [GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", str(workers), "--blocking-threads", str(THREADS),
                                 "--log-level", "warning", "wsgi:app"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_load_options(parser)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="calendar-bench-servers-"))
    database = copy_database(args.db, work)
    env = {**app_env(database, work), "CALENDAR_APP_LIST_CACHE_ENTRIES": "0"}
    servers = {name: Server("wsgi:app", env, args.workers, command=command)
               for name, command in commands(args.workers).items()}
    try:
        first = next(iter(servers.values()))
        _status, headers, _body = get(first, FEED_PATH)  # builds the stored bytes once, for every server
        etag = headers["ETag"]
        targets = [("warm feed", FEED_PATH, ()), ("304", FEED_PATH, (f"If-None-Match: {etag}",)),
                   ("uncached list", JSON_PATHS[0][1], ())]
        for server in servers.values():
            for _name, path, _headers in targets:
                get(server, path)  # warm each worker's caches before timing
        results = {(server, target): [] for server in servers for target, *_ in targets}
        for round_number in range(args.rounds):
            order = list(servers.items()) if round_number % 2 == 0 else list(servers.items())[::-1]
            for target, path, extra in targets:
                for name, server in order:
                    run = wrk(server.url(path), args.duration, args.connections, args.threads, extra)
                    results[(name, target)].append(run)
                    print(f"  round {round_number + 1} {target:<14} {name:<17} {run['rps']:9.1f} req/s  "
                          f"p50 {run['p50']:7.2f} ms  p99 {run['p99']:7.2f} ms"
                          + (f"  NON-2xx {run['errors']}" if run["errors"] else ""), flush=True)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'target':<16}" + "".join(f"{name:>26}" for name in servers))
    for target, *_ in targets:
        cells = []
        for name in servers:
            rps = [r["rps"] for r in results[(name, target)]]
            p99 = statistics.median(r["p99"] for r in results[(name, target)])
            cells.append(f"{statistics.median(rps):>8.0f} req/s p99 {p99:6.1f} ms")
        print(f"{target:<16}" + "".join(f"{cell:>26}" for cell in cells))


if __name__ == "__main__":
    main()
