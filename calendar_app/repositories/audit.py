"""The audit trail: who changed what and when, written in the same transaction as the change."""

import json

from ..clock import now_stored


def diff(before: dict | None, after: dict | None) -> dict:
    """Return {field: [old, new]} for every field that differs between two representations."""
    before = before or {}
    after = after or {}
    keys = [k for k in {**before, **after} if k not in ("updated_at", "created_at")]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def unused_id(db, table: str, entity: str) -> int:
    """An id no record of `table` ever had (caller holds the write transaction).

    SQLite gives a new row the highest rowid + 1, so deleting the newest record frees its id: the
    next record would inherit its audit history and every link a client kept to it.
    """
    return db.execute(f"select max(coalesce((select max(id) from {table}), 0), coalesce((select max(entity_id) "
                      "from audit_log where entity = ?), 0)) + 1", [entity]).fetchone()[0]


def record(db, actor: str, entity: str, entity_id: int, entity_key: str, action: str,
           before: dict | None, after: dict | None) -> None:
    """Append one audit row describing a create, update or delete."""
    db["audit_log"].insert({
        "at": now_stored(), "actor": actor, "entity": entity, "entity_id": entity_id,
        "entity_key": entity_key, "action": action,
        "changes": json.dumps(diff(before, after), ensure_ascii=False, default=str),
    })


def list_entries(db, entity: str | None = None, entity_id: int | None = None,
                 limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Return audit rows, newest first, optionally for one entity."""
    where, params = [], []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(entity_id)
    clause = (" where " + " and ".join(where)) if where else ""
    total = db.execute(f"select count(*) from audit_log{clause}", params).fetchone()[0]
    rows = db.query(f"select * from audit_log{clause} order by id desc limit ? offset ?",
                    [*params, limit, offset])
    items = [{**row, "changes": json.loads(row["changes"])} for row in rows]
    return items, total
