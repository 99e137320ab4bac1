"""Events as feeds need them: which events a feed holds, and builder dicts loaded in batch."""

from dataclasses import dataclass
from typing import NamedTuple

from ..clock import from_stored
from ..schemas.events import WITHDRAWN_STATUSES
from ..stored_event import StoredEvent, UnreadableEvent, readable
from . import feed_versions
from . import overrides as overrides_repo

# SQLite allows 32766 host parameters; stay well below it per batch.
_BATCH = 5000
# The withdrawn statuses as an SQL list, written from the schema's own codes (no user text).
_WITHDRAWN = "(" + ", ".join(f"'{status}'" for status in WITHDRAWN_STATUSES) + ")"


@dataclass(frozen=True)
class Selection:
    """Which events a feed holds; every value is already validated and normalised."""

    organization_ids: tuple[int, ...] | None = None  # None: not an organization feed
    agreement_id: int | None = None
    event_id: int | None = None
    include_internal: bool = False
    kinds: tuple[str, ...] = ()
    hide_cancelled: bool = False
    hide_tentative: bool = False
    range_end_from: str | None = None  # stored UTC text: events ending before it are left out
    cancelled_since: str | None = None  # stored UTC text: events cancelled before it are left out


# --- the cheap lookups a request starts with: the scope and its stamps --------------------------
# Each head carries two stamps of the feed's scope: `full` (every change; private feeds and
# signed-in readers) and `public` (changes anonymous readers can see; public feeds).


class OrganizationHead(NamedTuple):
    id: int
    name: str
    feed_token: str
    full: feed_versions.Stamp
    public: feed_versions.Stamp


class OrganizationsHead(NamedTuple):
    slug: str
    id: int
    name: str
    full: feed_versions.Stamp
    public: feed_versions.Stamp


class AgreementHead(NamedTuple):
    id: int
    title: str
    full: feed_versions.Stamp
    public: feed_versions.Stamp


class EventHead(NamedTuple):
    title: str
    visibility: str
    full: feed_versions.Stamp
    public: feed_versions.Stamp


def _with_stamps(db, rows: list[tuple], scope_of) -> list[tuple]:
    """Each row followed by its scope's full and public stamps, read in one statement."""
    scopes = [scope_of(row) for row in rows]
    found = feed_versions.stamps(db, [*scopes, *map(feed_versions.public, scopes)])
    return [(*row, found[scope], found[feed_versions.public(scope)]) for row, scope in zip(rows, scopes)]


def organization_head(db, slug: str) -> OrganizationHead | None:
    """An organization's feed: id, name, feed token and stamps; None when there is no such organization."""
    row = db.execute("select id, name, feed_token from organizations where slug = ?", [slug]).fetchone()
    if row is None:
        return None
    return OrganizationHead(*_with_stamps(db, [row], lambda r: feed_versions.scope("organization", r[0]))[0])


def organization_heads(db, slugs: list[str]) -> list[OrganizationsHead]:
    """The organizations found among these slugs (by slug), with their stamps."""
    rows = db.execute(f"select slug, id, name from organizations where slug in ({','.join('?' * len(slugs))}) "
                      f"order by slug", list(slugs)).fetchall()
    stamped = _with_stamps(db, rows, lambda r: feed_versions.scope("organization", r[1]))
    return [OrganizationsHead(*row) for row in stamped]


def agreement_head(db, slug: str) -> AgreementHead | None:
    """An agreement's feed: id, title and stamps; None when there is no such agreement."""
    row = db.execute("select id, title from agreements where slug = ?", [slug]).fetchone()
    if row is None:
        return None
    return AgreementHead(*_with_stamps(db, [row], lambda r: feed_versions.scope("agreement", r[0]))[0])


def event_head(db, event_id: int) -> EventHead | None:
    """One event's feed: title, visibility and stamps; None when there is no such event."""
    row = db.execute("select title, visibility from events where id = ?", [event_id]).fetchone()
    if row is None:
        return None
    return EventHead(*_with_stamps(db, [row], lambda _row: feed_versions.scope("event", event_id))[0])


