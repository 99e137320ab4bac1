"""Events as feeds need them: which events a feed holds, and builder dicts loaded in batch."""

from dataclasses import dataclass

from ..clock import from_stored
from ..stored_event import StoredEvent
from . import overrides as overrides_repo

# SQLite allows 32766 host parameters; stay well below it per batch.
_BATCH = 5000


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


# --- the cheap lookups a request starts with: the scope, its version and its last change ---------


def organization_head(db, slug: str) -> tuple | None:
    """Return (id, name, feed_token, version, changed_at) of an organization's feed, or None."""
    return db.execute(
        "select o.id, o.name, o.feed_token, coalesce(v.version, 0), v.changed_at from organizations o "
        "left join feed_versions v on v.scope = 'organization:' || o.id where o.slug = ?", [slug]).fetchone()


def organization_heads(db, slugs: list[str]) -> list[tuple]:
    """Return (slug, id, name, version, changed_at) of the organizations found, by slug."""
    marks = ",".join("?" * len(slugs))
    return db.execute(
        f"select o.slug, o.id, o.name, coalesce(v.version, 0), v.changed_at from organizations o "
        f"left join feed_versions v on v.scope = 'organization:' || o.id where o.slug in ({marks}) order by o.slug",
        list(slugs)).fetchall()


def agreement_head(db, slug: str) -> tuple | None:
    """Return (id, title, version, changed_at) of an agreement's feed, or None."""
    return db.execute(
        "select a.id, a.title, coalesce(v.version, 0), v.changed_at from agreements a "
        "left join feed_versions v on v.scope = 'agreement:' || a.id where a.slug = ?", [slug]).fetchone()


def event_head(db, event_id: int) -> tuple | None:
    """Return (title, visibility, version, changed_at) of one event's feed, or None."""
    return db.execute(
        "select e.title, e.visibility, coalesce(v.version, 0), v.changed_at from events e "
        "left join feed_versions v on v.scope = 'event:' || e.id where e.id = ?", [event_id]).fetchone()


def scope_head(db, scope: str) -> tuple[int, str | None]:
    """Return (version, changed_at) of one scope such as 'all'."""
    row = db.execute("select version, changed_at from feed_versions where scope = ?", [scope]).fetchone()
    return (row[0], row[1]) if row else (0, None)


def descendants(db, organization_ids: list[int]) -> tuple[int, ...]:
    """Return the organizations and all their descendants, sorted."""
    marks = ",".join("?" * len(organization_ids))
    rows = db.execute(
        f"""with recursive down(id) as (select id from organizations where id in ({marks})
            union select o.id from organizations o join down on o.parent_id = down.id) select id from down""",
        list(organization_ids)).fetchall()
    return tuple(sorted(r[0] for r in rows))


# --- the events of a feed -----------------------------------------------------------------------


def _where(selection: Selection) -> tuple[list[str], list]:
    """Translate a selection into WHERE clauses over `events e`."""
    where, params = [], []
    if selection.event_id is not None:
        where.append("e.id = ?")
        params.append(selection.event_id)
    if selection.agreement_id is not None:
        where.append("e.agreement_id = ?")
        params.append(selection.agreement_id)
    if selection.organization_ids is not None:
        marks = ",".join("?" * len(selection.organization_ids)) or "null"
        where.append(
            f"(e.id in (select event_id from event_organizations where organization_id in ({marks}))"
            f" or e.agreement_id in (select agreement_id from agreement_parties where organization_id in ({marks})))")
        params += [*selection.organization_ids, *selection.organization_ids]
    if not selection.include_internal:
        where.append("e.visibility = 'public'")
    if selection.kinds:
        where.append(f"e.kind in ({','.join('?' * len(selection.kinds))})")
        params += list(selection.kinds)
    if selection.hide_cancelled:
        where.append("e.status != 'cancelled'")
    if selection.hide_tentative:
        where.append("e.status != 'tentative'")
    if selection.range_end_from is not None:
        where.append("(e.range_end is null or e.range_end >= ?)")
        params.append(selection.range_end_from)
    if selection.cancelled_since is not None:
        where.append("(e.status != 'cancelled' or coalesce(e.cancelled_at, e.updated_at) >= ?)")
        params.append(selection.cancelled_since)
    return where, params


