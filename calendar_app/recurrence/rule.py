"""Parse, validate and write back the RFC 5545 recurrence rules of events: the rule as stored.

Accepted RRULE subset (``normalize_rrule``), anything else is refused with a RecurrenceError:

- ``FREQ`` is required and is DAILY, WEEKLY, MONTHLY or YEARLY. Sub-daily frequencies and
  ``BYHOUR``/``BYMINUTE``/``BYSECOND`` are refused: every occurrence keeps DTSTART's time of day,
  so a series never has more than one occurrence a day.
- ``INTERVAL`` 1..1000; ``COUNT`` 1..MAX_COUNT; not both COUNT and UNTIL.
- ``UNTIL`` not before DTSTART and at most MAX_SERIES_YEARS after it; a COUNT must also be reached
  within MAX_SERIES_YEARS. For a timed series ``UNTIL=...Z`` is UTC, a naive ``YYYYMMDDTHHMMSS`` is
  local time in DTSTART's zone and a date ``YYYYMMDD`` means the end (23:59:59) of that local day;
  all are stored in UTC. For an all-day series UNTIL is a date (a date-time keeps its date part).
- ``BYDAY`` (ordinals such as ``1MO``/``-1FR`` only with MONTHLY, ±1..5, or YEARLY, ±1..53, and not
  with BYWEEKNO), ``BYMONTHDAY`` ±1..31 (not with WEEKLY), ``BYYEARDAY`` ±1..366 and ``BYWEEKNO``
  ±1..53 (YEARLY only), ``BYMONTH`` 1..12, ``BYSETPOS`` ±1..366 (with another BYxxx part), ``WKST``.
  These are the RFC 5545 restrictions; unknown parts (X-names, RSCALE, BYEASTER...) are refused.
- The rule must have an occurrence within MAX_SERIES_YEARS, and DTSTART must be its first
  occurrence: RFC 5545 leaves a DTSTART that the rule does not produce undefined, and clients
  disagree about it, so it is refused with the first real occurrence in the message.

The canonical form has upper-case parts in RFC order (FREQ, UNTIL, COUNT, INTERVAL, BYDAY,
BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS, WKST), sorted lists without repeats, and
drops the defaults INTERVAL=1 and WKST=MO. A leading ``RRULE:`` is stripped.

RFC semantics worth knowing: a monthly rule on the 29th-31st skips months without that day
(from Aug 31, ``FREQ=MONTHLY;INTERVAL=6`` gives only Aug 31 each year); ``BYMONTHDAY=-1`` means
the last day of the month.

A rule bound to its start (``_compile``, cached) is a series of naive local wall times that
``_expand`` iterates near a window; validation needs it (DTSTART must be the first occurrence, a
COUNT must end within the horizon), windows and EXDATEs are ``expand``'s.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, time, timedelta, timezone, tzinfo
from itertools import islice

from dateutil import rrule as du

__all__ = [
    "ALLOWED_FREQUENCIES",
    "LUNAR_YEARLY",
    "MAX_COUNT",
    "MAX_INTERVAL",
    "MAX_RRULE_LENGTH",
    "MAX_SERIES_YEARS",
    "RecurrenceError",
    "explicit_dates",
    "normalize_rrule",
]

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# Our one extension: every year on DTSTART's lunar date (Vietnam's calendar, UTC+7). Not RFC 5545:
# feeds write its occurrences as RDATEs (explicit_dates), never this rule (RSCALE is not understood by
# clients and its Chinese calendar is wrong for Vietnam). It takes COUNT or UNTIL and nothing else.
LUNAR_YEARLY = "LUNAR_YEARLY"
MAX_COUNT = 1000
MAX_INTERVAL = 1000
MAX_SERIES_YEARS = 100
MAX_RRULE_LENGTH = 2000

_UTC = timezone.utc
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQ_CONSTANTS = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
_PART_ORDER = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
               "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")
# name -> (largest absolute value, negative values allowed)
_NUMBER_LISTS = {"BYMONTHDAY": (31, True), "BYYEARDAY": (366, True), "BYWEEKNO": (53, True),
                 "BYMONTH": (12, False), "BYSETPOS": (366, True)}
_BYDAY = re.compile(r"([+-]?[0-9]{1,2})?([A-Z]{2})")
_INTEGER = re.compile(r"[+-]?[0-9]{1,6}")
_DIGITS = re.compile(r"[0-9]{1,6}")
_UNTIL = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z?))?")
_MAX_LOCAL = datetime.max.replace(microsecond=0)


class RecurrenceError(ValueError):
    """A user's RRULE that is invalid or beyond our bounds; str(e) is the API's 422 message."""


@dataclass(frozen=True)
class _Rule:
    """A parsed RRULE; until is aware UTC for a timed series and a date for an all-day one."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: datetime | date | None = None
    byday: tuple[tuple[int, int], ...] = ()  # (ordinal or 0, weekday 0=MO)
    bymonthday: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    bymonth: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: int = 0


