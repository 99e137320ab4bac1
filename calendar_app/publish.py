"""Publish what portals, noticeboards and calendar programs fetch as static files, for nginx or a CDN.

    flask --app calendar_app publish-feeds DIR [--watch] [--interval 5]

Files mirror the URLs: the feeds (DIR/feeds/all.ics, DIR/feeds/holidays.ics,
DIR/feeds/organizations/<slug>.ics, DIR/feeds/agreements/<slug>.ics), each organization's
FullCalendar source (DIR/feeds/organizations/<slug>.json, its answer without start= and end=: the
.ics feed's window; nginx ignores the query FullCalendar adds and FullCalendar keeps what its view
shows), and this week's and next week's schedule exports (DIR/week/2026-W49.pdf for the whole
calendar, DIR/week/2026-W49/<slug>.docx per organization; PUBLISH_WEEK_EXPORTS says which kinds).
DIR/feeds/index.json and index.html list every file, and the feeds left out with the reason (a
feed over FEED_MAX_EVENTS, a week too full to show). The bytes are the application's own answer to
the same URL, so a published file equals the served one.

With --watch, feed_versions is polled: a feed or .json is asked for again only when its public
version (or the day) moved; a week export only when its summary moved (web.week.published_signature:
the week's public events, holidays, obligations due, issuer, and the date of a Word document), or
the week rolled over. A file is written only when its bytes change, replaced atomically, so a reader
never sees half a file and an unchanged one keeps its mtime (nginx's Last-Modified and ETag, and
rsync or a CDN, see no change).
"""

import json
import os
import tempfile
import time
from contextlib import nullcontext
from datetime import timedelta
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from typing import Callable, NamedTuple

import click
from flask import current_app
from flask.cli import with_appcontext

from . import week_schedule
from .db import get_db
from .feeds import warm, window
from .links import agreement_feed_path, organization_feed_path
from .progress import progress
from .repositories import feed_versions

ALL_PATH = "/feeds/all.ics"
HOLIDAYS_PATH = "/feeds/holidays.ics"
INDEX_PATH = "/feeds/index.json"
INDEX_PAGE = "/feeds/index.html"
# The public scopes publish-feeds reads, as two key ranges of feed_versions (scope is its primary key):
# every public twin but the events' ('public:event:…'), which are as many as the events.
_SCOPE_RANGES = ((feed_versions.PUBLIC, feed_versions.PUBLIC + "event:"),
                 (feed_versions.PUBLIC + "event;", feed_versions.PUBLIC[:-1] + ";"))


def public_feeds(db) -> dict[str, str]:
    """{URL path: version scope} of every public feed: the public twins, which internal edits leave alone."""
    feeds = {ALL_PATH: feed_versions.ALL, HOLIDAYS_PATH: feed_versions.HOLIDAYS}
    for organization_id, slug in db.execute("select id, slug from organizations order by slug").fetchall():
        feeds[organization_feed_path(slug)] = feed_versions.scope("organization", organization_id)
    for agreement_id, slug in db.execute("select id, slug from agreements order by slug").fetchall():
        feeds[agreement_feed_path(slug)] = feed_versions.scope("agreement", agreement_id)
    return {path: feed_versions.public(scope) for path, scope in feeds.items()}


def scope_versions(db) -> dict[str, int]:
    """The version of every public scope a published file follows: two index range reads per poll, whatever
    the number of events (their own scopes are left out)."""
    found = {}
    for low, high in _SCOPE_RANGES:
        found.update(db.execute("select scope, version from feed_versions where scope >= ? and scope < ?",
                                [low, high]).fetchall())
    return found


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


class Wanted(NamedTuple):
    """One file to publish: its stamp (asked for again when it moves), and, for a week export, a summary
    read only when the stamp moved (the export is built only when the summary moved too)."""

    stamp: tuple
    summary: Callable[[], tuple] | None = None


