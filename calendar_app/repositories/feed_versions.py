"""Scopes and their versions, and the one rule for "the events an organization takes part in".

A scope names what a feed or a cached list depends on: "all", "organization:<id>",
"agreement:<id>", "event:<id>". Each has a full version, moved by every write to what it holds,
and a public twin ("public:<scope>") moved only when public content moved: public feeds and
anonymous lists use the twin, so an internal edit does not show through their ETag and
Last-Modified (nor let anyone time internal activity).

Writes never name scopes. They say what they change (events, agreements, organizations, an
organization's feed token) with `changing()` around the write, and the scopes are derived from
the data as it stands before and after: an event moved from one organization to another moves
both, an event made internal moves the public twins it left.

An organization takes part in an event as one of its participants or as a party to the event's
agreement; its feed with children also holds its descendants' events. `participation` is the one
place that says so in SQL: event filters, feed selection, invalidation and authorisation use it.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from ..clock import now_stored

ALL = "all"
HOLIDAYS = "holidays"  # the holidays feed: holidays are public data and hold no event
PUBLIC = "public:"


def scope(kind: str, key: int) -> str:
    """The scope of one organization, agreement or event: scope("organization", 5) is "organization:5"."""
    return f"{kind}:{key}"


def public(scope: str) -> str:
    """The scope's public twin: what anonymous readers of it can see."""
    return PUBLIC + scope


class Stamp(NamedTuple):
    """A scope's version and the time it last moved (None: never written)."""

    scope: str
    version: int
    changed_at: str | None


# --- reads ----------------------------------------------------------------------------------------


def stamps(db, scopes: Iterable[str]) -> dict[str, Stamp]:
    """The stamps of these scopes, in one statement; a scope never written has version 0."""
    scopes = list(dict.fromkeys(scopes))
    if not scopes:
        return {}
    # fetchall() runs the statement to its end: a statement left open would pin an old snapshot.
    found = {row[0]: Stamp(*row) for row in db.execute(
        f"select scope, version, changed_at from feed_versions where scope in ({_marks(scopes)})",
        scopes).fetchall()}
    return {scope: found.get(scope, Stamp(scope, 0, None)) for scope in scopes}


def stamp(db, scope: str) -> Stamp:
    """One scope's stamp."""
    return stamps(db, [scope])[scope]


def versions(db, scopes: tuple[str, ...]) -> tuple[int, ...]:
    """The versions of these scopes, in their order (the feed shortcut's one query per request: kept lean)."""
    # fetchall() runs the statement to its end: a statement left open would pin an old snapshot.
    found = dict(db.conn.execute(f"select scope, version from feed_versions where scope in ({_marks(scopes)})",
                                 scopes).fetchall())
    return tuple(found.get(scope, 0) for scope in scopes)


def event_stamps(db, event_ids: list[int]) -> list[tuple | None]:
    """Each event's stamp as its raw row (scope, version, changed_at), None when never written, in order.

    Lists read one per item to know which kept representations are current: kept lean (no Stamp objects).
    """
    scopes = [scope("event", i) for i in event_ids]
    # fetchall() runs the statement to its end: a statement left open would pin an old snapshot.
    found = {row[0]: row for row in db.conn.execute(
        f"select scope, version, changed_at from feed_versions where scope in ({_marks(scopes)})", scopes).fetchall()}
    return [found.get(s) for s in scopes]


def reader_scopes(db, readable) -> tuple[str, ...]:
    """The scopes whose versions move when anything a reader may list changes (lists' ETags read them).

    `readable` as auth.readable_internal says: internal events of all organizations (True), of none
    (False: only the public twin, so internal edits never show through), or of these slugs (the
    public twin and those organizations' full scopes). Hazard: an organization's scope also moves
    for its descendants' events, so a limited token's ETag may move without a visible change; it
    never stays put across one.
    """
    if readable is True:
        return (ALL,)
    if readable is False or not readable:
        return (public(ALL),)
    slugs = list(readable)
    ids = sorted(row[0] for row in db.execute(
        f"select id from organizations where slug in ({_marks(slugs)})", slugs).fetchall())
    return (public(ALL), *(scope("organization", i) for i in ids))


# --- the organization tree ------------------------------------------------------------------------


def ancestors(db, organization_ids: set[int]) -> set[int]:
    """The organizations and all their ancestors (whose feeds with children hold their events)."""
    if not organization_ids:
        return set()
    ids = list(organization_ids)
    rows = db.execute(
        f"""with recursive up(id) as (
              select id from organizations where id in ({_marks(ids)})
              union select o.parent_id from organizations o join up on o.id = up.id
              where o.parent_id is not null)
            select id from up""", ids).fetchall()
    return {row[0] for row in rows}


def _descendants_sql(organization_ids: list[int]) -> str:
    return (f"with recursive down(id) as (select id from organizations where id in ({_marks(organization_ids)}) "
            f"union select o.id from organizations o join down on o.parent_id = down.id) select id from down")