@dataclass(frozen=True)
class _Series:
    """A rule bound to its start in naive local time, ready for dateutil."""

    rule: _Rule
    start: datetime  # naive local; midnight for an all-day series
    zone: tzinfo | None  # None for an all-day series
    options: tuple  # dateutil keyword arguments, defaults from DTSTART written out
    last: datetime | None  # naive local bound of the last occurrence; None when unbounded


def normalize_rrule(value: str, dtstart: datetime | date) -> str:
    """Validate a rule and return its canonical form, so equal rules are stored (and cached) equally.

    Keys come uppercase in a stable order; UNTIL is UTC 'YYYYMMDDTHHMMSSZ' for timed series and
    'YYYYMMDD' for all-day ones.
    """
    _check_start(dtstart)
    series = _compile(value, *_start_key(dtstart))
    first = next(_expand(series, series.start, _add_years(series.start, MAX_SERIES_YEARS)), None)
    if first is None:
        raise RecurrenceError(f"the rule yields no occurrence within {MAX_SERIES_YEARS} years of DTSTART")
    if first != series.start:
        raise RecurrenceError(f"DTSTART {_show(series.start, series)} is not an occurrence of the rule; "
                              f"start the series on its first occurrence, {_show(first, series)}")
    if series.rule.count is not None and series.last is None:
        raise RecurrenceError(f"COUNT={series.rule.count} runs beyond {MAX_SERIES_YEARS} years after "
                              "DTSTART; use a smaller COUNT")
    return _format(series.rule, series.zone is None)


# Parsing and canonical form


@functools.lru_cache(maxsize=2048)
def _compile(value: str, local_start: datetime, zone: tzinfo | None) -> _Series:
    """Parse a rule for a start once; queries expand the same stored rules over and over."""
    rule = _parse(value, local_start, zone)
    options = _options(rule, local_start)
    series = _Series(rule, local_start, zone, options, None)
    if rule.until is not None:
        last = _local(rule.until, zone) if zone is not None else datetime.combine(rule.until, time())
        return _Series(rule, local_start, zone, options, last)
    if rule.count is not None:
        horizon = _add_years(local_start, MAX_SERIES_YEARS)
        found = list(islice(_expand(series, local_start, horizon), rule.count))
        if len(found) == rule.count:
            return _Series(rule, local_start, zone, options, found[-1])
    return series


