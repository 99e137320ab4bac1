"""Agreements (regulations, programs, yearly plans) and the organizations party to them."""

from datetime import date

from ..clock import now_stored, utc_now
from ..collation import COLLATION
from ..followup.periods import local_today
from ..errors import ConflictError, NotFoundError, ValidationFailed
from ..text import fold
from . import audit, feed_versions, obligations, review_series
from .organizations import ids_for_slugs
from .rows import ensure_slug_free, one_row
from .search import search_clause

COLUMNS = ("slug", "title", "kind", "summary", "review_every_months", "source_url")
DATE_COLUMNS = ("signed_on", "valid_from", "valid_until")
TERM_FIELDS = frozenset({"valid_from", "valid_until", "review_every_months"})


def _row_by_slug(db, slug: str) -> dict:
    return one_row(db, "agreements", "slug", slug, f"No agreement with slug '{slug}'.")


def get_row(db, slug: str) -> dict:
    """Return the stored row of one agreement."""
    return _row_by_slug(db, slug)


def _parties(db, agreement_ids: list[int]) -> dict[int, list[dict]]:
    parties = {i: [] for i in agreement_ids}
    if not agreement_ids:
        return parties
    rows = db.query(
        f"""select p.agreement_id, o.slug, o.name, p.role, p.signatory_name, p.signatory_title
            from agreement_parties p join organizations o on o.id = p.organization_id
            where p.agreement_id in ({','.join('?' * len(agreement_ids))}) order by p.agreement_id, p.position""",
        agreement_ids)
    for row in rows:
        parties[row["agreement_id"]].append({
            "organization": row["slug"], "organization_name": row["name"], "role": row["role"],
            "signatory_name": row["signatory_name"], "signatory_title": row["signatory_title"],
        })
    return parties


def represent_rows(db, rows: list[dict]) -> list[dict]:
    """API representations of stored rows, parties included, in a fixed number of queries."""
    ids = [r["id"] for r in rows]
    parties = _parties(db, ids)
    parent_ids = list({r["parent_id"] for r in rows if r["parent_id"] is not None})
    parents = {}
    if parent_ids:
        parents = dict(db.execute(
            f"select id, slug from agreements where id in ({','.join('?' * len(parent_ids))})", parent_ids).fetchall())
    return [{
        "id": r["id"], "slug": r["slug"], "title": r["title"], "kind": r["kind"], "summary": r["summary"],
        "signed_on": r["signed_on"], "valid_from": r["valid_from"], "valid_until": r["valid_until"],
        "parent": parents.get(r["parent_id"]), "review_every_months": r["review_every_months"],
        "source_url": r["source_url"], "parties": parties[r["id"]],
        "review_series_event": r["review_series_event_id"],
        "created_at": r["created_at"], "updated_at": r["updated_at"],
    } for r in rows]


def get(db, slug: str) -> dict:
    """Return one agreement by slug."""
    return represent_rows(db, [_row_by_slug(db, slug)])[0]


def children(db, slug: str) -> list[dict]:
    """The agreements directly under one (a program's yearly plans), in Vietnamese order of title."""
    parent = _row_by_slug(db, slug)
    rows = list(db.query(f"select * from agreements where parent_id = ? order by title collate {COLLATION}, id",
                         [parent["id"]]))
    return represent_rows(db, rows)


def list_agreements(db, filters: dict, limit: int, offset: int) -> tuple[list[dict], int]:
    """Return a page of agreements filtered by party, kind, term and search text."""
    where, params = [], []
    if filters.get("organization"):
        found = db.execute("select id from organizations where slug = ?", [filters["organization"]]).fetchone()
        if not found:
            raise NotFoundError(f"No organization with slug '{filters['organization']}'.")
        where.append("agreements.id in (select agreement_id from agreement_parties where organization_id = ?)")
        params.append(found[0])
    if filters.get("kind"):
        where.append(f"agreements.kind in ({','.join('?' * len(filters['kind']))})")
        params += list(filters["kind"])
    if filters.get("active_on"):
        day = filters["active_on"].isoformat()
        where.append("(valid_from is null or valid_from <= ?) and (valid_until is null or valid_until >= ?)")
        params += [day, day]
    if filters.get("expiring_before"):
        where.append("valid_until is not null and valid_until < ?")
        params.append(filters["expiring_before"].isoformat())
    if filters.get("q"):
        clause, clause_params = search_clause("agreements", filters["q"])
        where.append(clause)
        params += clause_params
    sql_where = (" where " + " and ".join(where)) if where else ""
    total = db.execute(f"select count(*) from agreements{sql_where}", params).fetchone()[0]
    rows = list(db.query(f"select * from agreements{sql_where} order by coalesce(signed_on, valid_from) desc, id "
                         f"limit ? offset ?", [*params, limit, offset]))
    return represent_rows(db, rows), total


def _search_text(data: dict, parties: list[dict]) -> str:
    names = [p.get("signatory_name") for p in parties]
    return fold(" ".join(filter(None, [data.get("title"), data.get("summary"), data.get("slug"), *names])))


