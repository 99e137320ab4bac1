"""The warm-up of publish-feeds --jobs: every public event serialised from scratch, by 1 and by 2 processes.

    .venv/bin/python -m bench.warm [--db bench/data/events-10000.sqlite3] [--jobs 1 2]

Each run works on a fresh copy of the database (no stored templates of this build) and prints the
events serialised, the wall time and the rate.
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from .run import PUBLIC_BASE_URL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path(__file__).parent / "data" / "events-10000.sqlite3")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    from calendar_app import create_app
    from calendar_app.feeds import warm

    for jobs in args.jobs:
        with tempfile.TemporaryDirectory(prefix="bench-warm-") as work:
            database = Path(work) / args.db.name
            shutil.copyfile(args.db, database)
            app = create_app({"INSTANCE_PATH": work, "SECRET_KEY": "bench", "DATABASE": str(database),
                              "PUBLIC_BASE_URL": PUBLIC_BASE_URL})
            began = time.perf_counter()
            count = warm.warm(app, jobs)
            elapsed = time.perf_counter() - began
            print(f"--jobs {jobs}: {count:,} events in {elapsed:.1f} s ({count / elapsed:,.0f} events/s)", flush=True)


if __name__ == "__main__":  # the spawned workers import this module again: only the parent runs main
    main()
