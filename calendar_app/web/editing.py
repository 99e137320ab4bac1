"""The forms that change data: events, organizations, agreements, private feed tokens.

Each form is turned into the API's JSON shape and loaded with the API's own schema, so the
rules are the same; nothing is written unless the whole form is valid, and then in one
write transaction through the same repository functions the API uses.
"""

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ..collation import sorted_vi
from ..db import get_db, write_transaction
from ..errors import ConflictError, ValidationFailed
from ..eventtime import known_timezones
from ..repositories import agreements, events, organizations, review_series
from ..schemas.agreements import AgreementInSchema
from ..schemas.events import EventInSchema
from ..settings import default_timezone
from ..schemas.organizations import OrganizationInSchema
from ..text import slugify
from .blueprint import actor, bp, editor_required
from .days import flash_day_warnings
from .forms import (EVENT_ALIASES, agreement_errors, agreement_payload, event_form_values, event_payload,
                    field_errors, form_values, organization_payload, party_rows, skipped_times)
from .i18n import gettext as _

COMMON_ZONES = ("Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "UTC",
                "Europe/Paris", "America/New_York")
PARTY_ROWS_MIN = 4


def zone_choices() -> list[str]:
    """Common zones first, then every IANA zone."""
    rest = sorted(z for z in known_timezones() if z not in COMMON_ZONES and "/" in z)
    return list(COMMON_ZONES) + rest


def load(schema, payload: dict):
    """Load with the API's schema: (fields, None) or (None, the schema's error messages)."""
    try:
        return schema.load(payload), None
    except ValidationError as error:
        return None, error.messages


def write(action):
    """Run a repository write in one transaction: (result, None) or (None, its field errors)."""
    db = get_db()
    try:
        with write_transaction(db):
            return action(db), None
    except (ValidationFailed, ConflictError) as error:
        return None, error.errors or {"_schema": [error.message]}


def choice_lists() -> dict:
    """The organizations and agreements the selects offer."""
    db = get_db()
    return {"all_organizations": organizations.list_organizations(db, limit=500)[0],
            "all_agreements": sorted_vi(agreements.list_agreements(db, {}, 500, 0)[0], key=lambda a: a["title"])}


def render_event_form(values: dict, errors: dict, event: dict | None, status: int = 200):
    zones = zone_choices()
    zone_options = [(z, _("Vietnam time (GMT+7)") if z == "Asia/Ho_Chi_Minh" else z) for z in zones]
    return render_template("event_form.html", values=values, errors=errors, event=event, zones=zones,
                           zone_options=zone_options, **choice_lists()), status


def save_event(event_id: int | None):
    """Validate the posted event form and write it, or show it again with the errors."""
    fields, errors = load(EventInSchema(), event_payload(request.form))
    skipped = skipped_times(request.form)
    if skipped:  # the schema saw the instants past the gap: "end after start" was the symptom, not the cause
        fields, errors = None, {**{k: v for k, v in (errors or {}).items()
                                   if (k, v) != ("ends_at", ["Must be after starts_at."])}, **skipped}
    if fields is not None:
        before = events.get(get_db(), event_id) if event_id is not None else None
        saved, errors = write(lambda db: events.create(db, fields, actor()) if event_id is None
                              else events.update(db, event_id, fields, actor()))
        if saved is not None:
            flash(_("The event was saved."))
            flash_day_warnings(before, saved)
            return redirect(url_for("web.event_page", event_id=saved["id"]))
    event = events.get(get_db(), event_id) if event_id is not None else None
    return render_event_form(form_values(request.form), field_errors(errors, EVENT_ALIASES), event, 422)


