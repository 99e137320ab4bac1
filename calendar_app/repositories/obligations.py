"""Obligations of agreements and their period records; periods and states are computed on reading.

Every write names the agreement in feed_versions.changing(obligations_of=…), so the feeds with
?obligations=1 of the agreement, its parties and their ancestors refresh.
"""

from datetime import date

from ..clock import now_stored
from ..errors import ConflictError, NotFoundError, ValidationFailed
from ..followup import periods as period_rules
from . import audit, feed_versions
from .rows import select

KINDS = ("review_meeting", "results_report", "yearly_plan", "final_review", "other")
VISIBILITIES = ("public", "internal")
COLUMNS = ("kind", "title", "cadence_months", "due_on", "remind_days", "visibility")
KIND_TITLES = {
    "review_meeting": "Hội nghị giao ban", "results_report": "Thông báo kết quả thực hiện",
    "yearly_plan": "Chương trình phối hợp cụ thể hằng năm", "final_review": "Tổng kết, đánh giá khi hết hiệu lực",
    "other": "Nghĩa vụ khác",
}


# --- reading --------------------------------------------------------------------------------------


def _agreement(db, slug: str) -> dict:
    found = select(db, "select id, slug, title, kind, valid_from, valid_until, signed_on, parent_id "
                       "from agreements where slug = ?", [slug])
    if not found:
        raise NotFoundError(f"No agreement with slug '{slug}'.")
    return found[0]


def party_slugs(db, agreement_id: int) -> list[str]:
    """The slugs of the agreement's parties (whose write scope its obligations need)."""
    return [row[0] for row in db.execute(
        "select o.slug from agreement_parties p join organizations o on o.id = p.organization_id "
        "where p.agreement_id = ? order by p.position", [agreement_id]).fetchall()]


def readable_clause(internal, alias: str = "ob") -> tuple[str, list]:
    """SQL limiting obligations to what the caller may read: public ones, and internal ones within `internal`.

    `internal` is auth.readable_internal(): True (all), False (none) or the slugs of a limited token.
    """
    if internal is True:
        return "1", []
    if internal is False or not internal:
        return f"{alias}.visibility = 'public'", []
    marks = ",".join("?" * len(internal))
    return (f"({alias}.visibility = 'public' or {alias}.agreement_id in (select p.agreement_id from agreement_parties p "
            f"join organizations o on o.id = p.organization_id where o.slug in ({marks})))", list(internal))


def term_periods(agreement: dict, obligation: dict) -> list[period_rules.Period]:
    """The periods of an obligation under its agreement's term (NoPeriod when the cadence leaves none)."""
    start = _day(agreement.get("valid_from")) or _day(agreement.get("signed_on"))
    until = _day(agreement.get("valid_until"))
    if obligation.get("cadence_months"):
        if start is None:
            raise period_rules.NoPeriod("A cadence needs the agreement's valid_from (or signed_on).")
        return period_rules.cadence_periods(start, until, obligation["cadence_months"], obligation["kind"])
    return period_rules.single_period(start, _day(obligation["due_on"]))


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None  # a stored value that no longer reads: treated as missing, never a 500


