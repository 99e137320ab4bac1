"""What ?prefix=1 and ?expand=1 cost on the hub's 10,000-event feed, beside a never-seen alarm= (in process).

    .venv/bin/python -m bench.feed_options [--db bench/data/events-10000.sqlite3] [--rounds 3]

Each variant is asked for with a query the process has not seen (a fresh alarm= too), so each
request is an assembly from the stored templates: the figure to compare is the plain never-seen
alarm= one, which README's feed table gives as "a never-seen alarm=". Prints milliseconds.
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .run import FEED_PATH, PUBLIC_BASE_URL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path(__file__).parent / "data" / "events-10000.sqlite3")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from calendar_app import create_app

    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / args.db.name
        shutil.copyfile(args.db, database)
        app = create_app({"INSTANCE_PATH": work, "SECRET_KEY": "bench", "DATABASE": str(database),
                          "PUBLIC_BASE_URL": PUBLIC_BASE_URL, "FEED_SHORTCUT_SLOTS": 0})
        client = app.test_client()
        began = time.perf_counter()
        first = client.get(FEED_PATH)
        print(f"first request (templates stored as needed): {(time.perf_counter() - began) * 1000:.0f} ms, "
              f"{len(first.data):,} bytes")
        variants = {"alarm= (never seen)": "alarm=PT{n}M", "prefix=1": "prefix=1&alarm=PT{n}M",
                    "prefix=1&lang=en": "prefix=1&lang=en&alarm=PT{n}M", "expand=1": "expand=1&alarm=PT{n}M",
                    "expand=1&prefix=1": "expand=1&prefix=1&alarm=PT{n}M"}
        n = 1
        for name, query in variants.items():
            times, size = [], 0
            for _round in range(args.rounds):
                n += 1
                began = time.perf_counter()
                response = client.get(f"{FEED_PATH}?{query.format(n=n)}")
                times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.data[:300]
                size = len(response.data)
            print(f"{name:22} median {statistics.median(times):7.0f} ms (min {min(times):.0f}), {size:,} bytes")


if __name__ == "__main__":
    main()
