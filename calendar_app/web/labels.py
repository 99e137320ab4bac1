"""Words shown for the stored codes (kinds, statuses, roles), as English messages to translate."""

from ..schemas.agreements import AGREEMENT_KINDS, PARTY_ROLES
from ..schemas.events import EVENT_KINDS, EVENT_STATUSES, VISIBILITIES, WITHDRAWN_STATUSES
from ..schemas.organizations import ORGANIZATION_KINDS
from .i18n import gettext as _

LABELS = {
    "event_kind": {"signing_ceremony": "Signing ceremony", "joint_workshop": "Joint workshop",
                   "volunteer_program": "Volunteer program", "review_meeting": "Review meeting", "other": "Other"},
    "status": {"confirmed": "Confirmed", "tentative": "Tentative", "cancelled": "Cancelled",
               "postponed": "Postponed"},
    "visibility": {"public": "Public", "internal": "Internal (signed-in staff only)"},
    "agreement_kind": {"regulation": "Coordination regulation", "program": "Coordination program",
                       "plan": "Specific yearly program", "memorandum": "Memorandum", "other": "Other"},
    "role": {"signatory": "Signatory", "party": "Party", "witness": "Witness"},
    "organization_kind": {"ministry": "Ministry", "party_committee": "Party committee", "press": "Press",
                          "enterprise": "Enterprise", "government_agency": "Government agency",
                          "association": "Association", "other": "Other"},
    "repeat": {"none": "Does not repeat", "weekly": "Every N weeks", "monthly": "Every N months",
               "yearly": "Every N years", "lunar_yearly": "Every year on the same lunar date",
               "custom": "Keep the current rule"},
}
CODES = {"event_kind": EVENT_KINDS, "status": EVENT_STATUSES, "visibility": VISIBILITIES,
         "agreement_kind": AGREEMENT_KINDS, "role": PARTY_ROLES, "organization_kind": ORGANIZATION_KINDS}


def label(group: str, code: str | None) -> str:
    """The translated word for a code; an unknown code is shown as it is."""
    message = LABELS[group].get(code)
    return _(message) if message else (code or "")


def choices(group: str) -> list[tuple[str, str]]:
    """(code, label) pairs in the schema's order, for a select."""
    codes = CODES.get(group) or tuple(LABELS[group])
    return [(code, label(group, code)) for code in codes]


def status_mark(status: str, reason: str | None = None) -> dict | None:
    """How every page marks a status in words (month chips, lists, timelines): None when confirmed.

    `struck`: the event or occurrence will not take place at its time (cancelled, postponed).
    """
    if status == "confirmed":
        return None
    return {"code": status, "label": label("status", status), "reason": reason or None,
            "struck": status in WITHDRAWN_STATUSES}
