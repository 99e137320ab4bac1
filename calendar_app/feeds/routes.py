"""Feed URLs: look the scope and its version up, answer 304 or cached bytes, build on a miss."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from flask import Blueprint, Response, current_app, request
from werkzeug.http import http_date

from .. import validators
from ..auth import may_read
from ..clock import from_stored
from ..db import get_db
from ..errors import BadRequest, FeedTooLarge, FeedUnavailable, NotFoundError
from ..followup.today import follow_up_today
from ..links import absolute
from ..recurrence import TooManyOccurrences
from ..repositories import events, feed_rows, feed_versions, obligations
from . import cache, flat, obligation_ical, shortcut, window
from .ical_builder import BASE_MARK, CALENDAR_FOOTER, CalendarMeta
from .params import FeedParams, parse

bp = Blueprint("feeds", __name__)
UID_DOMAIN = "calendar-app"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass
class Target:
    """One feed as a request names it: its cache key, versions and how to build it."""

    key: str
    scopes: tuple[str, ...]  # the feed_versions rows the versions were read from, in the same order
    versions: tuple
    changed_at: list[str | None]
    filename: str
    private: bool
    windowed: bool
    meta: Callable[[], CalendarMeta | None]
    selection: Callable[[], dict]
    # Whether the answer depends on the URL alone, so the shortcut may repeat it: not for an internal
    # event shown to a signed-in caller (a private organization feed is keyed by its ?token= URL).
    by_url: bool = True
    # ?obligations=1: the selection of open obligation periods (obligations.feed_items' arguments).
    obligations: Callable[[], dict] | None = None


def _cache() -> cache.FeedCache:
    return current_app.extensions["feed_cache"]


def _base_url() -> str:
    return absolute("")


def stored_template_base() -> str:
    """The base URL stored templates are written on: PUBLIC_BASE_URL's, or a mark each request's Host replaces."""
    return _base_url() if current_app.config["PUBLIC_BASE_URL"] else BASE_MARK


def _meta(name: str, description: str, relcalid: str, params: FeedParams) -> CalendarMeta:
    """Calendar properties; a filtered subscription is a calendar of its own for clients.

    Clients key subscriptions on the calendar's id: it names what the feed is (kind, scope,
    filters) and nothing else, so it stays the same across deploys.
    """
    if params.narrowed:
        relcalid += "-" + hashlib.sha256(params.key().encode()).hexdigest()[:10]
    return CalendarMeta(
        name=name, description=description, relcalid=f"{relcalid}@{UID_DOMAIN}",
        refresh=timedelta(seconds=current_app.config["FEED_REFRESH_SECONDS"]),
        timezone=current_app.config["DEFAULT_TIMEZONE"],
    )


def _no_token() -> None:
    """Only organization feeds have private variants: any token elsewhere is a wrong one."""
    if "token" in request.args:
        raise NotFoundError("No such feed.")


def _no_obligations(params: FeedParams) -> None:
    """Obligations belong to agreements and their parties: only those feeds carry them."""
    if params.obligations:
        raise BadRequest("Invalid feed arguments: obligations: only organization and agreement feeds carry "
                         "obligations.", {"obligations": ["Only organization and agreement feeds carry obligations."]})


def _obligations(params: FeedParams, day, selection: Callable[[], dict]) -> Callable[[], dict] | None:
    """The open obligation periods a feed asked for with ?obligations=1 (within its past window)."""
    if not params.obligations:
        return None
    past = timedelta(days=current_app.config["FEED_PAST_DAYS"])
    return lambda: {**selection(), "due_from": params.since or day - past}


def _head(lookup, key, named: str, readable=lambda db, head: True) -> tuple[FeedParams, object, tuple]:
    """Parse a token-less feed request and look its scope up: (params, db, head row), or 404 naming it."""
    _no_token()
    params = parse(request.args)
    db = get_db()
    row = lookup(db, key)
    if row is None or not readable(db, row):
        raise NotFoundError(f"No {named}.")
    return params, db, row


def _window_selection(params: FeedParams, day, **fixed) -> dict:
    config = current_app.config
    return {
        **fixed,
        "kinds": params.kinds, "hide_cancelled": params.hide_cancelled, "hide_tentative": params.hide_tentative,
        "range_end_from": window.past_cutoff(day, config["FEED_PAST_DAYS"], params.since, config["DEFAULT_TIMEZONE"]),
        "cancelled_since": window.cancelled_cutoff(day, config["FEED_CANCELLED_RETENTION_DAYS"]),
    }


def everything_public(day) -> feed_rows.Selection:
    """What /feeds/all.ics holds on this day: every public event of the window (feeds/warm.py prepares them)."""
    return feed_rows.Selection(**_window_selection(FeedParams(), day))


def organization_access(db, slug: str) -> tuple[feed_rows.OrganizationHead, bool]:
    """The organization a feed URL names, and whether its ?token= opens the private feed (a wrong one: 404)."""
    row = feed_rows.organization_head(db, slug)
    if row is None:
        raise NotFoundError(f"No organization with slug '{slug}'.")
    token = request.args.get("token")
    private = token is not None
    if private and not hmac.compare_digest(token.encode(), row.feed_token.encode()):
        raise NotFoundError(f"No organization with slug '{slug}'.")  # never the public feed instead
    return row, private


@bp.get("/feeds/organizations/<slug>.ics")
def organization_feed(slug: str):
    """An organization's events, directly or through its agreements; ?token= adds internal ones."""
    params = parse(request.args)
    db = get_db()
    row, private = organization_access(db, slug)
    organization_id, name = row.id, row.name
    stamp = row.full if private else row.public
    day = window.today()

    def selection():
        ids = feed_versions.descendants(db, [organization_id]) if params.include_children else (organization_id,)
        return _window_selection(params, day, organization_ids=ids, include_internal=private)

    title = f"Lịch phối hợp — {name}" + (" (nội bộ)" if private else "")
    return _serve(Target(
        key=f"organization:{organization_id}:{int(private)}",
        scopes=(stamp.scope,), versions=(stamp.version,), changed_at=[stamp.changed_at],
        filename=f"{slug}.ics", private=private, windowed=True,
        meta=lambda: _meta(title, f"Lễ ký kết, hội thảo, giao ban và hoạt động phối hợp của {name}",
                           f"organization-{organization_id}" + ("-internal" if private else ""), params),
        selection=selection,
        obligations=_obligations(params, day, lambda: {"organization_ids": selection()["organization_ids"],
                                                       "include_internal": private})), params, day)


