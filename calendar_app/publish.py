"""Publish every public feed as a static file, so nginx or a CDN serves them at static-file speed.

    flask --app calendar_app publish-feeds DIR [--watch] [--interval 5]

Files mirror the URLs (DIR/feeds/all.ics, DIR/feeds/organizations/<slug>.ics,
DIR/feeds/agreements/<slug>.ics) with DIR/feeds/index.json listing each one's ETag and
Last-Modified. The bytes are the application's own answer to the same URL, so a published file
equals the served feed. With --watch, the feed_versions table is polled and only the feeds whose
version changed (or all windowed feeds, once the day changes) are written again; each file is
replaced atomically, so a reader never sees half a feed.
"""

import json
import os
import tempfile
import time
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .db import get_db
from .feeds import window
from .links import agreement_feed_path, organization_feed_path
from .repositories import feed_versions

ALL_PATH = "/feeds/all.ics"


def public_feeds(db) -> dict[str, str]:
    """{URL path: version scope} of every public feed: the public twins, which internal edits leave alone."""
    feeds = {ALL_PATH: feed_versions.ALL}
    for organization_id, slug in db.execute("select id, slug from organizations order by slug").fetchall():
        feeds[organization_feed_path(slug)] = feed_versions.scope("organization", organization_id)
    for agreement_id, slug in db.execute("select id, slug from agreements order by slug").fetchall():
        feeds[agreement_feed_path(slug)] = feed_versions.scope("agreement", agreement_id)
    return {path: feed_versions.public(scope) for path, scope in feeds.items()}


def scope_versions(db) -> dict[str, int]:
    """Every feed scope's version: one query per poll, whatever the number of feeds."""
    return dict(db.execute("select scope, version from feed_versions").fetchall())


def _write_atomically(path: Path, body: bytes, modified: float | None) -> None:
    """Write beside the target and rename over it, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".publish-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)
        if modified is not None:  # static servers derive Last-Modified (and nginx its ETag) from mtime
            os.utime(temporary, (modified, modified))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Publisher:
    """Keeps DIR in step with the feeds: first everything, then what changed."""

    def __init__(self, app, directory: Path):
        self.app, self.directory = app, directory
        self.client = app.test_client()
        self.base_url = app.config["PUBLIC_BASE_URL"] or "http://localhost"
        self.published: dict[str, tuple] = {}  # path -> (scope version, day)
        self.index: dict[str, dict] = {}

    def _file(self, url_path: str) -> Path:
        return self.directory / url_path.lstrip("/")

    def publish_changed(self) -> list[str]:
        """Write the feeds whose version or day changed, drop the ones that are gone; return what changed."""
        with self.app.app_context():
            db = get_db()
            feeds = public_feeds(db)
            versions = scope_versions(db)
        day = window.today()
        changed = []
        for url_path, scope in feeds.items():
            stamp = (versions.get(scope, 0), day)
            if self.published.get(url_path) == stamp:
                continue
            response = self.client.get(url_path, base_url=self.base_url)
            if response.status_code != 200:
                raise click.ClickException(f"{url_path} answered {response.status_code}")
            body = response.get_data()
            modified = response.headers.get("Last-Modified")
            stamp_time = parsedate_to_datetime(modified).timestamp() if modified else None
            _write_atomically(self._file(url_path), body, stamp_time)
            self.published[url_path] = stamp
            self.index[url_path] = {"path": url_path, "etag": response.headers.get("ETag"),
                                    "last_modified": modified, "bytes": len(body)}
            changed.append(url_path)
        for url_path in sorted(set(self.published) - set(feeds)):  # deleted or renamed
            self._file(url_path).unlink(missing_ok=True)
            self.published.pop(url_path)
            self.index.pop(url_path, None)
            changed.append(url_path)
        if changed or not self._file("/feeds/index.json").exists():
            self._write_index()
        return changed

    def _write_index(self) -> None:
        entries = [self.index[p] for p in sorted(self.index)]
        _write_atomically(self._file("/feeds/index.json"),
                          json.dumps({"feeds": entries}, ensure_ascii=False, indent=1).encode(), None)
        links = "\n".join(f'<li><a href="{escape(e["path"])}">{escape(e["path"])}</a></li>' for e in entries)
        page = (f'<!doctype html>\n<html lang="vi"><meta charset="utf-8"><title>Lịch phối hợp — feeds</title>\n'
                f"<ul>\n{links}\n</ul>\n</html>\n")
        _write_atomically(self._file("/feeds/index.html"), page.encode(), None)


@click.command("publish-feeds")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--watch", is_flag=True, help="Keep polling for changes and rewrite the feeds that changed.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="Seconds between polls with --watch.")
@click.option("--rounds", type=click.IntRange(1), default=None, help="Stop after this many polls (default: never).")
@with_appcontext
def publish_feeds_command(directory: Path, watch: bool, interval: float, rounds: int | None):
    """Write every public feed as a static file with an index (and keep them current with --watch)."""
    publisher = Publisher(current_app._get_current_object(), directory)
    done = 0
    while True:
        began = time.perf_counter()
        changed = publisher.publish_changed()
        done += 1
        if changed:
            click.echo(f"{len(changed)} feed(s) written to {directory} in {time.perf_counter() - began:.2f} s")
        if not watch or (rounds is not None and done >= rounds):
            return
        time.sleep(interval)
