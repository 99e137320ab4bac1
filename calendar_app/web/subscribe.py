"""The subscribe box: a feed's addresses with the options a reader chose, its QR code, and where Google can work.

The options are the feed's own query arguments (feeds/params.py checks them, as the feed will):
chosen in a GET form, so they work without JavaScript; app.js rewrites the same addresses live
from the same form. Every address stays under MAX_URL_LENGTH: Google fails silently on long ones.
"""

import io
import ipaddress
import re
from urllib.parse import urlencode, urlsplit

import segno
from flask import Response, request
from markupsafe import Markup

from .. import event_links, links
from ..errors import BadRequest, NotFoundError
from ..feeds import params as feed_params
from ..feeds.routes import combined_too_large
from ..schemas.events import EVENT_KINDS
from .blueprint import bp
from .i18n import current_language
from .i18n import gettext as _
from .labels import label

MAX_URL_LENGTH = 200  # every subscribe address (https, webcal)
MAX_GOOGLE_LENGTH = 256  # Google's link wraps the address; above this Google fails silently
# Phones add Google calendars by URL only on the web (calendar.google.com on a computer), not in the app.
PHONE = re.compile(r"Android|iPhone|iPad|iPod|Mobile", re.IGNORECASE)
FEED_PATHS = ("/feeds/organizations/", "/feeds/agreements/", "/feeds/all.ics")
NOT_PUBLIC_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test", ".invalid", ".example")


def chosen_options(args, kinds: bool = True, children: bool = True) -> tuple[list[tuple[str, str]], str | None]:
    """The feed arguments chosen in the box's form, in the feed's canonical order, or none and a message."""
    pairs = []
    if kinds:
        chosen = sorted(set(args.getlist("kind")) & set(EVENT_KINDS))
        if chosen and len(chosen) < len(EVENT_KINDS):  # every kind is the same feed without the argument
            pairs.append(("kind", ",".join(chosen)))
    if children and args.get("include") == "children":
        pairs.append(("include", "children"))
    for name in ("since", "alarm"):
        if args.get(name):
            pairs.append((name, args[name].strip()))
    if args.get("prefix") == "1":
        pairs.append(("prefix", "1"))
        if current_language() != feed_params.DEFAULT_LANGUAGE:
            pairs.append(("lang", current_language()))
    if args.get("expand") == "1":
        pairs.append(("expand", "1"))
    try:
        feed_params.parse(dict(pairs))
    except BadRequest as error:
        problem = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in (error.errors or {}).items())
        return [], _("These options cannot be used: {problem}", problem=problem or error.message)
    return pairs, None


def too_long_message() -> str:
    """What the box says instead of an address over MAX_URL_LENGTH (app.js shows the same text)."""
    return _("With these options the address would be too long for some calendar programs ({n} characters at most); choose fewer options.", n=MAX_URL_LENGTH)  # noqa: E501 (one literal: the translation test reads it)


