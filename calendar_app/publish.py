"""Publish every public feed as a static file, so nginx or a CDN serves them at static-file speed.

    flask --app calendar_app publish-feeds DIR [--watch] [--interval 5]

Files mirror the URLs (DIR/feeds/all.ics, DIR/feeds/holidays.ics, DIR/feeds/organizations/<slug>.ics,
DIR/feeds/agreements/<slug>.ics) with DIR/feeds/index.json listing each one's ETag and
Last-Modified. The bytes are the application's own answer to the same URL, so a published file
equals the served feed. With --watch, the feed_versions table is polled and only the feeds whose
version changed (or all windowed feeds, once the day changes) are asked for again. A file is
written only when its bytes change, replaced atomically, so a reader never sees half a feed and an
unchanged feed keeps its mtime (nginx's Last-Modified and ETag, and rsync or a CDN, see no change).
"""

import json
import os
import tempfile
import time
from contextlib import nullcontext
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .db import get_db
from .feeds import warm, window
from .links import agreement_feed_path, organization_feed_path
from .progress import progress
from .repositories import feed_versions

ALL_PATH = "/feeds/all.ics"
HOLIDAYS_PATH = "/feeds/holidays.ics"


def public_feeds(db) -> dict[str, str]:
    """{URL path: version scope} of every public feed: the public twins, which internal edits leave alone."""
    feeds = {ALL_PATH: feed_versions.ALL, HOLIDAYS_PATH: feed_versions.HOLIDAYS}
    for organization_id, slug in db.execute("select id, slug from organizations order by slug").fetchall():
        feeds[organization_feed_path(slug)] = feed_versions.scope("organization", organization_id)
    for agreement_id, slug in db.execute("select id, slug from agreements order by slug").fetchall():
        feeds[agreement_feed_path(slug)] = feed_versions.scope("agreement", agreement_id)
    return {path: feed_versions.public(scope) for path, scope in feeds.items()}


def scope_versions(db) -> dict[str, int]:
    """Every feed scope's version: one query per poll, whatever the number of feeds."""
    return dict(db.execute("select scope, version from feed_versions").fetchall())


def _unchanged(path: Path, body: bytes) -> bool:
    """Whether the file already holds exactly these bytes (the size first: most changes show there)."""
    try:
        if path.stat().st_size != len(body):
            return False
        return path.read_bytes() == body
    except FileNotFoundError:
        return False


def write_if_changed(path: Path, body: bytes, modified: float | None = None) -> bool:
    """Write the file unless it already holds these bytes; return whether it was written."""
    if _unchanged(path, body):
        return False
    _write_atomically(path, body, modified)
    return True


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

    def publish_changed(self, bar=None) -> list[str]:
        """Write the feeds whose bytes changed, drop the ones that are gone; return the files written or removed.

        Only feeds whose version or day moved are asked for. `bar(count)`, when given, is a progress
        bar entered around those requests (the command's first round: every feed).
        """
        with self.app.app_context():
            db = get_db()
            feeds = public_feeds(db)
            versions = scope_versions(db)
        day = window.today()
        stamps = {url_path: (versions.get(scope, 0), day) for url_path, scope in feeds.items()}
        due = [url_path for url_path, stamp in stamps.items() if self.published.get(url_path) != stamp]
        changed = []
        with bar(len(due)) if bar else nullcontext() as shown:
            for url_path in due:
                if self._publish(url_path):
                    changed.append(url_path)
                self.published[url_path] = stamps[url_path]
                if shown:
                    shown.update(1)
        for url_path in sorted(set(self.published) - set(feeds)):  # deleted or renamed
            self._file(url_path).unlink(missing_ok=True)
            self.published.pop(url_path)
            self.index.pop(url_path, None)
            changed.append(url_path)
        if due or changed:
            self._write_index()
        return changed

    def _publish(self, url_path: str) -> bool:
        """Ask the app for one feed and write it if its bytes changed; return whether it was written."""
        response = self.client.get(url_path, base_url=self.base_url)
        if response.status_code != 200:
            raise click.ClickException(f"{url_path} answered {response.status_code}")
        body = response.get_data()
        modified = response.headers.get("Last-Modified")
        self.index[url_path] = {"path": url_path, "etag": response.headers.get("ETag"),
                                "last_modified": modified, "bytes": len(body)}
        stamp_time = parsedate_to_datetime(modified).timestamp() if modified else None
        return write_if_changed(self._file(url_path), body, stamp_time)

    def _write_index(self) -> None:
        entries = [self.index[p] for p in sorted(self.index)]
        write_if_changed(self._file("/feeds/index.json"),
                         json.dumps({"feeds": entries}, ensure_ascii=False, indent=1).encode())
        links = "\n".join(f'<li><a href="{escape(e["path"])}">{escape(e["path"])}</a></li>' for e in entries)
        page = (f'<!doctype html>\n<html lang="vi"><meta charset="utf-8"><title>Lịch phối hợp — feeds</title>\n'
                f"<ul>\n{links}\n</ul>\n</html>\n")
        write_if_changed(self._file("/feeds/index.html"), page.encode())


@click.command("publish-feeds")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--watch", is_flag=True, help="Keep polling for changes and rewrite the feeds that changed.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="Seconds between polls with --watch.")
@click.option("--rounds", type=click.IntRange(1), default=None, help="Stop after this many polls (default: never).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes that serialise the events with no stored bytes first (after a deploy, or a new database).")
@with_appcontext
def publish_feeds_command(directory: Path, watch: bool, interval: float, rounds: int | None, jobs: int):
    """Write every public feed as a static file with an index (and keep them current with --watch)."""
    app = current_app._get_current_object()
    if jobs > 1:
        began = time.perf_counter()
        count = warm.warm(app, jobs, bar=lambda total: progress("Serialising events", total))
        click.echo(f"{count} event(s) serialised by {jobs} processes in {time.perf_counter() - began:.1f} s")
    publisher = Publisher(app, directory)
    done = 0
    while True:
        began = time.perf_counter()
        # A bar for the first round only: later rounds are a few feeds, reported in one line.
        changed = publisher.publish_changed(bar=None if done else lambda count: progress("Publishing feeds", count))
        done += 1
        if changed or done == 1:
            click.echo(f"{len(changed)} feed(s) written to {directory} in {time.perf_counter() - began:.2f} s")
        if not watch or (rounds is not None and done >= rounds):
            return
        time.sleep(interval)