def scope_head(db, scope: str) -> feed_versions.Stamp:
    """One scope's stamp, such as public('all')."""
    return feed_versions.stamp(db, scope)


# --- the events of a feed -----------------------------------------------------------------------


def _where(selection: Selection) -> tuple[list[str], list]:
    """Translate a selection into WHERE clauses over `events e`."""
    where, params = [], []
    for clause, value in (
            ("e.id = ?", selection.event_id),
            ("e.agreement_id = ?", selection.agreement_id),
            (f"(e.status not in {_WITHDRAWN} or coalesce(e.cancelled_at, e.updated_at) >= ?)",
             selection.cancelled_since)):
        if value is not None:
            where.append(clause)
            params.append(value)
    if selection.organization_ids is not None:
        taking_part, taking_part_params = feed_versions.events_taking_part(selection.organization_ids)
        where.append(f"e.id in ({taking_part})")
        params += taking_part_params
    if not selection.include_internal:
        where.append("e.visibility = 'public'")
    if selection.kinds:
        where.append(f"e.kind in ({','.join('?' * len(selection.kinds))})")
        params += list(selection.kinds)
    # A postponed event reads STATUS:CANCELLED in feeds: hiding cancelled events hides it too.
    where += [clause for clause, hide in ((f"e.status not in {_WITHDRAWN}", selection.hide_cancelled),
                                          ("e.status != 'tentative'", selection.hide_tentative)) if hide]
    if selection.range_end_from is not None:
        # Events that ended before it are left out; but an override may move an occurrence past the
        # series' own end, and the series stays while that occurrence lasts.
        where.append("(e.range_end is null or e.range_end >= ? or e.id in (select event_id from occurrence_overrides "
                     "where ends_at >= ? or end_date >= substr(?, 1, 10)))")
        params += [selection.range_end_from] * 3
    return where, params


def holds_more_than(db, selection: Selection, limit: int) -> bool:
    """Whether the feed holds more than `limit` events, without reading a template.

    First an upper bound from the indexes alone (the events of its organizations, of its agreement, or
    every event), which settles nearly every feed in milliseconds; the feed's own conditions are counted
    (no further than limit + 1 rows) only when that bound is over the limit.
    """
    if selection.event_id is not None:
        return limit < 1
    if selection.organization_ids is not None:
        taking_part, params = feed_versions.events_taking_part(selection.organization_ids)
        bound_sql = f"select 1 from ({taking_part})"
    elif selection.agreement_id is not None:
        bound_sql, params = "select 1 from events where agreement_id = ?", [selection.agreement_id]
    else:
        bound_sql, params = "select 1 from events", []
    if _count(db, bound_sql, params, limit + 1) <= limit:
        return False
    where, params = _where(selection)
    clause = " where " + " and ".join(where) if where else ""
    return _count(db, f"select 1 from events e{clause}", params, limit + 1) > limit


def _count(db, sql: str, params: list, at_most: int) -> int:
    return db.execute(f"select count(*) from ({sql} limit ?)", [*params, at_most]).fetchone()[0]


# The stored VEVENT templates of an event, one row per event: `body` shows every occurrence; the
# others leave out overridden occurrences of the hidden statuses (NULL: no such occurrence, same as body).
BODY_COLUMNS = {
    frozenset(): "body",
    frozenset({"cancelled"}): "without_cancelled",
    frozenset({"tentative"}): "without_tentative",
    frozenset({"cancelled", "tentative"}): "without_both",
}


# An event's feed version (v.version, null before its first change) and its stored template of the
# build bound to ? at that version (c, null when there is none): one rule for the three queries below.
_VERSION_JOIN = "left join feed_versions v on v.scope = 'event:' || e.id"
_TEMPLATE_JOIN = ("left join event_ical_cache c on c.event_id = e.id and c.build = ? "
                  "and c.version = coalesce(v.version, 0)")