def _parse(value: str, local_start: datetime, zone: tzinfo | None) -> _Rule:
    """Read an RRULE value into a _Rule, refusing anything outside the documented subset."""
    if not isinstance(value, str):
        raise RecurrenceError("RRULE must be text")
    if len(value) > MAX_RRULE_LENGTH:
        raise RecurrenceError(f"RRULE is too long (at most {MAX_RRULE_LENGTH} characters)")
    text = value.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:"):].strip()
    if not text:
        raise RecurrenceError("RRULE is empty")
    parts: dict[str, str] = {}
    for item in (piece.strip() for piece in text.split(";")):
        if not item:
            continue  # tolerate "FREQ=DAILY;" and ";;"
        name, sep, content = item.partition("=")
        name, content = name.strip(), content.strip()
        if not sep or not name:
            raise RecurrenceError(f"RRULE part {_quote(item)} is not of the form NAME=VALUE")
        if name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            raise RecurrenceError(f"{name} is not supported: every occurrence keeps the time of day of DTSTART")
        if name not in _PART_ORDER:
            raise RecurrenceError(f"unknown RRULE part {_quote(name)}")
        if name in parts:
            raise RecurrenceError(f"RRULE part {name} appears more than once")
        if not content:
            raise RecurrenceError(f"RRULE part {name} has no value")
        parts[name] = content

    freq = parts.get("FREQ")
    if freq is None:
        raise RecurrenceError("FREQ is required (DAILY, WEEKLY, MONTHLY or YEARLY)")
    if freq == LUNAR_YEARLY:
        return _lunar_rule(parts, local_start, zone)
    if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
        raise RecurrenceError(f"FREQ={freq} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY")
    if freq not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(f"FREQ={_quote(freq)} is not a frequency; use DAILY, WEEKLY, MONTHLY or YEARLY")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("COUNT and UNTIL cannot be used together")

    fields: dict = {"freq": freq}
    if "INTERVAL" in parts:
        fields["interval"] = _whole(parts["INTERVAL"], "INTERVAL", MAX_INTERVAL)
    if "COUNT" in parts:
        fields["count"] = _whole(parts["COUNT"], "COUNT", MAX_COUNT)
    if "UNTIL" in parts:
        fields["until"] = _until(parts["UNTIL"], local_start, zone)
    if "WKST" in parts:
        if parts["WKST"] not in _WEEKDAYS:
            raise RecurrenceError("WKST must be one of MO, TU, WE, TH, FR, SA, SU")
        fields["wkst"] = _WEEKDAYS.index(parts["WKST"])
    for name, (largest, signed) in _NUMBER_LISTS.items():
        if name in parts:
            fields[name.lower()] = _numbers(parts[name], name, largest, signed)
    if "BYDAY" in parts:
        fields["byday"] = _weekdays(parts["BYDAY"], freq)

    # RFC 5545 section 3.3.10 restrictions, so other clients expand the rule as we do.
    if fields.get("byweekno") and freq != "YEARLY":
        raise RecurrenceError("BYWEEKNO can only be used with FREQ=YEARLY")
    if fields.get("byyearday") and freq != "YEARLY":
        raise RecurrenceError("BYYEARDAY can only be used with FREQ=YEARLY")
    if fields.get("bymonthday") and freq == "WEEKLY":
        raise RecurrenceError("BYMONTHDAY cannot be used with FREQ=WEEKLY")
    if fields.get("byweekno") and any(n for n, _ in fields.get("byday", ())):
        raise RecurrenceError("BYDAY ordinals such as 1MO cannot be used with BYWEEKNO")
    if fields.get("bysetpos") and not any(fields.get(k) for k in
                                          ("byday", "bymonthday", "byyearday", "byweekno", "bymonth")):
        raise RecurrenceError("BYSETPOS needs another BYxxx part (BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO or BYMONTH)")
    return _Rule(**fields)


def _lunar_rule(parts: dict[str, str], local_start: datetime, zone: tzinfo | None) -> _Rule:
    """FREQ=LUNAR_YEARLY with an optional COUNT or UNTIL; DTSTART must have a lunar date."""
    from ..lunar import lunar_day

    extra = sorted(set(parts) - {"FREQ", "COUNT", "UNTIL"})
    if extra:
        raise RecurrenceError(f"FREQ={LUNAR_YEARLY} takes only COUNT or UNTIL, not {', '.join(extra)}")
    if lunar_day(local_start.date()) is None:
        raise RecurrenceError(f"FREQ={LUNAR_YEARLY} needs a start between the years 1900 and 2100")
    fields: dict = {"freq": LUNAR_YEARLY}
    if "COUNT" in parts:
        fields["count"] = _whole(parts["COUNT"], "COUNT", MAX_COUNT)
    if "UNTIL" in parts:
        fields["until"] = _until(parts["UNTIL"], local_start, zone)
    return _Rule(**fields)


