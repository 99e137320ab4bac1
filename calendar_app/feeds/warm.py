"""Serialise the templates of every public event ahead of a publish, in several processes.

After a deploy (a new build key) or on a new database no event has a stored template, and the
first publish-feeds serialises them feed by feed on one core: about 0.8 ms an event, a quarter of
an hour at 1,000,000 events. Serialising is CPU-bound and every event is independent, so the
missing ones are cut into batches that `jobs` processes serialise, each storing its batch in one
short write (SQLite takes writes one at a time; a write is a small part of a batch's work). The
processes are spawned, not forked: a forked child would share the parent's SQLite connections.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext

from .. import settings
from ..db import get_db
from ..repositories import feed_rows
from . import cache, routes, window

BATCH = 1000

_worker_app = None  # the app of a warm-up process, made once by _start_worker


def missing(app) -> tuple[list[int], str]:
    """The public events of the feeds' window without a current template, and the base they are written on."""
    with app.test_request_context():
        base = routes.stored_template_base()
        ids = feed_rows.missing_templates(get_db(), routes.everything_public(window.today()),
                                          cache.template_build(base))
    return ids, base


def warm(app, jobs: int, bar=None) -> int:
    """Serialise and store the missing templates of the public feeds with `jobs` processes; return how many.

    bar(count), when given, is a progress bar entered around the batches.
    """
    ids, base = missing(app)
    batches = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    done = 0
    with bar(len(ids)) if bar else nullcontext() as shown:
        if jobs <= 1 or len(batches) <= 1:
            results = (_prepare(app, batch, base) for batch in batches)
            pool = nullcontext()
        else:
            pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start_worker, initargs=(_config_of(app), app.instance_path))
            results = pool.map(_prepare_in_worker, batches, [base] * len(batches))
        with pool:
            for batch, count in zip(batches, results):
                done += count
                if shown:
                    shown.update(len(batch))
    return done


def _config_of(app) -> dict:
    """The settings a worker needs to open the same database and build the same bytes."""
    return {name: app.config[name] for name in (*settings.DEFAULTS, "DATABASE", "SECRET_KEY")}


def _start_worker(config: dict, instance_path: str) -> None:
    global _worker_app
    from .. import create_app

    _worker_app = create_app({**config, "INSTANCE_PATH": instance_path})


def _prepare_in_worker(batch: list[int], base: str) -> int:
    return _prepare(_worker_app, batch, base)


def _prepare(app, batch: list[int], base: str) -> int:
    with app.app_context():
        return cache.prepare(get_db(), batch, base)