@bp.get("/feeds/agreements/<slug>.ics")
def agreement_feed(slug: str):
    """The public events of one agreement."""
    params, db, row = _head(feed_rows.agreement_head, slug, f"agreement with slug '{slug}'")
    agreement_id, title, stamp = row.id, row.title, row.public
    day = window.today()
    return _serve(Target(
        key=f"agreement:{agreement_id}", scopes=(stamp.scope,), versions=(stamp.version,),
        changed_at=[stamp.changed_at],
        filename=f"{slug}.ics", private=False, windowed=True,
        meta=lambda: _meta(title, f"Các sự kiện thực hiện văn bản: {title}", f"agreement-{agreement_id}", params),
        selection=lambda: _window_selection(params, day, agreement_id=agreement_id),
        obligations=_obligations(params, day, lambda: {"agreement_id": agreement_id, "include_internal": False})),
        params, day)


@bp.get("/feeds/all.ics")
def all_feed():
    """Every public event, or those of the organizations named in ?organizations=a,b."""
    _no_token()
    params = parse(request.args, allow_organizations=True)
    _no_obligations(params)
    day = window.today()
    return _serve(_combined(get_db(), params, day), params, day)


def combined_too_large(args) -> bool:
    """Whether /feeds/all.ics with these arguments holds more than FEED_MAX_EVENTS events (the subscribe box asks)."""
    try:
        params = parse(args, allow_organizations=True)
        day = window.today()
        _too_large(_combined(get_db(), params, day), params, day)
    except FeedTooLarge:
        return True
    except (BadRequest, NotFoundError):
        return False  # the box shows its own problem, or the feed's 404, as before
    return False