def descendants(db, organization_ids: Iterable[int]) -> tuple[int, ...]:
    """The organizations and all their descendants, sorted."""
    ids = list(organization_ids)
    if not ids:
        return ()
    return tuple(sorted(row[0] for row in db.execute(_descendants_sql(ids), ids).fetchall()))


# --- who takes part in what -----------------------------------------------------------------------


def participation(*, organization_ids: list[int] | None = None, organization_slugs: list[str] | None = None,
                  event_ids: list[int] | None = None, with_descendants: bool = False) -> tuple[str, list]:
    """SQL for the pairs (event_id, organization_id) of every organization taking part in an event.

    A participant (event_organizations) or a party to the event's agreement (agreement_parties).
    Narrowed to some organizations, by id (with_descendants: and everything below them) or by
    slug, and/or to some events; the filters are written into both arms so that each is an
    index lookup.
    """
    direct, through, params_direct, params_through = [], [], [], []
    within = None
    if organization_ids is not None:
        if with_descendants and organization_ids:
            within, within_params = f"({_descendants_sql(organization_ids)})", list(organization_ids)
        else:
            within, within_params = f"({_marks(organization_ids) or 'null'})", list(organization_ids)
    elif organization_slugs is not None:
        within = f"(select id from organizations where slug in ({_marks(organization_slugs) or 'null'}))"
        within_params = list(organization_slugs)
    if within is not None:
        direct.append(f"eo.organization_id in {within}")
        through.append(f"p.organization_id in {within}")
        params_direct += within_params
        params_through += within_params
    if event_ids is not None:
        marks = _marks(event_ids) or "null"
        direct.append(f"eo.event_id in ({marks})")
        through.append(f"e.id in ({marks})")
        params_direct += list(event_ids)
        params_through += list(event_ids)
    sql = ("select eo.event_id as event_id, eo.organization_id as organization_id from event_organizations eo"
           + _where(direct)
           + " union select e.id, p.organization_id from events e join agreement_parties p"
             " on p.agreement_id = e.agreement_id" + _where(through))
    return sql, params_direct + params_through


def events_taking_part(organization_ids: Iterable[int] | None = None, *, organization_slugs: Iterable[str] = (),
                       with_descendants: bool = False) -> tuple[str, list]:
    """SQL selecting the ids of the events these organizations (by id, else by slug) take part in, for `id in (…)`."""
    if organization_ids is not None:
        sql, params = participation(organization_ids=list(organization_ids), with_descendants=with_descendants)
    else:
        sql, params = participation(organization_slugs=list(organization_slugs))
    return f"select event_id from ({sql})", params


def event_ids_of_organizations(db, organization_ids: Iterable[int], with_descendants: bool = False) -> set[int]:
    """The events these organizations take part in."""
    sql, params = events_taking_part(organization_ids, with_descendants=with_descendants)
    return {row[0] for row in db.execute(sql, params).fetchall()}