def is_public(url: str) -> bool:
    """Whether a server on the internet (Google's) can reach this address: not a loopback, private or local name."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host and not host.endswith(NOT_PUBLIC_SUFFIXES) and host != "localhost"


def box(box_id: str, path: str, fixed: list[tuple[str, str]] = (), kinds: bool = True, children: bool = True,
        keep: dict | None = None) -> dict:
    """Everything _subscribe.html shows for the feed at `path` (fixed: arguments the view itself sets)."""
    options, problem = chosen_options(request.args, kinds=kinds, children=children)
    query = [*fixed, *options]
    addresses = links.feed_links(path + ("?" + urlencode(query, safe=",") if query else ""))
    too_long = (len(addresses["https"]) > MAX_URL_LENGTH or len(addresses["webcal"]) > MAX_URL_LENGTH
                or len(addresses["google"]) > MAX_GOOGLE_LENGTH)
    if too_long:
        problem = too_long_message()
        addresses = links.feed_links(path + ("?" + urlencode(list(fixed), safe=",") if fixed else ""))
        options = []
    public = is_public(addresses["https"])
    phone = bool(PHONE.search(request.headers.get("User-Agent", "")))
    chosen = dict(options)
    return {
        "id": box_id, "feeds": addresses, "problem": problem, "fixed": list(fixed), "keep": keep or {},
        "base": links.absolute(path), "max_length": MAX_URL_LENGTH, "max_google": MAX_GOOGLE_LENGTH, "too_long": too_long_message(),
        "google": public and not phone, "phone": phone, "public": public,
        "host": urlsplit(addresses["https"]).hostname,
        "qr": qr_svg(addresses["https"]),
        "kinds": [(kind, label("event_kind", kind), kind in chosen.get("kind", "").split(","))
                  for kind in EVENT_KINDS] if kinds else [],
        "children": children, "chosen": chosen,
        "alarms": [("PT15M", _("15 minutes before")), ("PT1H", _("1 hour before")), ("P1D", _("1 day before"))],
    }


def qr_svg(url: str) -> Markup:
    """The address as an inline SVG QR code (scalable: viewBox only), for a phone's camera."""
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=4, omitsize=True, svgclass="qr-code", lineclass="qr-line",
                                  title=_("QR code of the calendar address")))


@bp.route("/subscribe/qr.svg")
def qr_image():
    """The QR code of one of our feed addresses, for app.js once the options changed the address."""
    path = request.args.get("path", "")
    if not path.startswith(FEED_PATHS) or "token=" in path:
        raise NotFoundError("Only the QR code of a public feed address is made here.")
    url = links.absolute(path)
    if len(url) > MAX_URL_LENGTH:
        raise NotFoundError("The address is too long.")
    code = segno.make(url, error="m")
    # As an image file (not inline) it needs its namespace, and its width and height to have a size in an <img>.
    out = io.BytesIO()
    code.save(out, kind="svg", scale=4, svgclass="qr-code", lineclass="qr-line", xmldecl=False)
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@bp.app_template_global()
def organization_box(slug: str) -> dict:
    """The subscribe box of an organization's page."""
    return box("public-feed", links.organization_feed_path(slug))


@bp.app_template_global()
def agreement_box(slug: str) -> dict:
    """The subscribe box of an agreement's page (an agreement has no sub-units)."""
    return box("agreement-feed", links.agreement_feed_path(slug), children=False)


@bp.app_template_global()
def view_box() -> dict:
    """"Subscribe to this view" on the month view: the feed with the view's filters (organization, agreement, kind)."""
    view = {name: (request.args.get(name) or "").strip() for name in ("organization", "agreement", "kind")}
    fixed = []
    if view["agreement"] and feed_params.SLUG_PATTERN.match(view["agreement"]):
        path = links.agreement_feed_path(view["agreement"])  # its events, whichever organization takes part
    else:
        path = "/feeds/all.ics"
        if view["organization"] and feed_params.SLUG_PATTERN.match(view["organization"]):
            fixed.append(("organizations", view["organization"]))
    if view["kind"] in EVENT_KINDS:
        fixed.append(("kind", view["kind"]))
    if path == "/feeds/all.ics" and combined_too_large(dict(fixed)):
        return {"too_large": _("This view holds too many events for one calendar: choose an organization above, "
                               "or subscribe on an organization's page.")}
    keep = {name: value for name, value in {**view, "month": request.args.get("month", "")}.items() if value}
    return box("view-feed", path, fixed, kinds=False, children=any(name == "organizations" for name, _v in fixed),
               keep=keep)


@bp.app_template_global()
def add_event_links(event: dict) -> dict:
    """The event page's Google and Outlook 'add this event' links (event_links builds them)."""
    page = links.absolute(f"/events/{event['id']}")
    return {"google": event_links.google(event, page), "outlook": event_links.outlook(event, page),
            "outlook_live": event_links.outlook(event, page, "live"), "series": bool(event.get("rrule"))}