def represent(db, rows: list[dict], today: date) -> list[dict]:
    """API representations of obligation rows with their periods, states and progress, in a fixed number of queries."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    agreements = {a["id"]: a for a in select(
        db, "select id, slug, title, kind, valid_from, valid_until, signed_on from agreements where id in "
            f"(select agreement_id from obligations where id in ({marks}))", ids)}
    records: dict[int, dict[int, dict]] = {i: {} for i in ids}
    for record in select(db, "select r.*, e.title as event_title from obligation_records r left join events e "
                             f"on e.id = r.event_id where r.obligation_id in ({marks})", ids):
        records[record["obligation_id"]][record["period"]] = record
    plans = _child_plans(db, list(agreements))
    responsible = dict(db.execute(f"select id, slug from organizations where id in (select responsible_id from "
                                  f"obligations where id in ({marks}))", ids).fetchall())
    return [_represent_one(row, agreements[row["agreement_id"]], records[row["id"]],
                           plans.get(row["agreement_id"], []), responsible.get(row["responsible_id"]), today)
            for row in rows]


def _child_plans(db, agreement_ids: list[int]) -> dict[int, list[dict]]:
    """The child agreements of kind plan of each agreement: each fulfils the yearly plan of the period it starts in."""
    found: dict[int, list[dict]] = {}
    if agreement_ids:
        for plan in select(db, "select parent_id, slug, title, signed_on, valid_from "
                               f"from agreements where kind = 'plan' and parent_id in ({','.join('?' * len(agreement_ids))}) "
                               "order by coalesce(signed_on, valid_from), id", agreement_ids):
            found.setdefault(plan["parent_id"], []).append(plan)
    return found


def _represent_one(row: dict, agreement: dict, records: dict[int, dict], plans: list[dict],
                   responsible: str | None, today: date) -> dict:
    try:
        all_periods = term_periods(agreement, row)
    except period_rules.NoPeriod:
        all_periods = []  # the term changed since: the obligation shows, with no period, never a 500
    open_ended = bool(row["cadence_months"]) and not agreement.get("valid_until")
    listed = []
    for period in period_rules.shown(all_periods, today, open_ended):
        record = _public_record(records.get(period.n))
        if record is None and row["kind"] == "yearly_plan":
            record = _plan_record(period, plans)
        listed.append({"n": period.n, "starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat(),
                       "due_on": period.due_on.isoformat(),
                       "state": period_rules.state(period, record, today, row["remind_days"]), "record": record})
    counts = {s: sum(1 for p in listed if p["state"] == s) for s in period_rules.STATES}
    return {
        "id": row["id"], "agreement": agreement["slug"], "agreement_title": agreement["title"], "kind": row["kind"],
        "title": row["title"], "cadence_months": row["cadence_months"], "due_on": row["due_on"],
        "responsible": responsible, "remind_days": row["remind_days"], "visibility": row["visibility"],
        "periods": listed,
        "progress": {"total": None if open_ended else len(all_periods), **counts},
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }


def _public_record(record: dict | None) -> dict | None:
    if record is None:
        return None
    return {"event": record["event_id"], "event_title": record["event_title"] if record["event_id"] else None,
            "occurrence": record["occurrence"], "plan": None, "outcome": record["outcome"],
            "document_url": record["document_url"], "held_on": record["held_on"],
            "waived_reason": record["waived_reason"], "recorded_by": record["recorded_by"],
            "recorded_at": record["recorded_at"]}


def _plan_record(period: period_rules.Period, plans: list[dict]) -> dict | None:
    """The record a child plan signed (or starting) within the period stands for (derived, never stored).

    The 2020 plan under the 2020 – 2025 program was signed with it on 5 March 2020 but runs from
    1 January: either day inside the program's first year counts.
    """
    for plan in plans:
        days = [d for d in (_day(plan["signed_on"]), _day(plan["valid_from"])) if d is not None]
        if any(period.starts_on <= d <= period.ends_on for d in days):
            return {"event": None, "event_title": None, "occurrence": None, "plan": plan["slug"],
                    "outcome": plan["title"], "document_url": None, "held_on": plan["signed_on"] or plan["valid_from"],
                    "waived_reason": None, "recorded_by": None, "recorded_at": None}
    return None


def list_for_agreement(db, slug: str, today: date, internal) -> list[dict]:
    """The obligations of one agreement the caller may read."""
    agreement = _agreement(db, slug)
    clause, params = readable_clause(internal)
    rows = select(db, f"select ob.* from obligations ob where ob.agreement_id = ? and {clause} order by ob.id",
                  [agreement["id"], *params])
    return represent(db, rows, today)


def _row(db, slug: str, obligation_id: int, internal=True) -> tuple[dict, dict]:
    agreement = _agreement(db, slug)
    clause, params = readable_clause(internal)
    found = select(db, f"select ob.* from obligations ob where ob.id = ? and ob.agreement_id = ? and {clause}",
                   [obligation_id, agreement["id"], *params])
    if not found:
        raise NotFoundError(f"No obligation {obligation_id} of agreement '{slug}'.")
    return agreement, found[0]


def get(db, slug: str, obligation_id: int, today: date, internal=True) -> dict:
    """One obligation of an agreement with its periods."""
    _agreement_row, row = _row(db, slug, obligation_id, internal)
    return represent(db, [row], today)[0]


def agreement_parties(db, slug: str) -> list[str]:
    """The party slugs of an agreement by slug (404 when there is none): the scope its obligations need."""
    return party_slugs(db, _agreement(db, slug)["id"])


# --- writing (the caller holds the write transaction) ---------------------------------------------


def _values(db, agreement: dict, data: dict) -> dict:
    """Column values of validated fields, checked against the agreement (422 naming the field)."""
    values = {k: data[k] for k in COLUMNS if k in data}
    if isinstance(values.get("due_on"), date):
        values["due_on"] = values["due_on"].isoformat()
    if "responsible" in data:
        slug = data["responsible"]
        if slug is None:
            values["responsible_id"] = None
        else:
            found = db.execute("select p.organization_id from agreement_parties p join organizations o "
                               "on o.id = p.organization_id where p.agreement_id = ? and o.slug = ?",
                               [agreement["id"], slug]).fetchone()
            if not found:
                raise ValidationFailed({"responsible": [f"'{slug}' is not a party to agreement '{agreement['slug']}'."]})
            values["responsible_id"] = found[0]
    return values


def _check_periods(agreement: dict, row: dict) -> None:
    field = "cadence_months" if row.get("cadence_months") else "due_on"
    try:
        term_periods(agreement, row)
    except period_rules.NoPeriod as error:
        raise ValidationFailed({field: [str(error)]}) from error


def create(db, slug: str, data: dict, actor: str, today: date) -> dict:
    """Add an obligation to an agreement; 422 when its cadence leaves no period in the term."""
    agreement = _agreement(db, slug)
    return _insert(db, agreement, data, actor, today)


def _insert(db, agreement: dict, data: dict, actor: str, today: date) -> dict:
    now = now_stored()
    row = {k: None for k in COLUMNS}
    row.update(title=data.get("title") or KIND_TITLES[data["kind"]], remind_days=data.get("remind_days", 14),
               visibility=data.get("visibility", "public"))
    row.update({k: v for k, v in _values(db, agreement, data).items() if v is not None or k == "responsible_id"})
    row.setdefault("responsible_id", None)
    _check_periods(agreement, row)
    obligation_id = audit.unused_id(db, "obligations", "obligation")
    row.update(id=obligation_id, agreement_id=agreement["id"], created_at=now, updated_at=now)
    with feed_versions.changing(db, obligations_of={agreement["id"]}):
        db["obligations"].insert(row)
    created = represent(db, [row], today)[0]
    audit.record(db, actor, "obligation", obligation_id, agreement["slug"], "create", None, _audited(created))
    return created


def update(db, slug: str, obligation_id: int, changes: dict, actor: str, today: date) -> dict:
    """Change some fields of an obligation; its records stay with their period numbers."""
    agreement, row = _row(db, slug, obligation_id)
    before = represent(db, [row], today)[0]
    values = _values(db, agreement, changes)
    merged = {**row, **values}
    if "cadence_months" in changes and changes["cadence_months"] is not None:
        merged["due_on"] = values["due_on"] = None
    if "due_on" in changes and changes["due_on"] is not None:
        merged["cadence_months"] = values["cadence_months"] = None
    if not merged.get("cadence_months") and not merged.get("due_on"):
        raise ValidationFailed({"cadence_months": ["Give a cadence in months or a single due date."]})
    _check_periods(agreement, merged)
    values["updated_at"] = now_stored()
    with feed_versions.changing(db, obligations_of={agreement["id"]}):
        db["obligations"].update(obligation_id, values)
    after = get(db, slug, obligation_id, today)
    audit.record(db, actor, "obligation", obligation_id, slug, "update", _audited(before), _audited(after))
    return after


def delete(db, slug: str, obligation_id: int, actor: str, today: date) -> None:
    """Remove an obligation and its records."""
    agreement, row = _row(db, slug, obligation_id)
    before = represent(db, [row], today)[0]
    with feed_versions.changing(db, obligations_of={agreement["id"]}):
        db.execute("delete from obligation_records where obligation_id = ?", [obligation_id])
        db.execute("delete from obligations where id = ?", [obligation_id])
    audit.record(db, actor, "obligation", obligation_id, slug, "delete", _audited(before), None)


def record_period(db, slug: str, obligation_id: int, n: int, data: dict, actor: str, today: date) -> dict:
    """Record period n as fulfilled (an event, an outcome, a document, the day) or waived; 409 when it has a record."""
    agreement, row = _row(db, slug, obligation_id)
    listed = {p.n: p for p in _periods_or_none(agreement, row)}
    if n not in listed:
        raise NotFoundError(f"Obligation {obligation_id} has no period {n}.")
    if db.execute("select 1 from obligation_records where obligation_id = ? and period = ?",
                  [obligation_id, n]).fetchone():
        raise ConflictError(f"Period {n} of obligation {obligation_id} already has a record; delete it to record again.")
    if data.get("event") is not None:
        linked = db.execute("select agreement_id from events where id = ?", [data["event"]]).fetchone()
        family = {agreement["id"], *[r[0] for r in db.execute(
            "select id from agreements where parent_id = ?", [agreement["id"]]).fetchall()]}
        if linked is None or linked[0] not in family:
            raise ValidationFailed({"event": [f"Event {data['event']} is not an event of agreement '{slug}'."]})
    held_on = data.get("held_on")
    values = {
        "obligation_id": obligation_id, "period": n, "event_id": data.get("event"),
        "occurrence": data.get("occurrence"), "outcome": data.get("outcome"),
        "document_url": data.get("document_url"),
        "held_on": held_on.isoformat() if isinstance(held_on, date) else held_on,
        "waived_reason": data.get("waived_reason"), "recorded_by": actor, "recorded_at": now_stored(),
    }
    with feed_versions.changing(db, obligations_of={agreement["id"]}):
        db["obligation_records"].insert(values)
    after = get(db, slug, obligation_id, today)
    audit.record(db, actor, "obligation", obligation_id, slug, "record", None, {"period": n, **values})
    return after


def delete_record(db, slug: str, obligation_id: int, n: int, actor: str, today: date) -> dict:
    """Take period n's record back (recorded by mistake): the period's state follows the clock again."""
    agreement, _row_found = _row(db, slug, obligation_id)
    found = select(db, "select * from obligation_records where obligation_id = ? and period = ?", [obligation_id, n])
    if not found:
        raise NotFoundError(f"Period {n} of obligation {obligation_id} has no record.")
    with feed_versions.changing(db, obligations_of={agreement["id"]}):
        db.execute("delete from obligation_records where obligation_id = ? and period = ?", [obligation_id, n])
    audit.record(db, actor, "obligation", obligation_id, slug, "unrecord", found[0], None)
    return get(db, slug, obligation_id, today)


def _periods_or_none(agreement: dict, row: dict) -> list[period_rules.Period]:
    try:
        return term_periods(agreement, row)
    except period_rules.NoPeriod:
        return []


def _audited(representation: dict) -> dict:
    """What the audit trail keeps of an obligation: its fields, not its clock-derived states."""
    return {k: v for k, v in representation.items() if k not in ("periods", "progress")}


# --- what an agreement owes by default ------------------------------------------------------------


def defaults_for(agreement: dict) -> list[dict]:
    """The obligations a new agreement starts with: its review; a program's yearly plans and final review."""
    found = []
    if agreement.get("review_every_months") and (agreement.get("valid_from") or agreement.get("signed_on")):
        found.append({"kind": "review_meeting", "cadence_months": agreement["review_every_months"],
                      "title": f"Hội nghị giao ban {agreement['review_every_months']} tháng"})
    if agreement.get("kind") == "program" and agreement.get("valid_from") and agreement.get("valid_until"):
        found.append({"kind": "yearly_plan", "cadence_months": 12})
        found.append({"kind": "final_review", "due_on": agreement["valid_until"]})
    return found