def _lunar_expand(series: _Series, lo: datetime, hi: datetime):
    """Yield the yearly returns of DTSTART's lunar date in [lo, hi].

    Later years take the ordinary month of a leap-month start, and the 29th when the month has no
    30th (as families keep an anniversary); lunar-vn's roll-over is guarded in lunar.solar_day.
    """
    from ..lunar import lunar_day, solar_day_or_none

    first = lunar_day(series.start.date())
    for year in range(max(lo.year - 1, first.year), hi.year + 1):
        if year == first.year:
            day = series.start.date()
        else:
            day = solar_day_or_none(first.day, first.month, year) or (
                solar_day_or_none(29, first.month, year) if first.day == 30 else None)
        if day is None:
            continue  # beyond the years lunar-vn knows
        found = datetime.combine(day, series.start.time())
        if lo <= found <= hi and found >= series.start:
            yield found


def explicit_dates(value: str, start: datetime | date) -> list[datetime | date] | None:
    """Every occurrence start of a rule that feeds must write as RDATEs (FREQ=LUNAR_YEARLY); None for RFC rules.

    Bounded like any series: by its COUNT or UNTIL, else MAX_SERIES_YEARS (and the years lunar-vn knows).
    """
    series = _compile(value, *_start_key(start))
    if series.rule.freq != LUNAR_YEARLY:
        return None
    found = _expand(series, series.start, _add_years(series.start, MAX_SERIES_YEARS))
    if isinstance(start, datetime):
        return [local.replace(tzinfo=start.tzinfo) for local in found]
    return [local.date() for local in found]


def _whole(text: str, name: str, largest: int) -> int:
    """Read a positive whole number part such as COUNT or INTERVAL."""
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= largest:
        raise RecurrenceError(f"{name} must be a whole number between 1 and {largest}")
    return int(text)


def _numbers(text: str, name: str, largest: int, signed: bool) -> tuple[int, ...]:
    """Read a BYxxx list of numbers, checking each against the RFC range."""
    values = set()
    allowed = f"between 1 and {largest}" + (f" or between -{largest} and -1" if signed else "")
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise RecurrenceError(f"{name} has an empty value in its list")
        if not _INTEGER.fullmatch(item):
            raise RecurrenceError(f"{name} values must be whole numbers {allowed}; got {_quote(item)}")
        number = int(item)
        if not (1 <= abs(number) <= largest) or (number < 0 and not signed):
            raise RecurrenceError(f"{name} values must be {allowed}; got {number}")
        values.add(number)
    return tuple(sorted(values))


def _weekdays(text: str, freq: str) -> tuple[tuple[int, int], ...]:
    """Read BYDAY, allowing ordinals only where RFC 5545 gives them a meaning."""
    values = set()
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise RecurrenceError("BYDAY has an empty value in its list")
        match = _BYDAY.fullmatch(item)
        if not match or match.group(2) not in _WEEKDAYS:
            raise RecurrenceError(f"BYDAY value {_quote(item)} is not a weekday (MO, TU, WE, TH, FR, SA, SU) "
                                  "with an optional ordinal such as 1MO or -1FR")
        ordinal = int(match.group(1) or 0)
        if match.group(1) is not None:
            if freq not in ("MONTHLY", "YEARLY"):
                raise RecurrenceError("BYDAY ordinals such as 1MO need FREQ=MONTHLY or FREQ=YEARLY")
            largest = 5 if freq == "MONTHLY" else 53
            if not 1 <= abs(ordinal) <= largest:
                raise RecurrenceError(f"BYDAY ordinals must be between 1 and {largest} or between -{largest} "
                                      f"and -1 with FREQ={freq}; got {_quote(item)}")
        values.add((ordinal, _WEEKDAYS.index(match.group(2))))
    return tuple(sorted(values, key=lambda v: (v[1], v[0])))