def organizations_of_events(db, event_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each event, the organizations taking part in it (an event nobody takes part in: empty)."""
    ids = list(event_ids)
    taking_part: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        sql, params = participation(event_ids=ids)
        for event_id, organization_id in db.execute(sql, params).fetchall():
            taking_part[event_id].add(organization_id)
    return taking_part


def organization_slugs_of_events(db, event_ids: Iterable[int]) -> set[str]:
    """The slugs of every organization taking part in any of these events (for authorisation)."""
    ids = {o for organizations in organizations_of_events(db, event_ids).values() for o in organizations}
    if not ids:
        return set()
    return {row[0] for row in db.execute(
        f"select slug from organizations where id in ({_marks(ids)})", list(ids)).fetchall()}


def party_slugs(db, agreement_slug: str | None) -> set[str]:
    """The slugs of the organizations party to an agreement: they take part in its events."""
    if not agreement_slug:
        return set()
    return {row[0] for row in db.execute(
        "select o.slug from agreement_parties p join organizations o on o.id = p.organization_id "
        "join agreements a on a.id = p.agreement_id where a.slug = ?", [agreement_slug]).fetchall()}


# --- writes ---------------------------------------------------------------------------------------


@dataclass
class _Moved:
    """The scopes a change moves: every one in `full`, those anonymous readers see also in `public`."""

    full: set[str] = field(default_factory=set)
    public: set[str] = field(default_factory=set)

    def add(self, scopes: set[str], public: bool) -> None:
        self.full |= scopes
        if public:
            self.public |= scopes

    def __or__(self, other: "_Moved") -> "_Moved":
        return _Moved(self.full | other.full, self.public | other.public)


@contextmanager
def changing(db, *, events: Iterable[int] = (), agreements: Iterable[int] = (), organizations: Iterable[int] = (),
             feed_tokens: Iterable[int] = (), occurrence_index: bool = False, holidays: bool = False,
             obligations_of: Iterable[int] = ()):
    """Around a write (inside its transaction): name what it changes; the scopes it moves are bumped.

    events: those whose row, links or overrides change; agreements: those whose fields or parties
    change (their events' feeds show them); organizations: those whose fields or parent change
    (their events' feeds show them, their ancestors' feeds with children hold them);
    feed_tokens: organizations whose private feed URL changes (the private feed only);
    occurrence_index: the index was rebuilt (the lists may differ, no feed does);
    holidays: the holidays table changed (the holidays feed);
    obligations_of: agreements whose obligations or period records change (the ?obligations=1
    feeds of the agreement and of its parties and their ancestors show them).
    Ids may name rows that do not exist yet (a create) or any more (a delete).
    The webhooks' outbox is written here too, from the same before and after.
    """
    from ..webhooks import outbox  # the outbox reads events, whose repository imports this module

    named = (set(events), set(agreements), set(organizations), set(feed_tokens))
    followed = set(obligations_of)
    before = _moved_by(db, *named) | _moved_by_obligations(db, followed)
    heard = outbox.look(db, *named[:3])
    yield
    moved = before | _moved_by(db, *named) | _moved_by_obligations(db, followed)
    if occurrence_index:
        moved.add({ALL}, public=True)
    if holidays:
        moved.add({HOLIDAYS}, public=True)
    _bump(db, moved)
    outbox.record(db, heard)  # in the write's transaction: its webhooks are told if, and only if, it commits


def _moved_by(db, events: set[int], agreements: set[int], organizations: set[int],
              feed_tokens: set[int]) -> _Moved:
    """The scopes these rows, as they stand now, make a change move."""
    moved = _Moved()
    moved.add({scope("agreement", a) for a in _existing(db, "agreements", agreements)}, public=True)
    moved.add({scope("organization", o) for o in _existing(db, "organizations", organizations)}, public=True)
    moved.add({scope("organization", o) for o in _existing(db, "organizations", feed_tokens)}, public=False)
    event_ids = set(events)
    if agreements:
        event_ids |= {row[0] for row in db.execute(
            f"select id from events where agreement_id in ({_marks(agreements)})", list(agreements)).fetchall()}
    if organizations:
        event_ids |= event_ids_of_organizations(db, organizations, with_descendants=True)
    for event_scopes, is_public in _event_scopes(db, event_ids):
        moved.add(event_scopes, is_public)
    return moved


def _moved_by_obligations(db, agreement_ids: set[int]) -> _Moved:
    """The scopes showing these agreements' obligations (none without any): public only while one is public."""
    moved = _Moved()
    for agreement_id in sorted(agreement_ids):
        shown = db.execute("select count(*), coalesce(max(visibility = 'public'), 0) from obligations "
                           "where agreement_id = ?", [agreement_id]).fetchone()
        if not shown[0]:
            continue
        is_public = shown[1]
        parties = {row[0] for row in db.execute(
            "select organization_id from agreement_parties where agreement_id = ?", [agreement_id]).fetchall()}
        moved.add({scope("agreement", agreement_id)} | {scope("organization", o) for o in ancestors(db, parties)},
                  public=bool(is_public))
    return moved


def _event_scopes(db, event_ids: set[int]) -> list[tuple[set[str], bool]]:
    """Per existing event: every scope that holds it, and whether anonymous readers see it."""
    if not event_ids:
        return []
    ids = list(event_ids)
    rows = db.execute(f"select id, agreement_id, visibility from events where id in ({_marks(ids)})", ids).fetchall()
    taking_part = organizations_of_events(db, [row[0] for row in rows])
    above = _ancestors_of_each(db, {o for organizations in taking_part.values() for o in organizations})
    result = []
    for event_id, agreement_id, visibility in rows:
        scopes = {scope("event", event_id)}
        scopes |= {scope("organization", a) for o in taking_part[event_id] for a in above[o]}
        if agreement_id is not None:
            scopes.add(scope("agreement", agreement_id))
        result.append((scopes, visibility == "public"))
    return result


def _ancestors_of_each(db, organization_ids: set[int]) -> dict[int, set[int]]:
    """For each organization, itself and its ancestors, in one statement."""
    found: dict[int, set[int]] = {o: {o} for o in organization_ids}
    if organization_ids:
        ids = list(organization_ids)
        for origin, ancestor in db.execute(
                f"""with recursive up(origin, id) as (
                      select id, parent_id from organizations where id in ({_marks(ids)}) and parent_id is not null
                      union select up.origin, o.parent_id from organizations o join up on o.id = up.id
                      where o.parent_id is not null)
                    select origin, id from up""", ids).fetchall():
            found[origin].add(ancestor)
    return found


def _bump(db, moved: _Moved) -> None:
    """Move every full scope (and 'all'), and the public twins of the public ones (and 'all' with them)."""
    scopes = moved.full | {ALL}
    if moved.public:
        scopes |= {public(s) for s in moved.public | {ALL}}
    changed_at = now_stored()
    db.conn.executemany(
        "insert into feed_versions (scope, version, changed_at) values (?, 1, ?) "
        "on conflict(scope) do update set version = version + 1, changed_at = excluded.changed_at",
        [(scope, changed_at) for scope in sorted(scopes)])


def _existing(db, table: str, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return {row[0] for row in db.execute(f"select id from {table} where id in ({_marks(ids)})", list(ids)).fetchall()}


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _where(clauses: list[str]) -> str:
    return " where " + " and ".join(clauses) if clauses else ""
