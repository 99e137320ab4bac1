"""db.py: the one kept connection per thread, and a replaced or vanished database file acted on once."""

import os
import sqlite3
import threading

import pytest

from calendar_app import caches
from calendar_app.db import thread_db
from calendar_app.errors import DatabaseUnavailable


class CountingCache:
    """A registered cache that counts how often it was cleared."""

    def __init__(self):
        self.clears = 0

    def clear(self):
        self.clears += 1


def _on_threads(count, work):
    """Run work() on `count` threads at once and return what each returned."""
    results, barrier = [None] * count, threading.Barrier(count)

    def run(i):
        barrier.wait()
        results[i] = work()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _replace_with_copy(path, tmp_path):
    """Put a copy of the database in the file's place, as a restore does."""
    copy = tmp_path / "restored.sqlite3"
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    os.replace(copy, path)


def test_a_replaced_file_clears_the_caches_once_and_every_thread_reopens(app, tmp_path):
    counting = caches.register(app, "counting", CountingCache())
    path = app.config["DATABASE"]
    before = _on_threads(4, lambda: (thread_db(app), thread_db(app)))
    assert all(first is second for first, second in before)  # kept across calls on one thread
    _replace_with_copy(path, tmp_path)
    after = _on_threads(4, lambda: thread_db(app))
    assert counting.clears == 1
    assert not {id(db) for db in after} & {id(first) for first, _second in before}
    assert all(db.execute("select count(*) from organizations").fetchone() == (0,) for db in after)


def test_a_vanished_file_is_not_recreated_and_clears_the_caches_once_per_change(app, tmp_path):
    counting = caches.register(app, "counting", CountingCache())
    path = app.config["DATABASE"]
    thread_db(app)
    os.replace(path, tmp_path / "away.sqlite3")
    for _ in range(3):
        with pytest.raises(DatabaseUnavailable):
            thread_db(app)
    assert not os.path.exists(path) and counting.clears == 1
    os.replace(tmp_path / "away.sqlite3", path)
    assert thread_db(app).execute("select count(*) from organizations").fetchone() == (0,)
    assert counting.clears == 2
def test_requests_answer_503_while_the_file_is_missing_and_recover_when_it_is_back(app, client, make, tmp_path):
    # Until the list cache reads through thread_db (issue 9, feeds), it opens a file of its own.
    app.config["LIST_CACHE_ENTRIES"] = 0
    app.before_request_funcs[None] = [f for f in app.before_request_funcs[None] if f.__name__ != "_answer_from_cache"]
    organization = make.organization(name="Sở Tư pháp Thành phố Hồ Chí Minh")
    make.event(title="Lễ ký kết Quy chế phối hợp", organizations=[organization["slug"]])
    path = app.config["DATABASE"]
    assert client.get("/api/v1/events").status_code == 200
    os.replace(path, tmp_path / "away.sqlite3")
    for url in ("/api/v1/events", f"/api/v1/organizations/{organization['slug']}",
                f"/feeds/organizations/{organization['slug']}.ics"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.get_json()["code"] == 503 and response.get_json()["message"], url
    page = client.get("/")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert not os.path.exists(path)
    os.replace(tmp_path / "away.sqlite3", path)
    body = client.get("/api/v1/events").get_json()
    assert [event["title"] for event in body["items"]] == ["Lễ ký kết Quy chế phối hợp"]
    feed = client.get(f"/feeds/organizations/{organization['slug']}.ics")
    assert feed.status_code == 200 and "Lễ ký kết Quy chế phối hợp" in feed.get_data(as_text=True)
    assert client.get("/").status_code == 200
