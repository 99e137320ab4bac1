"""The scenario every real client goes through: one calendar, one set of changes, what a client must list.

Every module subscribes its client once to an organization feed served on 127.0.0.1, then the API
moves one event, cancels another, deletes a third, cancels one occurrence of a series and moves
another, and the client refreshes. `Scenario.listing` is what a client must list before and after,
in Asia/Ho_Chi_Minh wall time, with the Vietnamese titles exactly as written.

A client missing here is skipped with the reason; under CI (CI=true, as .ci/run runs) it fails
instead, since .ci/run installs every one of them.
"""

import json
import os
import shutil
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
ORGANIZATION = {"slug": "dang-uy-khoi-dn-tu", "name": "Đảng ủy Khối Doanh nghiệp Trung ương"}
CEREMONY = "Lễ ký kết Quy chế phối hợp giữa Ban cán sự Đảng Bộ TT&TT và Đảng ủy Khối"
WORKSHOP = "Hội thảo khoa học “Khơi thông nguồn lực, tạo động lực mới”"
VOLUNTEER = "Chương trình tình nguyện “Tết ấm yêu thương”"
REVIEW = "Hội nghị giao ban Đảng ủy Khối — Tạp chí Cộng sản"
CANCELLED_PREFIX = "[Đã hủy] "  # ?prefix=1, for clients that ignore STATUS


def need(available: bool, reason: str) -> None:
    """Skip a test whose client is missing, printing why; fail instead in CI, which installs them all."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run every client (.ci/run installs them)")
    pytest.skip(reason)


def need_program(name: str, hint: str) -> str:
    """The path of a program the client test runs, or skip/fail naming the package that brings it."""
    path = shutil.which(name)
    need(path is not None, f"{name} is not installed ({hint})")
    return path


@dataclass(frozen=True)
class Line:
    """One occurrence as a client lists it: local day and times, title, status (None: not shown)."""

    day: str
    start: str
    end: str
    title: str
    status: str | None = None


class Scenario:
    """The organization's calendar on a live server, and the changes made to it through the API."""

    def __init__(self, base_url: str, token: str, monday: date):
        self.base_url, self.token, self.monday = base_url, token, monday
        self.feed_url = f"{base_url}/feeds/organizations/{ORGANIZATION['slug']}.ics"
        self.ids: dict[str, int] = {}

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(self.monday + timedelta(days=days), datetime.min.time(), HCM).replace(
            hour=hour, minute=minute)

    def call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        request = urllib.request.Request(
            self.base_url + path, method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204), (method, path, response.status)
            payload = response.read()
        return json.loads(payload) if payload else None

    def _event(self, name: str, title: str, kind: str, start: datetime, end: datetime, **fields) -> None:
        created = self.call("POST", "/api/v1/events", {
            "title": title, "kind": kind, "starts_at": start.isoformat(), "ends_at": end.isoformat(),
            "organizations": [ORGANIZATION["slug"]], **fields})
        self.ids[name] = created["id"]

    def create(self) -> None:
        """Four events: three single ones and a weekly series of four review meetings."""
        self.call("POST", "/api/v1/organizations", ORGANIZATION)
        self._event("review", REVIEW, "review_meeting", self.at(0, 9), self.at(0, 11), rrule="FREQ=WEEKLY;COUNT=4",
                    location="Hội trường Tạp chí Cộng sản, Hà Nội")
        self._event("workshop", WORKSHOP, "joint_workshop", self.at(2, 8, 30), self.at(2, 11))
        self._event("ceremony", CEREMONY, "signing_ceremony", self.at(3, 14), self.at(3, 16))
        self._event("volunteer", VOLUNTEER, "volunteer_program", self.at(5, 7), self.at(5, 9))

    def change(self) -> None:
        """Move the ceremony, cancel the workshop, delete the volunteer program, cancel one meeting, move another."""
        self.call("PATCH", f"/api/v1/events/{self.ids['ceremony']}",
                  {"starts_at": self.at(4, 9).isoformat(), "ends_at": self.at(4, 11).isoformat()})
        self.call("PATCH", f"/api/v1/events/{self.ids['workshop']}", {"status": "cancelled"})
        self.call("DELETE", f"/api/v1/events/{self.ids['volunteer']}")
        occurrences = f"/api/v1/events/{self.ids['review']}/occurrences"
        self.call("PUT", f"{occurrences}/{self.at(7, 9).replace(tzinfo=None).isoformat()}", {"status": "cancelled"})
        self.call("PUT", f"{occurrences}/{self.at(14, 9).replace(tzinfo=None).isoformat()}",
                  {"starts_at": self.at(15, 14).isoformat(), "ends_at": self.at(15, 16).isoformat()})

    def listing(self, changed: bool, statuses: bool = True) -> list[Line]:
        """What a client must list, sorted by time; for a client that shows no STATUS, the feed's
        ?prefix=1 puts the cancelled state in front of the title instead."""
        def line(days, start, end, title, status="CONFIRMED"):
            first, last = self.at(days, *start), self.at(days, *end)
            if not statuses:
                title, status = (CANCELLED_PREFIX + title if status == "CANCELLED" else title), None
            return Line(first.date().isoformat(), first.strftime("%H:%M"), last.strftime("%H:%M"), title, status)

        if not changed:
            return [line(0, (9,), (11,), REVIEW), line(2, (8, 30), (11,), WORKSHOP), line(3, (14,), (16,), CEREMONY),
                    line(5, (7,), (9,), VOLUNTEER), line(7, (9,), (11,), REVIEW), line(14, (9,), (11,), REVIEW),
                    line(21, (9,), (11,), REVIEW)]
        return [line(0, (9,), (11,), REVIEW), line(2, (8, 30), (11,), WORKSHOP, "CANCELLED"),
                line(4, (9,), (11,), CEREMONY), line(7, (9,), (11,), REVIEW, "CANCELLED"),
                line(15, (14,), (16,), REVIEW), line(21, (9,), (11,), REVIEW)]

    @property
    def window(self) -> tuple[date, date]:
        """The days every client is asked to list: the whole scenario and a little around it."""
        return self.monday - timedelta(days=1), self.monday + timedelta(days=29)


