"""Per-feed version counters, bumped by every write that changes what a feed would contain."""

from ..clock import now_stored

ALL = "all"


def organization_scope(organization_id: int) -> str:
    return f"organization:{organization_id}"


def agreement_scope(agreement_id: int) -> str:
    return f"agreement:{agreement_id}"


def event_scope(event_id: int) -> str:
    return f"event:{event_id}"


def bump(db, scopes: set[str]) -> None:
    """Increase the version of each scope (and of the 'all' feed) in the caller's transaction."""
    changed_at = now_stored()
    for scope in sorted(scopes | {ALL}):
        db.execute(
            "insert into feed_versions (scope, version, changed_at) values (?, 1, ?) "
            "on conflict(scope) do update set version = version + 1, changed_at = excluded.changed_at",
            [scope, changed_at],
        )


def get(db, scope: str) -> tuple[int, str | None]:
    """Return (version, changed_at) of a scope; (0, None) when nothing ever touched it."""
    row = db.execute("select version, changed_at from feed_versions where scope = ?", [scope]).fetchone()
    return (row[0], row[1]) if row else (0, None)


def organization_ancestors(db, organization_ids: set[int]) -> set[int]:
    """Return the organizations and all their ancestors (their feeds can include children)."""
    if not organization_ids:
        return set()
    placeholders = ",".join("?" * len(organization_ids))
    rows = db.execute(
        f"""with recursive up(id) as (
              select id from organizations where id in ({placeholders})
              union select o.parent_id from organizations o join up on o.id = up.id
              where o.parent_id is not null)
            select id from up""",
        list(organization_ids),
    ).fetchall()
    return {row[0] for row in rows}


def scopes_for_events(db, event_ids: set[int]) -> set[str]:
    """Every feed scope that contains any of these events, as the data stands now."""
    if not event_ids:
        return set()
    placeholders = ",".join("?" * len(event_ids))
    ids = list(event_ids)
    agreement_ids = {r[0] for r in db.execute(
        f"select distinct agreement_id from events where id in ({placeholders}) and agreement_id is not null",
        ids).fetchall()}
    organization_ids = {r[0] for r in db.execute(
        f"select organization_id from event_organizations where event_id in ({placeholders})", ids).fetchall()}
    organization_ids |= organizations_of_agreements(db, agreement_ids)
    return ({event_scope(i) for i in event_ids}
            | {agreement_scope(a) for a in agreement_ids}
            | {organization_scope(o) for o in organization_ancestors(db, organization_ids)})


def organizations_of_agreements(db, agreement_ids: set[int]) -> set[int]:
    """Return the organizations party to any of these agreements."""
    if not agreement_ids:
        return set()
    placeholders = ",".join("?" * len(agreement_ids))
    return {r[0] for r in db.execute(
        f"select organization_id from agreement_parties where agreement_id in ({placeholders})",
        list(agreement_ids)).fetchall()}


def event_ids_of_agreements(db, agreement_ids: set[int]) -> set[int]:
    """Return the events linked to any of these agreements."""
    if not agreement_ids:
        return set()
    placeholders = ",".join("?" * len(agreement_ids))
    return {r[0] for r in db.execute(
        f"select id from events where agreement_id in ({placeholders})", list(agreement_ids)).fetchall()}


def event_ids_of_organization(db, organization_id: int) -> set[int]:
    """Return the events an organization takes part in, directly or through an agreement."""
    rows = db.execute(
        """select event_id from event_organizations where organization_id = ?
           union select e.id from events e join agreement_parties p on p.agreement_id = e.agreement_id
           where p.organization_id = ?""",
        [organization_id, organization_id]).fetchall()
    return {r[0] for r in rows}