def wanted_files(db, config, day) -> dict[str, Wanted]:
    """Every file publish-feeds keeps in DIR, by URL path: feeds, FullCalendar sources, week exports."""
    from .web import week  # the pages import much: only once a publisher runs

    versions = scope_versions(db)
    wanted = {path: Wanted((versions.get(scope, 0), day)) for path, scope in public_feeds(db).items()}
    organizations = db.execute("select o.id, o.slug, p.name from organizations o "
                               "left join organizations p on p.id = o.parent_id order by o.slug").fetchall()
    for organization_id, slug, _parent in organizations:
        public = feed_versions.public(feed_versions.scope("organization", organization_id))
        wanted[f"/feeds/organizations/{slug}.json"] = Wanted((versions.get(public, 0), day))
    home_today = week.today()
    holidays = versions.get(feed_versions.public(feed_versions.HOLIDAYS), 0)
    exports = config["PUBLISH_WEEK_EXPORTS"]
    this_monday = week_schedule.monday_of(home_today)
    shown: dict[tuple, tuple] = {}  # (monday, slug) -> its summary: read once for all the kinds of a round

    def summary(monday, slug, kind) -> tuple:
        if (monday, slug) not in shown:
            shown[monday, slug] = week.published_signature(monday, slug)
        return shown[monday, slug], kind, home_today if kind == "docx" else None

    for monday in (this_monday, this_monday + timedelta(days=7)):
        chosen = [(None, feed_versions.ALL, None, kind) for kind in exports["calendar"]]
        chosen += [(slug, feed_versions.scope("organization", organization_id), parent_name, kind)
                   for organization_id, slug, parent_name in organizations for kind in exports["organizations"]]
        for slug, scope, parent_name, kind in chosen:
            # The stamp moves with everything the export may show (an organization's public scope moves for
            # its events, its sub-units' and its obligations; the issuer names its parent too) and with the
            # day (the obligations' states, a Word document's date). The parent's name, not the parent's
            # version: that moves with every event of the parent's other sub-units, and at 1,000
            # organizations one event of the hub asked for the summaries of all its 300 children.
            wanted[week.iso_week_path(monday, kind, slug)] = Wanted(
                (versions.get(feed_versions.public(scope), 0), parent_name, holidays, home_today),
                lambda monday=monday, slug=slug, kind=kind: summary(monday, slug, kind))
    return wanted