def _check_parent(db, agreement_id: int | None, parent_slug: str | None) -> int | None:
    if not parent_slug:
        return None
    found = db.execute("select id from agreements where slug = ?", [parent_slug]).fetchone()
    if not found:
        raise ValidationFailed({"parent": [f"Unknown agreement '{parent_slug}'."]})
    ancestor = found[0]
    while ancestor is not None:
        if ancestor == agreement_id:
            raise ValidationFailed({"parent": ["An agreement cannot be its own ancestor."]})
        ancestor = db.execute("select parent_id from agreements where id = ?", [ancestor]).fetchone()[0]
    return found[0]


def _write_parties(db, agreement_id: int, parties: list[dict]) -> None:
    ids = ids_for_slugs(db, [p["organization"] for p in parties], "parties")
    db.execute("delete from agreement_parties where agreement_id = ?", [agreement_id])
    db["agreement_parties"].insert_all({
        "agreement_id": agreement_id, "organization_id": ids[p["organization"]], "role": p["role"],
        "signatory_name": p.get("signatory_name"), "signatory_title": p.get("signatory_title"), "position": n,
    } for n, p in enumerate(parties))


def _column_values(data: dict) -> dict:
    values = {k: data[k] for k in COLUMNS if k in data}
    for column in DATE_COLUMNS:
        if column in data:
            values[column] = data[column].isoformat() if isinstance(data[column], date) else data[column]
    return values


def create(db, data: dict, actor: str) -> dict:
    """Insert an agreement with its parties (caller holds the write transaction)."""
    ensure_slug_free(db, "agreements", "An agreement", data["slug"])
    now = now_stored()
    row = {k: None for k in COLUMNS + DATE_COLUMNS}
    row.update(_column_values(data))
    agreement_id = audit.unused_id(db, "agreements", "agreement")
    row.update(id=agreement_id, parent_id=_check_parent(db, None, data.get("parent")),
               search_text=_search_text(data, data["parties"]), created_at=now, updated_at=now)
    # A new yearly plan fulfils a period of its program's yearly_plan obligation.
    with feed_versions.changing(db, agreements={agreement_id}, obligations_of={row["parent_id"]} - {None}):
        db["agreements"].insert(row)
        _write_parties(db, agreement_id, data["parties"])
    created = get(db, data["slug"])
    audit.record(db, actor, "agreement", agreement_id, data["slug"], "create", None, created)
    obligations.create_defaults(db, created, actor, local_today(utc_now()))
    return created


def update(db, slug: str, changes: dict, actor: str) -> dict:
    """Apply a partial change (parties replaced as a whole when given)."""
    row = _row_by_slug(db, slug)
    before = get(db, slug)
    new_slug = changes.get("slug", slug)
    if new_slug != slug:
        ensure_slug_free(db, "agreements", "An agreement", new_slug)
    values = _column_values(changes)
    if "parent" in changes:
        values["parent_id"] = _check_parent(db, row["id"], changes["parent"])
    parties = changes.get("parties", before["parties"])
    merged = {**before, **changes}
    _check_term(merged)
    values["search_text"] = _search_text(merged, parties)
    values["updated_at"] = now_stored()
    # The term moves the obligations' periods; a new parent or kind moves which yearly plan a plan fulfils.
    with feed_versions.changing(db, agreements={row["id"]},
                                obligations_of={row["id"], row["parent_id"], values.get("parent_id")} - {None}):
        db["agreements"].update(row["id"], values)
        if "parties" in changes:
            _write_parties(db, row["id"], changes["parties"])
    after = get(db, new_slug)
    audit.record(db, actor, "agreement", row["id"], new_slug, "update", before, after)
    if TERM_FIELDS & changes.keys():
        review_series.follow_term(db, after, actor)  # an event write: it names its own change
    return after


def _check_term(merged: dict) -> None:
    """Refuse a term that ends before it starts once a partial change is merged."""
    start, end = merged.get("valid_from"), merged.get("valid_until")
    start = start.isoformat() if isinstance(start, date) else start
    end = end.isoformat() if isinstance(end, date) else end
    if start and end and end < start:
        raise ValidationFailed({"valid_until": ["Must not be before valid_from."]})


def delete(db, slug: str, actor: str) -> None:
    """Delete an agreement that no event or child agreement refers to."""
    row = _row_by_slug(db, slug)
    events = db.execute("select count(*) from events where agreement_id = ?", [row["id"]]).fetchone()[0]
    children = db.execute("select count(*) from agreements where parent_id = ?", [row["id"]]).fetchone()[0]
    reasons = [f"{events} event(s) are linked to it" if events else "",
               f"it has {children} child agreement(s)" if children else ""]
    reasons = [r for r in reasons if r]
    if reasons:
        raise ConflictError(f"Agreement '{slug}' cannot be deleted: " + "; ".join(reasons) + ".")
    before = get(db, slug)
    with feed_versions.changing(db, agreements={row["id"]}, obligations_of={row["id"], row["parent_id"]} - {None}):
        db.execute("delete from obligations where agreement_id = ?", [row["id"]])  # their records cascade
        db.execute("delete from agreement_parties where agreement_id = ?", [row["id"]])
        db.execute("delete from agreements where id = ?", [row["id"]])
    audit.record(db, actor, "agreement", row["id"], slug, "delete", before, None)
