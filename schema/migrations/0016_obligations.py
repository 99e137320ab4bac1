"""Following an agreement through its term: its obligations and what was recorded per period.

Periods are not stored (they follow from the term and the cadence) and neither are states (they
follow from the records and the clock); only the facts are: what is owed and what was done.
"""

from sqlite_utils.db import ForeignKey


def migrate(db):
    """Add obligations and their period records (a fulfilment or a waiver, one per period)."""
    db["obligations"].create(
        {
            "id": int, "agreement_id": int, "kind": str, "title": str, "cadence_months": int,
            "due_on": str, "responsible_id": int, "remind_days": int, "visibility": str,
            "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null=["agreement_id", "kind", "title", "remind_days", "visibility", "created_at", "updated_at"],
        # An agreement's obligations go with it; a deleted organization leaves "both parties" responsible.
        foreign_keys=[ForeignKey("obligations", "agreement_id", "agreements", "id", on_delete="CASCADE"),
                      ForeignKey("obligations", "responsible_id", "organizations", "id", on_delete="SET NULL")],
    )
    db["obligations"].create_index(["agreement_id"])
    db["obligation_records"].create(
        {
            "obligation_id": int, "period": int, "event_id": int, "occurrence": str, "outcome": str,
            "document_url": str, "held_on": str, "waived_reason": str, "recorded_by": str, "recorded_at": str,
        },
        pk=("obligation_id", "period"),
        not_null=["recorded_by", "recorded_at"],
        # A deleted event leaves the record (its outcome, its date) without the link, not a dangling id.
        foreign_keys=[ForeignKey("obligation_records", "obligation_id", "obligations", "id", on_delete="CASCADE"),
                      ForeignKey("obligation_records", "event_id", "events", "id", on_delete="SET NULL")],
    )
    db["obligation_records"].create_index(["event_id"])