def _combined(db, params: FeedParams, day) -> Target:
    """The target of /feeds/all.ics: every public event, or those of ?organizations= (404 naming unknown slugs)."""
    if not params.organizations:
        stamp = feed_rows.scope_head(db, feed_versions.public(feed_versions.ALL))
        return Target(
            key="all", scopes=(stamp.scope,), versions=(stamp.version,), changed_at=[stamp.changed_at],
            filename="all.ics",
            private=False, windowed=True,
            meta=lambda: _meta("Lịch phối hợp — tất cả đơn vị", "Mọi sự kiện công khai của các văn bản phối hợp",
                               "all", params),
            selection=lambda: _window_selection(params, day))
    rows = feed_rows.organization_heads(db, list(params.organizations))
    missing = sorted(set(params.organizations) - {r.slug for r in rows})
    if missing:
        raise NotFoundError("No organization with slug " + ", ".join(f"'{s}'" for s in missing) + ".")
    ids = [r.id for r in rows]
    names = ", ".join(r.name for r in rows)

    def selection():
        chosen = feed_versions.descendants(db, ids) if params.include_children else tuple(ids)
        return _window_selection(params, day, organization_ids=chosen)

    return Target(
        key="organizations:" + ",".join(map(str, ids)), scopes=tuple(r.public.scope for r in rows),
        versions=tuple(r.public.version for r in rows),
        changed_at=[r.public.changed_at for r in rows], filename="organizations.ics", private=False, windowed=True,
        meta=lambda: _meta(f"Lịch phối hợp — {names}", f"Sự kiện của {names}",
                           "organizations-" + "-".join(map(str, ids)), params),
        selection=selection)


@bp.get("/events/<int:event_id>.ics")
def event_feed(event_id: int):
    """One event (its series and overrides) for 'add to my calendar' links."""
    params, db, row = _head(feed_rows.event_head, event_id, f"event with id {event_id}",
                            lambda db, head: head.visibility == "public" or may_read(db, events.get(db, event_id)))
    _no_obligations(params)
    private = row.visibility != "public"
    stamp = row.full if private else row.public
    day = window.today() if params.expand else None  # only an expanded one has a window, which moves daily
    return _serve(Target(
        key=f"event:{event_id}", scopes=(stamp.scope,), versions=(stamp.version,),
        changed_at=[stamp.changed_at], filename=f"event-{event_id}.ics", private=private, windowed=day is not None,
        by_url=not private,
        meta=lambda: None,  # "add this event", not a subscription: no calendar name, refresh or TTL
        selection=lambda: {"event_id": event_id, "include_internal": private, "kinds": params.kinds,
                           "hide_cancelled": params.hide_cancelled, "hide_tentative": params.hide_tentative}),
        params, day)