def _until(text: str, local_start: datetime, zone: tzinfo | None) -> datetime | date:
    """Read UNTIL as aware UTC (timed series) or a date (all-day), checking its bounds."""
    match = _UNTIL.fullmatch(text)
    try:
        if not match:
            raise ValueError(text)
        day = datetime.strptime(match.group(1), "%Y%m%d")
        clock = datetime.strptime(match.group(2), "%H%M%S").time() if match.group(2) else None
    except ValueError:
        raise RecurrenceError("UNTIL must be a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSS, "
                              "or YYYYMMDDTHHMMSSZ in UTC)") from None
    horizon = _add_years(local_start, MAX_SERIES_YEARS)
    if zone is None:
        until = day.date()
        before, beyond = until < local_start.date(), until > horizon.date()
    else:
        if clock is None:
            until = datetime.combine(day.date(), time(23, 59, 59), zone)
        elif match.group(3):
            until = datetime.combine(day.date(), clock, _UTC)
        else:
            until = datetime.combine(day.date(), clock, zone)
        try:
            until = until.astimezone(_UTC)
        except OverflowError:
            raise RecurrenceError(f"UNTIL is more than {MAX_SERIES_YEARS} years after DTSTART") from None
        # The horizon is compared in local time: in UTC it may lie past year 9999.
        before, beyond = until < local_start.replace(tzinfo=zone), _local(until, zone) > horizon
    if before:
        start = local_start.date() if zone is None else local_start.replace(tzinfo=zone)
        raise RecurrenceError(f"UNTIL ({_show_value(until, zone)}) is before DTSTART ({_show_value(start, zone)})")
    if beyond:
        raise RecurrenceError(f"UNTIL ({_show_value(until, zone)}) is more than {MAX_SERIES_YEARS} years after DTSTART")
    return until


def _format(rule: _Rule, all_day: bool) -> str:
    """Write a _Rule back as a canonical RRULE value."""
    parts = [f"FREQ={rule.freq}"]
    if isinstance(rule.until, datetime):
        u = rule.until
        parts.append(f"UNTIL={u.year:04d}{u.month:02d}{u.day:02d}T{u.hour:02d}{u.minute:02d}{u.second:02d}Z")
    elif rule.until is not None:
        parts.append(f"UNTIL={rule.until.year:04d}{rule.until.month:02d}{rule.until.day:02d}")
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    if rule.interval != 1:
        parts.append(f"INTERVAL={rule.interval}")
    if rule.byday:
        parts.append("BYDAY=" + ",".join(f"{n or ''}{_WEEKDAYS[d]}" for n, d in rule.byday))
    for name in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS"):
        values = getattr(rule, name.lower())
        if values:
            parts.append(f"{name}=" + ",".join(map(str, values)))
    if rule.wkst != 0:
        parts.append(f"WKST={_WEEKDAYS[rule.wkst]}")
    return ";".join(parts)


def _options(rule: _Rule, local_start: datetime) -> tuple:
    """dateutil keyword arguments with the defaults dateutil would take from DTSTART written out.

    Writing them out lets expansion move DTSTART to a later period without changing the rule.
    """
    if rule.freq == LUNAR_YEARLY:
        return ()  # expanded by _lunar_expand, not dateutil
    options: dict = {"interval": rule.interval, "wkst": rule.wkst, "byhour": local_start.hour,
                     "byminute": local_start.minute, "bysecond": local_start.second}
    for name in ("bymonthday", "byyearday", "byweekno", "bymonth", "bysetpos"):
        if getattr(rule, name):
            options[name] = getattr(rule, name)
    if rule.byday:
        options["byweekday"] = tuple(du.weekdays[d](n) if n else du.weekdays[d] for n, d in rule.byday)
    if not (rule.byday or rule.bymonthday or rule.byyearday or rule.byweekno):
        if rule.freq == "YEARLY":
            options.setdefault("bymonth", (local_start.month,))
            options["bymonthday"] = (local_start.day,)
        elif rule.freq == "MONTHLY":
            options["bymonthday"] = (local_start.day,)
        elif rule.freq == "WEEKLY":
            options["byweekday"] = (local_start.weekday(),)
    return tuple(sorted(options.items()))


