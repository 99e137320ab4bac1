"""Does the WSGI feed shortcut pay for itself? The hub's feed through one WSGI call, with and without it.

    .venv/bin/python -m bench.shortcut --db bench/data/events-10000.sqlite3 [--rounds 10 --requests 300]

Two apps over one copy of the database, FEED_SHORTCUT_SLOTS=0 (every request through Flask and
the route) and the default; both warm; then rounds of `--requests` calls per app and target,
alternating A and B (order reversed every other round), so that a loaded, shared machine slows
both alike. Prints the median over rounds of the mean µs per call, and of the ratio per round.
No server, no socket: what gunicorn and the kernel add per request (~250 µs here) is the same for both.
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

from .run import FEED_PATH

TARGETS = ("304 (If-None-Match)", "warm 200")


def _app(database: Path, instance: Path, slots: int | None):
    from calendar_app import create_app

    config = {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "DATABASE": str(database)}
    if slots is not None:
        config["FEED_SHORTCUT_SLOTS"] = slots
    return create_app(config)


def _call(app, environ: dict) -> tuple[str, bytes]:
    """One WSGI call as a server makes it: start_response, then the body iterated and closed."""
    answer = []
    body = app(dict(environ), lambda status, headers, exc_info=None: answer.append(status))
    try:
        data = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return answer[0], data


def _per_call_us(app, environ: dict, count: int) -> float:
    began = time.perf_counter()
    for _ in range(count):
        _call(app, environ)
    return (time.perf_counter() - began) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-shortcut-") as folder:
        work = Path(folder)
        database = work / "bench.sqlite3"
        shutil.copy(args.db, database)
        apps = {"without shortcut": _app(database, work / "a", 0), "with shortcut": _app(database, work / "b", None)}
        plain = EnvironBuilder(path=FEED_PATH, base_url="http://localhost").get_environ()
        status, body = _call(apps["without shortcut"], plain)
        assert status.startswith("200"), status
        etag = next(iter(apps.values())).test_client().get(FEED_PATH).headers["ETag"]
        environs = {"304 (If-None-Match)": {**plain, "HTTP_IF_NONE_MATCH": etag}, "warm 200": plain}
        for app in apps.values():  # warm: the feed cache, and the shortcut's slot for app B
            for environ in environs.values():
                for _ in range(3):
                    _call(app, environ)
        print(f"{FEED_PATH}: {len(body)} bytes, {body.count(b'BEGIN:VEVENT')} VEVENTs; "
              f"{args.rounds} rounds x {args.requests} calls per app and target")
        figures = {(name, target): [] for name in apps for target in TARGETS}
        for round_number in range(args.rounds):
            order = list(apps) if round_number % 2 == 0 else list(reversed(apps))
            for target in TARGETS:
                for name in order:
                    figures[name, target].append(_per_call_us(apps[name], environs[target], args.requests))
        print("| target | without shortcut µs | with shortcut µs | with / without (per round) |")
        print("| --- | --- | --- | --- |")
        for target in TARGETS:
            without, with_ = figures["without shortcut", target], figures["with shortcut", target]
            ratios = [b / a for a, b in zip(without, with_)]
            print(f"| {target} | {statistics.median(without):.0f} | {statistics.median(with_):.0f} | "
                  f"{statistics.median(ratios):.2f} [{min(ratios):.2f}–{max(ratios):.2f}] |")


if __name__ == "__main__":
    main()