class Publisher:
    """Keeps DIR in step with the app: first everything, then what changed."""

    def __init__(self, app, directory: Path):
        self.app, self.directory = app, directory
        self.client = app.test_client()
        self.base_url = app.config["PUBLIC_BASE_URL"] or "http://localhost"
        self.published: dict[str, tuple] = {}  # path -> the stamp it was last asked for at
        self.summaries: dict[str, tuple] = {}  # week export path -> the summary it was last built at
        self.index: dict[str, dict] = {}
        self.day = None  # the UTC day of the current round
        self.omitted: dict[str, str] = {}  # path -> why it is not published
        self.omitted_on: dict[str, object] = {}  # path -> the UTC day it was last found too large

    def _file(self, url_path: str) -> Path:
        return self.directory / url_path.lstrip("/")

    def publish_changed(self, bar=None) -> list[str]:
        """Write the files whose bytes changed, drop the ones that are gone; return the files written or removed.

        Only files whose stamp moved are asked for. `bar(count)`, when given, is a progress bar entered
        around those requests (the command's first round: every file).
        """
        with self.app.app_context():
            day = window.today()
            wanted = wanted_files(get_db(), self.app.config, day)
            # A file left out is asked for again once a day, not at every version: counting the combined
            # feed at 1,000,000 events takes seconds, and meanwhile nginx hands its URL to the app, which
            # answers it live (so nothing stale is served).
            due = [url_path for url_path, item in wanted.items() if self.published.get(url_path) != item.stamp
                   and self.omitted_on.get(url_path) != day]
            self.day = day
            changed = []
            with bar(len(due)) if bar else nullcontext() as shown:
                for url_path in due:
                    if self._refresh(url_path, wanted[url_path]):
                        changed.append(url_path)
                    self.published[url_path] = wanted[url_path].stamp
                    if shown:
                        shown.update(1)
        for url_path in sorted(set(self.published) - set(wanted)):  # deleted, renamed, or a week gone by
            if self._drop(url_path):
                changed.append(url_path)
            self.published.pop(url_path)
            self.summaries.pop(url_path, None)
            self.omitted.pop(url_path, None)
            self.omitted_on.pop(url_path, None)
        if due or changed:
            self._write_index()
        return changed

    def _refresh(self, url_path: str, item: Wanted) -> bool:
        """Ask for one file again unless its summary says it cannot have changed; return whether it was written."""
        if item.summary is not None:
            summary = item.summary()
            if self.summaries.get(url_path) == summary and (url_path in self.index or url_path in self.omitted):
                return False
            self.summaries[url_path] = summary
        return self._publish(url_path)

    def _publish(self, url_path: str) -> bool:
        """Ask the app for one file and write it if its bytes changed; return whether it was written or removed.

        A 400 (a feed over FEED_MAX_EVENTS, a week too full to show) leaves the file out, with the reason.
        """
        response = self.client.get(url_path, base_url=self.base_url)
        if response.status_code == 400:
            self.omitted[url_path] = (response.get_json(silent=True) or {}).get("message") or response.status
            self.omitted_on[url_path] = self.day
            return self._drop(url_path)
        if response.status_code != 200:
            raise click.ClickException(f"{url_path} answered {response.status_code}")
        self.omitted.pop(url_path, None)
        self.omitted_on.pop(url_path, None)
        body = response.get_data()
        modified = response.headers.get("Last-Modified")
        self.index[url_path] = {"path": url_path, "etag": response.headers.get("ETag"),
                                "last_modified": modified, "bytes": len(body)}
        stamp_time = parsedate_to_datetime(modified).timestamp() if modified else None
        return write_if_changed(self._file(url_path), body, stamp_time)

    def _drop(self, url_path: str) -> bool:
        """Remove a file no longer published; return whether there was one."""
        self.index.pop(url_path, None)
        try:
            self._file(url_path).unlink()
        except FileNotFoundError:
            return False
        return True

    def _write_index(self) -> None:
        entries = [self.index[p] for p in sorted(self.index)]
        omitted = [{"path": p, "reason": self.omitted[p]} for p in sorted(self.omitted)]
        write_if_changed(self._file(INDEX_PATH), json.dumps({"files": entries, "omitted": omitted},
                                                            ensure_ascii=False, indent=1).encode())
        links = "\n".join(f'<li><a href="{escape(e["path"])}">{escape(e["path"])}</a></li>' for e in entries)
        left_out = "\n".join(f'<li>{escape(e["path"])}: {escape(e["reason"])}</li>' for e in omitted)
        page = (f'<!doctype html>\n<html lang="vi"><meta charset="utf-8"><title>Lịch phối hợp — tệp công bố</title>\n'
                f"<ul>\n{links}\n</ul>\n" + (f"<h2>Không công bố</h2>\n<ul>\n{left_out}\n</ul>\n" if omitted else "")
                + "</html>\n")
        write_if_changed(self._file(INDEX_PAGE), page.encode())


@click.command("publish-feeds")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--watch", is_flag=True, help="Keep polling for changes and rewrite the files that changed.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="Seconds between polls with --watch.")
@click.option("--rounds", type=click.IntRange(1), default=None, help="Stop after this many polls (default: never).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes that serialise the events with no stored bytes first (after a deploy, or a new database).")
@with_appcontext
def publish_feeds_command(directory: Path, watch: bool, interval: float, rounds: int | None, jobs: int):
    """Write every public feed, FullCalendar source and week export as a static file with an index (and keep
    them current with --watch)."""
    app = current_app._get_current_object()
    if jobs > 1:
        began = time.perf_counter()
        count = warm.warm(app, jobs, bar=lambda total: progress("Serialising events", total))
        click.echo(f"{count} event(s) serialised by {jobs} processes in {time.perf_counter() - began:.1f} s")
    publisher = Publisher(app, directory)
    done = 0
    while True:
        began = time.perf_counter()
        # A bar for the first round only: later rounds are a few files, reported in one line.
        left_out = dict(publisher.omitted)
        changed = publisher.publish_changed(bar=None if done else lambda count: progress("Publishing feeds", count))
        done += 1
        if changed or done == 1:
            click.echo(f"{len(changed)} file(s) written or removed in {directory} in "
                       f"{time.perf_counter() - began:.2f} s")
        for url_path, reason in sorted(publisher.omitted.items()):
            if left_out.get(url_path) != reason:
                click.echo(f"left out {url_path}: {reason}")
        if not watch or (rounds is not None and done >= rounds):
            return
        time.sleep(interval)