@bp.route("/events/new", methods=["GET", "POST"])
@editor_required
def event_new():
    """Add an event."""
    if request.method == "POST":
        return save_event(None)
    organization = request.args.get("organization")
    values = {"timezone": default_timezone(), "status": "confirmed", "visibility": "public", "repeat": "none",
              "interval": "1", "kind": "", "agreement": request.args.get("agreement", ""),
              "organizations": [organization] if organization else []}
    return render_event_form(values, {}, None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@editor_required
def event_edit(event_id):
    """Change an event."""
    event = events.get(get_db(), event_id)
    if request.method == "POST":
        return save_event(event_id)
    return render_event_form(event_form_values(event), {}, event)


def render_organization_form(values: dict, errors: dict, organization: dict | None, status: int = 200):
    return render_template("organization_form.html", values=values, errors=errors, organization=organization,
                           **choice_lists()), status


@bp.route("/organizations/new", methods=["GET", "POST"], defaults={"slug": None})
@bp.route("/organizations/<slug>/edit", methods=["GET", "POST"])
@editor_required
def organization_form(slug):
    """Add or change an organization."""
    current = organizations.get(get_db(), slug) if slug else None
    if request.method == "GET":
        values = {k: (current or {}).get(k) or "" for k in ("slug", "name", "short_name", "kind", "parent", "website")}
        return render_organization_form(values, {}, current)
    payload = organization_payload(request.form)
    payload.setdefault("slug", slug or (slugify(payload["name"]) if payload.get("name") else None))
    payload = {k: v for k, v in payload.items() if not (k == "slug" and v is None)}
    data, errors = load(OrganizationInSchema(), payload)
    if data is not None:
        saved, errors = write(lambda db: organizations.create(db, data, actor()) if current is None
                              else organizations.update(db, slug, data, actor()))
        if saved is not None:
            flash(_("The organization was saved."))
            return redirect(url_for("web.organization_page", slug=saved["slug"]))
    return render_organization_form(form_values(request.form), field_errors(errors), current, 422)


@bp.route("/organizations/<slug>/feed-token", methods=["POST"])
@editor_required
def organization_rotate_token(slug):
    """Replace the private feed token; the old private address stops working."""
    write(lambda db: organizations.rotate_feed_token(db, slug, actor()))
    flash(_("A new private address was made; the old one no longer works."))
    return redirect(url_for("web.organization_page", slug=slug) + "#subscribe")


def render_agreement_form(values: dict, rows: list[dict], errors: dict, agreement: dict | None, status: int = 200):
    # Rows as typed (empty ones too, so row errors keep their place), padded to PARTY_ROWS_MIN, and one
    # empty row more only when every row is used: a failed save shows the same rows again (4 stayed 4).
    spare = max(PARTY_ROWS_MIN - len(rows), 0 if any(not r["organization"] for r in rows) else 1)
    rows = rows + [{"organization": "", "role": "signatory", "signatory_name": "", "signatory_title": ""}
                   for _ in range(spare)]
    return render_template("agreement_form.html", values=values, rows=rows, errors=errors, agreement=agreement,
                           **choice_lists()), status


AGREEMENT_FIELDS = ("slug", "title", "kind", "summary", "signed_on", "valid_from", "valid_until", "parent",
                    "review_every_months", "source_url")


@bp.route("/agreements/new", methods=["GET", "POST"], defaults={"slug": None})
@bp.route("/agreements/<slug>/edit", methods=["GET", "POST"])
@editor_required
def agreement_form(slug):
    """Add or change an agreement with its parties, signatories and witnesses."""
    current = agreements.get(get_db(), slug) if slug else None
    if request.method == "GET":
        values = {k: "" if (current or {}).get(k) is None else str(current[k]) for k in AGREEMENT_FIELDS}
        values["kind"] = values["kind"] or "regulation"
        rows = [{k: p.get(k) or "" for k in ("organization", "role", "signatory_name", "signatory_title")}
                for p in (current or {}).get("parties", [])]
        return render_agreement_form(values, rows, {}, current)
    payload, sent_rows = agreement_payload(request.form)
    if "slug" not in payload:
        payload["slug"] = slug or slugify(payload.get("title") or "")
    data, errors = load(AgreementInSchema(), payload)
    if data is not None:
        wants_series = data.pop("create_review_series", False)

        def save(db):
            if current is not None:
                return agreements.update(db, slug, data, actor())
            created = agreements.create(db, data, actor())
            if wants_series:
                review_series.create_series(db, created, actor(), default_timezone())
            return created

        saved, errors = write(save)
        if saved is not None:
            flash(_("The agreement was saved."))
            return redirect(url_for("web.agreement_page", slug=saved["slug"]))
    return render_agreement_form(form_values(request.form), party_rows(request.form),
                                 agreement_errors(errors, sent_rows, [p["organization"] for p in payload["parties"]]),
                                 current, 422)