def create_defaults(db, agreement: dict, actor: str, today: date) -> list[dict]:
    """Create an agreement's default obligations, skipping any its term leaves without a period."""
    row = _agreement(db, agreement["slug"])
    created = []
    for data in defaults_for(agreement):
        try:
            _check_periods(row, {**{k: None for k in COLUMNS}, **data})
        except ValidationFailed:
            continue  # a 2-month program has no yearly plan: nothing owed, nothing to refuse
        created.append(_insert(db, row, data, actor, today))
    return created


# --- following up across agreements ---------------------------------------------------------------


def rows_of_organizations(db, organization_ids: tuple[int, ...] | None, internal) -> list[dict]:
    """The obligations (readable by the caller) of agreements these organizations or their sub-units are party to."""
    clause, params = readable_clause(internal)
    where = [clause]
    if organization_ids is not None:
        within = feed_versions.descendants(db, organization_ids)
        if not within:
            return []
        where.append(f"ob.agreement_id in (select agreement_id from agreement_parties where organization_id in "
                     f"({','.join('?' * len(within))}))")
        params = [*params, *within]
    return select(db, f"select ob.* from obligations ob where {' and '.join(where)} order by ob.agreement_id, ob.id",
                  params)


def _items(obligations: list[dict], keep) -> list[dict]:
    return sorted(({"agreement": o["agreement"], "agreement_title": o["agreement_title"], "obligation": o["id"],
                    "kind": o["kind"], "title": o["title"], "responsible": o["responsible"], "period": p}
                   for o in obligations for p in o["periods"] if keep(p)),
                  key=lambda item: (item["period"]["due_on"], item["agreement"], item["obligation"]))