def _serve(target: Target, params: FeedParams, day) -> Response:
    """Answer from the validators first (304), then from the cache, building only on a miss."""
    base = _base_url()
    config = current_app.config
    expansion = _expansion(params, day) if params.expand else None  # a window too long is a 400, never a 304
    key = f"{target.key}|{params.key()}|{day}|{base}|{validators.feed_shape(config)}"
    feeds = _cache()
    entry = feeds.fresh(key, target.versions)
    if entry is not None:
        etag, last_modified = entry.etag, entry.last_modified
    else:
        _too_large(target, params, day)  # a kept entry was counted when built, at these versions
        # changed_at too: after a restore from a backup, new writes may repeat version numbers.
        etag = validators.etag(key, target.versions, tuple(target.changed_at), int(target.private))
        last_modified = _last_modified(target, day)
    headers = {"ETag": etag, "Last-Modified": http_date(last_modified),
               "Cache-Control": validators.cache_control(config, target.private)}
    if target.by_url:
        _remember(target, key, day, etag, last_modified, headers)
    if validators.not_modified(request.environ, etag, last_modified):
        # Not text/html (Flask's default): no page headers; werkzeug drops the entity headers of a 304.
        return Response(status=304, headers=headers, mimetype="text/calendar")
    if entry is None:
        try:
            body, _built = cache.assemble(get_db(), target.meta(), feed_rows.Selection(**target.selection()), base,
                                          params.alarm, params.hidden_statuses, params.prefix, expansion,
                                          template_base=stored_template_base())
        except cache.IncompleteFeed as error:  # never 200 with fewer events: subscribers would delete them
            current_app.logger.error("feed %s not served (503): %s", request.path, error)
            raise FeedUnavailable(config["FEED_RETRY_AFTER_SECONDS"]) from error
        except TooManyOccurrences as error:
            raise BadRequest(f"The expanded feed would hold {error}.",
                             {"expand": [f"More than {error.limit} occurrences; narrow the feed with kind= "
                                         "or a later since=, or leave expand= out."]}) from None
        if target.obligations is not None:
            items = obligations.feed_items(get_db(), **target.obligations(), today=follow_up_today())
            body = obligation_ical.splice(body, obligation_ical.obligation_vevents(items, base), CALENDAR_FOOTER)
        entry = cache.Entry(target.versions, etag, last_modified, body)
        feeds.put(key, entry)
    headers["Content-Disposition"] = f'inline; filename="{target.filename}"'
    return Response(entry.body, status=200, headers=headers, content_type=CONTENT_TYPE)


def _too_large(target: Target, params: FeedParams, day) -> None:
    """Raise FeedTooLarge when the feed holds more than FEED_MAX_EVENTS events (counted, no template read).

    A feed over the limit is never cached, so its verdict is kept (per versions and day): counting
    the combined feed at 1,000,000 events takes seconds.
    """
    limit = current_app.config["FEED_MAX_EVENTS"]
    key = (target.key, params.key(), target.versions, day, limit)
    verdicts = current_app.extensions["feed_size_verdicts"]
    over = verdicts.get(key)
    if over is None:
        over = feed_rows.holds_more_than(get_db(), feed_rows.Selection(**target.selection()), limit)
        verdicts.put(key, over)
    if over:
        raise FeedTooLarge(limit)


def _expansion(params: FeedParams, day) -> flat.Window:
    """The window of ?expand=1: from the feed's past cut-off to FEED_EXPAND_DAYS ahead, bounded like /occurrences."""
    config = current_app.config
    start = from_stored(window.past_cutoff(day, config["FEED_PAST_DAYS"], params.since, config["DEFAULT_TIMEZONE"]))
    end = window.day_start(day) + timedelta(days=config["FEED_EXPAND_DAYS"])
    longest = config["OCCURRENCE_WINDOW_MAX_DAYS"]
    if (end - start).days > longest:
        raise BadRequest(f"An expanded feed covers at most {longest} days; this one would cover {(end - start).days}.",
                         {"since": [f"With expand=1, at most {longest - config['FEED_EXPAND_DAYS']} days ago."]})
    return flat.Window(start, end, config["OCCURRENCE_MAX_RESULTS"])


def _remember(target: Target, key: str, day, etag: str, last_modified: datetime, headers: dict) -> None:
    """Let the shortcut repeat this answer for this URL while the target's versions and day hold."""
    current_app.extensions["feed_shortcut"].remember(request.environ, shortcut.Slot(
        feed_key=key, scopes=target.scopes, versions=target.versions, day=day if target.windowed else None,
        shape=validators.feed_shape(current_app.config), private=target.private,
        cache_control=headers["Cache-Control"], etag=etag,
        last_modified=last_modified,
        not_modified_headers=[("ETag", etag), ("Cache-Control", headers["Cache-Control"])],
        headers=[*headers.items(), ("Content-Disposition", f'inline; filename="{target.filename}"'),
                 ("Content-Type", CONTENT_TYPE)]))


def _last_modified(target: Target, day) -> datetime:
    """The latest write to the feed's scopes; a windowed feed also changes at midnight UTC."""
    moments = [from_stored(c) for c in target.changed_at if c]
    if target.windowed:
        moments.append(window.day_start(day))
    return max(moments) if moments else window.day_start(window.today())
