"""Organizations: the bodies that sign agreements and take part in events."""

import secrets

from ..clock import now_stored
from ..collation import COLLATION
from ..errors import ConflictError, ValidationFailed
from ..text import fold
from . import audit, feed_versions, tokens
from .rows import ensure_slug_free, one_row
from .search import search_clause

COLUMNS = ("slug", "name", "short_name", "kind", "website")


def new_feed_token() -> str:
    """A long random secret for the organization's private feed URL."""
    return secrets.token_urlsafe(32)


def _represent(db, row: dict) -> dict:
    parent_slug = None
    if row["parent_id"] is not None:
        parent_slug = db.execute("select slug from organizations where id = ?", [row["parent_id"]]).fetchone()[0]
    return {
        "id": row["id"], "slug": row["slug"], "name": row["name"], "short_name": row["short_name"],
        "kind": row["kind"], "parent": parent_slug, "website": row["website"],
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }


def _row_by_slug(db, slug: str) -> dict:
    return one_row(db, "organizations", "slug", slug, f"No organization with slug '{slug}'.")


def get(db, slug: str) -> dict:
    """Return one organization by slug."""
    return _represent(db, _row_by_slug(db, slug))


def get_row(db, slug: str) -> dict:
    """Return the stored row (with id and feed token) for internal use."""
    return _row_by_slug(db, slug)


def ids_for_slugs(db, slugs: list[str], field: str) -> dict[str, int]:
    """Resolve slugs to ids, failing with a field error that names each unknown slug."""
    unique = list(dict.fromkeys(slugs))
    if not unique:
        return {}
    placeholders = ",".join("?" * len(unique))
    found = {r[0]: r[1] for r in db.execute(
        f"select slug, id from organizations where slug in ({placeholders})", unique).fetchall()}
    missing = [s for s in unique if s not in found]
    if missing:
        raise ValidationFailed({field: [f"Unknown organization '{s}'." for s in missing]})
    return found


def list_organizations(db, parent: str | None = None, q: str | None = None,
                       limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Return a page of organizations and the total count, filtered by parent and search text."""
    where, params = [], []
    if parent:
        parent_id = _row_by_slug(db, parent)["id"]
        where.append("parent_id = ?")
        params.append(parent_id)
    if q:
        clause, clause_params = search_clause("organizations", q)
        where.append(clause)
        params.extend(clause_params)
    sql_where = (" where " + " and ".join(where)) if where else ""
    total = db.execute(f"select count(*) from organizations{sql_where}", params).fetchone()[0]
    rows = db.query(f"select * from organizations{sql_where} order by name collate {COLLATION}, id limit ? offset ?",
                    [*params, limit, offset])
    return [_represent(db, row) for row in rows], total


def _search_text(data: dict) -> str:
    return fold(" ".join(filter(None, [data.get("name"), data.get("short_name"), data.get("slug")])))


def _check_parent(db, organization_id: int | None, parent_slug: str | None) -> int | None:
    """Resolve the parent, refusing an organization that would become its own ancestor."""
    if not parent_slug:
        return None
    parent_id = ids_for_slugs(db, [parent_slug], "parent")[parent_slug]
    if organization_id is not None and organization_id in feed_versions.ancestors(db, {parent_id}):
        raise ValidationFailed({"parent": ["An organization cannot be its own ancestor."]})
    return parent_id


def create(db, data: dict, actor: str) -> dict:
    """Insert an organization (caller holds the write transaction)."""
    ensure_slug_free(db, "organizations", "An organization", data["slug"])
    now = now_stored()
    row = {k: data.get(k) for k in COLUMNS}
    organization_id = audit.unused_id(db, "organizations", "organization")
    row.update(id=organization_id, parent_id=_check_parent(db, None, data.get("parent")), feed_token=new_feed_token(),
               search_text=_search_text(data), created_at=now, updated_at=now)
    with feed_versions.changing(db, organizations={organization_id}):
        db["organizations"].insert(row)
    created = get(db, data["slug"])
    audit.record(db, actor, "organization", organization_id, data["slug"], "create", None, created)
    return created


def update(db, slug: str, changes: dict, actor: str) -> dict:
    """Apply a partial change; bump every feed that shows this organization."""
    row = _row_by_slug(db, slug)
    before = _represent(db, row)
    if "slug" in changes and changes["slug"] != slug:
        ensure_slug_free(db, "organizations", "An organization", changes["slug"])
    values = {k: changes[k] for k in COLUMNS if k in changes}
    if "parent" in changes:
        values["parent_id"] = _check_parent(db, row["id"], changes["parent"])
    merged = {**before, **changes}
    values["search_text"] = _search_text(merged)
    values["updated_at"] = now_stored()
    with feed_versions.changing(db, organizations={row["id"]}):
        db["organizations"].update(row["id"], values)
    if changes.get("slug") and changes["slug"] != slug:
        tokens.follow_organization(db, slug, changes["slug"], actor)
    after = _represent(db, db["organizations"].get(row["id"]))
    audit.record(db, actor, "organization", row["id"], after["slug"], "update", before, after)
    return after


def rotate_feed_token(db, slug: str, actor: str) -> str:
    """Replace the private feed token; the old private URL stops working at once."""
    row = _row_by_slug(db, slug)
    token = new_feed_token()
    with feed_versions.changing(db, feed_tokens={row["id"]}):
        db["organizations"].update(row["id"], {"feed_token": token, "updated_at": now_stored()})
    audit.record(db, actor, "organization", row["id"], slug, "rotate_feed_token", None, None)
    return token


def delete(db, slug: str, actor: str) -> None:
    """Delete an organization that nothing refers to any more."""
    row = _row_by_slug(db, slug)
    checks = [
        ("select count(*) from agreement_parties where organization_id = ?", "it is party to {} agreement(s)"),
        ("select count(*) from event_organizations where organization_id = ?", "it takes part in {} event(s)"),
        ("select count(*) from organizations where parent_id = ?", "it has {} child organization(s)"),
    ]
    reasons = []
    for sql, reason in checks:
        count = db.execute(sql, [row["id"]]).fetchone()[0]
        if count:
            reasons.append(reason.format(count))
    if reasons:
        raise ConflictError(f"Organization '{slug}' cannot be deleted: " + "; ".join(reasons) + ".")
    before = _represent(db, row)
    with feed_versions.changing(db, organizations={row["id"]}):
        db["organizations"].delete(row["id"])
    tokens.follow_organization(db, slug, None, actor)
    audit.record(db, actor, "organization", row["id"], slug, "delete", before, None)