def select_feed_events(db, selection: Selection, build: str, hidden: frozenset[str] = frozenset()) -> list[tuple]:
    """Return (id, all_day, timezone, version, stored template or None, range_start) per event, in feed order.

    One statement, so each template is matched against the version read with it. Sorted here, not by
    ORDER BY: SQLite's sorter would carry every row's template (megabytes in all) through a temporary
    B-tree, which cost a cold 10,000-event feed a third of its time.
    """
    where, params = _where(selection)
    clause = " where " + " and ".join(where) if where else ""
    column = BODY_COLUMNS[hidden]
    sql = (
        f"select e.id, e.all_day, e.timezone, coalesce(v.version, 0) as version, coalesce(c.{column}, c.body), "
        f"e.range_start from events e {_VERSION_JOIN} {_TEMPLATE_JOIN}{clause}"
    )
    rows = db.execute(sql, [build, *params]).fetchall()
    rows.sort(key=_feed_order)
    return rows


def missing_templates(db, selection: Selection, build: str) -> list[int]:
    """The events of a selection with no stored template for this build at their current version, by id."""
    where, params = _where(selection)
    clause = " and " + " and ".join(where) if where else ""
    sql = f"select e.id from events e {_VERSION_JOIN} {_TEMPLATE_JOIN} where c.event_id is null{clause} order by e.id"
    return [row[0] for row in db.execute(sql, [build, *params]).fetchall()]


def event_versions(db, event_ids: list[int]) -> dict[int, int]:
    """{event id: its feed version} (0 before its first change), as select_feed_events reads it."""
    found = {}
    for chunk in _chunks(event_ids):
        found.update(db.execute(
            f"select e.id, coalesce(v.version, 0) from events e {_VERSION_JOIN} "
            f"where e.id in ({','.join('?' * len(chunk))})", chunk).fetchall())
    return found


def _feed_order(row: tuple) -> tuple:
    """order by range_start, id, as SQLite sorts them (range_start is NOT NULL)."""
    return row[5], row[0]


def store_cached(db, build: str, items: list[tuple[int, int, dict]]) -> None:
    """Keep fresh templates as (event_id, version, {hidden statuses: template or None}), replacing older ones."""
    columns = list(BODY_COLUMNS.values())
    db.conn.executemany(
        f"insert into event_ical_cache (event_id, version, build, {', '.join(columns)}) "
        f"values (?, ?, ?, {', '.join('?' * len(columns))}) on conflict(event_id) do update set "
        + ", ".join(f"{name} = excluded.{name}" for name in ["version", "build", *columns]),
        [(event_id, version, build, *(bodies.get(hidden) for hidden in BODY_COLUMNS))
         for event_id, version, bodies in items])


def prune_cached(db, build: str | None = None) -> None:
    """Drop templates written by other builds (no request of this build can match them), or all of them."""
    if build is None:
        db.execute("delete from event_ical_cache")
    else:
        db.execute("delete from event_ical_cache where build != ?", [build])


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _BATCH):
        yield ids[start:start + _BATCH]


def builder_dicts(db, event_ids: list[int], base_url: str,
                  unreadable: list[UnreadableEvent] | None = None) -> dict[int, dict]:
    """Load events with their agreement, parties, organizations and overrides as ical_builder dicts.

    An unreadable event (stored_event.UnreadableEvent) is left out of the result: logged, or added
    to `unreadable` when the caller must not go on without it (a feed).
    """
    result: dict[int, dict] = {}
    for chunk in _chunks(list(event_ids)):
        result.update(_load_chunk(db, chunk, base_url, unreadable))
    return result


