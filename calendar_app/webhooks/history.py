"""What a webhook was sent: its deliveries, newest first, each with every attempt."""

import json


def deliveries(db, webhook_id: int, state: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of a webhook's deliveries and their total."""
    where, params = "where webhook_id = ?", [webhook_id]
    if state:
        where, params = where + " and state = ?", params + [state]
    total = db.execute(f"select count(*) from webhook_deliveries {where}", params).fetchone()[0]
    rows = db.execute(
        "select id, delivery_key, change, event_id, state, created_at, next_attempt_at, finished_at, body "
        f"from webhook_deliveries {where} order by id desc limit ? offset ?", params + [limit, offset]).fetchall()
    attempts: dict[int, list[dict]] = {row[0]: [] for row in rows}
    if rows:
        for delivery_id, at, status, error, duration_ms in db.execute(
                "select delivery_id, at, status, error, duration_ms from webhook_attempts "
                f"where delivery_id in ({','.join('?' * len(rows))}) order by id", list(attempts)).fetchall():
            attempts[delivery_id].append({"at": at, "status": status, "error": error, "duration_ms": duration_ms})
    names = ("id", "delivery_key", "change", "event_id", "state", "created_at", "next_attempt_at", "finished_at")
    items = [{**dict(zip(names, row[:8])), "payload": json.loads(row[8]), "attempts": attempts[row[0]]}
             for row in rows]
    return items, total