# Iterating a series


def _expand(series: _Series, lo: datetime, hi: datetime):
    """Yield the naive local occurrences in [lo, hi], iterating only near the window."""
    if series.last is not None:
        hi = min(hi, series.last)
    if hi < lo or hi < series.start:
        return
    if series.rule.freq == LUNAR_YEARLY:
        yield from _lunar_expand(series, lo, hi)
        return
    anchor = _anchor(series, lo)
    # dateutil only stops after an occurrence beyond UNTIL, or after year 9999: shifting by whole
    # 400-year cycles (identical calendars) puts year 9999 less than 400 years after hi.
    shift = (MAXYEAR - hi.year) // 400 * 400
    rule = du.rrule(_FREQ_CONSTANTS[series.rule.freq], dtstart=_shift(anchor, shift),
                    until=_shift(hi, shift), **dict(series.options))
    for found in rule:
        found = _shift(found, -shift)
        if found >= lo:
            yield found


def _anchor(series: _Series, lo: datetime) -> datetime:
    """The start of the last period of the series that begins at or before lo (or DTSTART)."""
    start, n, freq = series.start, series.rule.interval, series.rule.freq
    if lo <= start:
        return start
    if freq == "DAILY":
        return start + timedelta(days=(lo - start).days // n * n)
    if freq == "WEEKLY":
        week = start - timedelta(days=(start.weekday() - series.rule.wkst) % 7)
        k = (lo - week).days // (7 * n)
        return week + timedelta(weeks=k * n) if k else start
    if freq == "MONTHLY":
        k = ((lo.year - start.year) * 12 + lo.month - start.month) // n
        month = start.year * 12 + start.month - 1 + k * n
        return start.replace(year=month // 12, month=month % 12 + 1, day=1) if k else start
    k = (lo.year - start.year) // n
    return start.replace(year=start.year + k * n, month=1, day=1) if k else start


# Small helpers


def _check_start(start) -> None:
    """Refuse starts that cannot carry a zone: naive datetimes would expand in the server's zone."""
    if isinstance(start, datetime):
        if start.utcoffset() is None:
            raise TypeError("a timed start must be an aware datetime")
    elif not isinstance(start, date):
        raise TypeError("start must be an aware datetime or a date")


def _start_key(start: datetime | date) -> tuple[datetime, tzinfo | None]:
    """Cache key of a start: its local wall time and zone (equal instants in other zones differ)."""
    if isinstance(start, datetime):
        return start.replace(tzinfo=None, microsecond=0), start.tzinfo
    return datetime.combine(start, time()), None


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """Wall time of an aware moment in zone, clamped at the ends of datetime's range."""
    try:
        return moment.astimezone(zone).replace(tzinfo=None)
    except OverflowError:
        return _MAX_LOCAL if moment.year > 1 else datetime.min


def _add_years(moment: datetime, years: int) -> datetime:
    """The same wall time some years later (Feb 29 becomes Feb 28), clamped at year 9999."""
    if moment.year + years > MAXYEAR:
        return _MAX_LOCAL
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _shift(moment: datetime, years: int) -> datetime:
    """Move by whole 400-year cycles, which keep Feb 29 and weekdays."""
    return moment.replace(year=moment.year + years) if years else moment


def _quote(text: str) -> str:
    """Echo user input in a message, shortened so an error body stays small."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _show(local: datetime, series: _Series) -> str:
    """A naive local occurrence as a message shows it: the date, or date and time."""
    return local.date().isoformat() if series.zone is None else local.isoformat(sep=" ", timespec="minutes")


def _show_value(value: datetime | date, zone: tzinfo | None) -> str:
    """An UNTIL or DTSTART as a message shows it, in the event's zone."""
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(sep=" ", timespec="minutes")
    return value.isoformat()