def _load_chunk(db, ids: list[int], base_url: str, unreadable: list | None) -> dict[int, dict]:
    marks = ",".join("?" * len(ids))
    rows = list(db.query(f"select * from events where id in ({marks})", ids))
    agreement_ids = sorted({r["agreement_id"] for r in rows if r["agreement_id"] is not None})
    agreements, parties = _agreements(db, agreement_ids, base_url)
    organizations: dict[int, list[dict]] = {i: [] for i in ids}
    for event_id, slug, name in db.execute(
            f"select eo.event_id, o.slug, o.name from event_organizations eo join organizations o "
            f"on o.id = eo.organization_id where eo.event_id in ({marks}) order by o.name, o.slug", ids).fetchall():
        organizations[event_id].append({"slug": slug, "name": name})
    overrides = overrides_repo.for_events(db, ids)
    result = {}
    for row in rows:
        try:
            event = to_builder(row, base_url)
        except UnreadableEvent as error:
            if unreadable is None:
                error.warn()
            else:
                unreadable.append(error)
            continue
        event["agreement"] = agreements.get(row["agreement_id"])
        event["parties"] = parties.get(row["agreement_id"], [])
        event["organizations"] = organizations[row["id"]]
        event["overrides"] = _builder_overrides(row, overrides.get(row["id"], []))
        result[row["id"]] = event
    return result


def _agreements(db, agreement_ids: list[int], base_url: str) -> tuple[dict, dict]:
    if not agreement_ids:
        return {}, {}
    marks = ",".join("?" * len(agreement_ids))
    agreements = {r[0]: {"slug": r[1], "title": r[2], "kind": r[3], "url": f"{base_url}/agreements/{r[1]}"}
                  for r in db.execute(f"select id, slug, title, kind from agreements where id in ({marks})",
                                      agreement_ids).fetchall()}
    parties: dict[int, list[dict]] = {}
    for agreement_id, name, role, signatory_name, signatory_title in db.execute(
            f"select p.agreement_id, o.name, p.role, p.signatory_name, p.signatory_title from agreement_parties p "
            f"join organizations o on o.id = p.organization_id where p.agreement_id in ({marks}) "
            f"order by p.agreement_id, p.position", agreement_ids).fetchall():
        parties.setdefault(agreement_id, []).append({
            "organization_name": name, "role": role,
            "signatory_name": signatory_name, "signatory_title": signatory_title})
    return agreements, parties


def stored_events(db, event_ids: list[int]) -> dict[int, StoredEvent]:
    """The typed events of these ids (an expanded feed expands them); unreadable ones are logged and left out."""
    found: dict[int, StoredEvent] = {}
    for chunk in _chunks(list(event_ids)):
        found.update(readable(db.query(f"select * from events where id in ({','.join('?' * len(chunk))})", chunk)))
    return found


def to_builder(row: dict, base_url: str) -> dict:
    """Turn a stored event row into the typed values ical_builder takes (links left empty)."""
    event = StoredEvent.from_row(row)
    timed = not event.all_day
    return {
        "id": event.id, "uid": event.uid, "title": event.title, "kind": event.kind,
        "description": event.description, "location": event.location, "url": event.url,
        **event.schedule(), "emphasis": event.emphasis,
        "status": event.status, "status_reason": event.status_reason, "visibility": event.visibility,
        "sequence": event.sequence, "all_day": event.all_day,
        "starts_at": event.start if timed else None, "ends_at": event.end if timed else None,
        "timezone": event.timezone,
        "start_date": None if timed else event.start, "end_date": None if timed else event.end,
        "rrule": event.rrule, "exdates": list(event.exdates),
        "created_at": from_stored(event.created_at), "updated_at": from_stored(event.updated_at),
        "agreement": None, "parties": [], "organizations": [], "overrides": [],
        "page_url": f"{base_url}/events/{event.id}",
    }


def _builder_overrides(row: dict, stored: list[dict]) -> list[dict]:
    """Return the overrides of real occurrences (ical_builder.without_statuses hides some per feed)."""
    if not row["rrule"] or not stored:
        return []
    kept = []
    event = StoredEvent.from_row(row)
    for override, _value in overrides_repo.real(event, stored):
        typed = overrides_repo.readable(event, override)
        if typed is None:
            continue  # a stored value the zone cannot show: the feed keeps the series' own occurrence
        kept.append(typed)  # ical_builder.series_revision gives every VEVENT of the series one SEQUENCE
    return kept