def select_feed_events(db, selection: Selection, variant: str) -> list[tuple]:
    """Return (id, all_day, timezone, version, cached body or None) per event, in feed order.

    One statement, so each body is matched against the version read with it.
    """
    where, params = _where(selection)
    clause = " where " + " and ".join(where) if where else ""
    sql = (
        "select e.id, e.all_day, e.timezone, coalesce(v.version, 0) as version, c.body "
        "from events e "
        "left join feed_versions v on v.scope = 'event:' || e.id "
        "left join event_ical_cache c on c.event_id = e.id and c.variant = ? and c.version = coalesce(v.version, 0)"
        f"{clause} order by e.range_start, e.id"
    )
    return db.execute(sql, [variant, *params]).fetchall()


def store_cached(db, build: str, variant: str, items: list[tuple[int, int, bytes]]) -> None:
    """Keep freshly built VEVENT bytes as (event_id, version, body) under a variant."""
    db.conn.executemany(
        "insert into event_ical_cache (event_id, variant, version, build, body) values (?, ?, ?, ?, ?) "
        "on conflict(event_id, variant) do update set version = excluded.version, build = excluded.build, "
        "body = excluded.body",
        [(event_id, variant, version, build, body) for event_id, version, body in items])


def prune_cached(db, build: str) -> None:
    """Drop VEVENT bytes written by other builds: no request of this build can match them."""
    db.execute("delete from event_ical_cache where build != ?", [build])


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _BATCH):
        yield ids[start:start + _BATCH]


def builder_dicts(db, event_ids: list[int], base_url: str,
                  hidden_occurrences: frozenset[str] = frozenset()) -> dict[int, dict]:
    """Load events with their agreement, parties, organizations and overrides as ical_builder dicts.

    Overridden occurrences whose status is in `hidden_occurrences` become EXDATEs (cancelled=hide,
    tentative=hide apply to single occurrences as they do to whole events).
    """
    result: dict[int, dict] = {}
    for chunk in _chunks(list(event_ids)):
        result.update(_load_chunk(db, chunk, base_url, hidden_occurrences))
    return result


def _load_chunk(db, ids: list[int], base_url: str, hidden_occurrences: frozenset[str]) -> dict[int, dict]:
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
        event = to_builder(row, base_url)
        event["agreement"] = agreements.get(row["agreement_id"])
        event["parties"] = parties.get(row["agreement_id"], [])
        event["organizations"] = organizations[row["id"]]
        event["overrides"], skipped = _builder_overrides(row, overrides.get(row["id"], []), hidden_occurrences)
        event["exdates"] = event["exdates"] + skipped
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


def to_builder(row: dict, base_url: str) -> dict:
    """Turn a stored event row into the typed values ical_builder takes (links left empty)."""
    event = StoredEvent.from_row(row)
    timed = not event.all_day
    return {
        "id": event.id, "uid": event.uid, "title": event.title, "kind": event.kind,
        "description": event.description, "location": event.location, "url": event.url,
        "status": event.status, "visibility": event.visibility, "sequence": event.sequence,
        "all_day": event.all_day,
        "starts_at": event.start if timed else None, "ends_at": event.end if timed else None,
        "timezone": event.timezone,
        "start_date": None if timed else event.start, "end_date": None if timed else event.end,
        "rrule": event.rrule, "exdates": list(event.exdates),
        "created_at": from_stored(event.created_at), "updated_at": from_stored(event.updated_at),
        "agreement": None, "parties": [], "organizations": [], "overrides": [],
        "page_url": f"{base_url}/events/{event.id}",
    }


def _builder_overrides(row: dict, stored: list[dict], hidden: frozenset[str]) -> tuple[list[dict], list]:
    """Return (overrides, extra exdates): only real occurrences; those with a hidden status become EXDATEs."""
    if not row["rrule"] or not stored:
        return [], []
    kept, skipped = [], []
    event = StoredEvent.from_row(row)
    for override, value in overrides_repo.real(event, stored):
        if override["status"] in hidden:
            skipped.append(value)
            continue
        typed = overrides_repo.typed(event, override)
        # A client keeps the highest SEQUENCE per instance; the series may have moved past it.
        typed["sequence"] = max(typed["sequence"], event.sequence)
        kept.append(typed)
    return kept, skipped