def periods_in_states(db, organization_ids: tuple[int, ...] | None, states: list[str], today: date,
                      internal) -> list[dict]:
    """Every period in one of `states` of these organizations' agreements (with sub-units), soonest due first."""
    wanted = set(states)
    return _items(represent(db, rows_of_organizations(db, organization_ids, internal), today),
                  lambda p: p["state"] in wanted)


def due_between(db, organization_ids: tuple[int, ...] | None, first: date, last: date, today: date,
                internal) -> list[dict]:
    """The open periods (neither fulfilled nor waived) due from `first` to `last`: a week's due obligations."""
    return _items(represent(db, rows_of_organizations(db, organization_ids, internal), today),
                  lambda p: p["state"] not in ("fulfilled", "waived") and first.isoformat() <= p["due_on"] <= last.isoformat())


def _agreements_of(db, organization_ids: tuple[int, ...] | None) -> tuple[str, list]:
    if organization_ids is None:
        return "1", []
    within = feed_versions.descendants(db, organization_ids) or (0,)
    return (f"a.id in (select agreement_id from agreement_parties where organization_id in "
            f"({','.join('?' * len(within))}))", list(within))


def expiring(db, organization_ids: tuple[int, ...] | None, today: date, days: int) -> list[dict]:
    """Agreements whose term ends within `days` from today (sắp hết hiệu lực)."""
    clause, params = _agreements_of(db, organization_ids)
    return select(db, f"select a.slug, a.title, a.kind, a.valid_until from agreements a where {clause} and "
                      "a.valid_until >= ? and a.valid_until <= date(?, '+' || ? || ' days') order by a.valid_until, a.slug",
                  [*params, today.isoformat(), today.isoformat(), days])


