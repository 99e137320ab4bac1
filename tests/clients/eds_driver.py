"""Drive evolution-data-server's webcal backend as Evolution and GNOME Calendar do (Debian python3 + gi).

Run under `dbus-run-session` with HOME and the XDG folders in a scratch directory:
    eds_driver.py URL FIRST_DAY LAST_DAY
It subscribes a webcal source to URL, then answers each "sync" line on stdin with one JSON line:
the occurrences EDS generates between the two days, as [day, start, end, title, status] in
Asia/Ho_Chi_Minh wall time. Not a test module: tests/clients/test_evolution.py runs it.
"""

import json
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import gi

gi.require_version("EDataServer", "1.2")
gi.require_version("ECal", "2.0")
gi.require_version("ICalGLib", "3.0")
from gi.repository import ECal, EDataServer, GLib  # noqa: E402

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SOURCE_UID = "calendar-app-client-test"
SETTLE_SECONDS, GIVE_UP_SECONDS = 0.5, 20


def subscribe(url: str):
    """A webcal calendar source for the URL, committed to the registry, and a client connected to it."""
    registry = EDataServer.SourceRegistry.new_sync(None)
    source = EDataServer.Source.new_with_uid(SOURCE_UID, None)
    source.set_display_name("Lịch phối hợp")
    source.set_parent("webcal-stub")
    source.get_extension(EDataServer.SOURCE_EXTENSION_CALENDAR).set_backend_name("webcal")
    source.get_extension(EDataServer.SOURCE_EXTENSION_WEBDAV_BACKEND).set_uri(GLib.Uri.parse(url, GLib.UriFlags.NONE))
    registry.commit_source_sync(source, None)
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while (committed := registry.ref_source(SOURCE_UID)) is None and time.monotonic() < deadline:
        GLib.MainContext.default().iteration(False)
        time.sleep(0.05)
    # The backend waits this long for the network monitor to say "connected"; in a sandbox it never
    # does, and the webcal backend fetches all the same.
    return ECal.Client.connect_sync(committed, ECal.ClientSourceType.EVENTS, 1, None)


def local(value) -> tuple[str, str]:
    moment = datetime.fromtimestamp(value.as_timet_with_zone(value.get_timezone()), HCM)
    return moment.date().isoformat(), moment.strftime("%H:%M")


def occurrences(client, first: date, last: date) -> list[list[str]]:
    """The instances EDS generates (its own RRULE, EXDATE and RECURRENCE-ID handling), sorted."""
    found = []

    def collect(component, start, end, *_):
        day, start_time = local(start)
        status = component.get_status().value_name.removeprefix("I_CAL_STATUS_")
        found.append([day, start_time, local(end)[1], component.get_summary(), status])
        return True

    window = [int(datetime.combine(day, datetime.min.time(), HCM).timestamp()) for day in (first, last)]
    client.generate_instances_sync(window[0], window[1], None, collect)
    return sorted(found)


def synced(client, first: date, last: date, previous) -> list[list[str]]:
    """Refresh, then wait until what EDS holds has changed from `previous` and settled (it applies changes
    as it reads them); give up after GIVE_UP_SECONDS with what it holds then."""
    client.refresh_sync(None)
    deadline = time.monotonic() + GIVE_UP_SECONDS
    seen = occurrences(client, first, last)
    while time.monotonic() < deadline:
        time.sleep(SETTLE_SECONDS)
        again = occurrences(client, first, last)
        if again == seen and again != previous:
            return again
        seen = again
    return seen


def main() -> None:
    url, first, last = sys.argv[1], date.fromisoformat(sys.argv[2]), date.fromisoformat(sys.argv[3])
    client = subscribe(url)
    previous = []
    for command in sys.stdin:
        if command.strip() != "sync":
            raise SystemExit(f"unknown command {command!r}")
        previous = synced(client, first, last + timedelta(days=1), previous)
        print(json.dumps(previous, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