def expired_without_successor(db, organization_ids: tuple[int, ...] | None, today: date) -> list[dict]:
    """Agreements whose term has ended and that no later agreement of the same kind between the same parties follows.

    A successor is not stored: any agreement of the same kind that starts after this one started,
    whose term runs past this one's end, and to which every signing party of this one is party too.
    """
    clause, params = _agreements_of(db, organization_ids)
    return select(db, f"""
        select a.slug, a.title, a.kind, a.valid_until from agreements a where {clause} and a.valid_until < ?
          and not exists (
            select 1 from agreements b where b.id != a.id and b.kind = a.kind
              and coalesce(b.valid_from, b.signed_on, '') > coalesce(a.valid_from, a.signed_on, '')
              and (b.valid_until is null or b.valid_until > a.valid_until)
              and not exists (
                select 1 from agreement_parties pa where pa.agreement_id = a.id and pa.role in ('signatory', 'party')
                  and pa.organization_id not in (select pb.organization_id from agreement_parties pb
                                                 where pb.agreement_id = b.id)))
        order by a.valid_until desc, a.slug""", [*params, today.isoformat()])


def feed_items(db, *, organization_ids: tuple[int, ...] | None = None, agreement_id: int | None = None,
               include_internal: bool, due_from: date, today: date) -> list[dict]:
    """The open periods a feed with ?obligations=1 shows: neither fulfilled nor waived, due on or after `due_from`."""
    where = ["1" if include_internal else "ob.visibility = 'public'"]
    params: list = []
    if agreement_id is not None:
        where.append("ob.agreement_id = ?")
        params.append(agreement_id)
    if organization_ids is not None:
        where.append(f"ob.agreement_id in (select agreement_id from agreement_parties where organization_id in "
                     f"({','.join('?' * len(organization_ids)) or 'null'}))")
        params += list(organization_ids)
    rows = select(db, f"select ob.* from obligations ob where {' and '.join(where)} order by ob.id", params)
    names = dict(db.execute("select slug, name from organizations where id in (select responsible_id from obligations)")
                 .fetchall())
    cutoff = due_from.isoformat()
    return [{"agreement": o["agreement"], "agreement_title": o["agreement_title"], "obligation": o["id"],
             "title": o["title"], "responsible_name": names.get(o["responsible"]), "remind_days": o["remind_days"],
             "visibility": o["visibility"], "updated_at": o["updated_at"], "total": o["progress"]["total"],
             "period": p}
            for o in represent(db, rows, today) for p in o["periods"]
            if p["state"] not in ("fulfilled", "waived") and p["due_on"] >= cutoff]
