"""Operators logging calls over HTTP against a real server, remembering what was acknowledged.

A call counts as acknowledged only when the server answered the log form with a redirect
to the call's own page: the point where an operator sees "Call logged". Crash and load
tests then check that every acknowledged call is in the database and decrypts.
"""

from __future__ import annotations

import http.client
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.live import Browser
from casework.crypto import reveal
from casework.extensions import db
from casework.intake.models import Call
from tests.factories import PASSWORD

# What a browser sees when the server dies under it.
CONNECTION_LOST = (ConnectionError, http.client.HTTPException, OSError, TimeoutError)


def call_form(marker: str) -> dict:
    """A complete data call about a child whose free-text fields all carry `marker`."""
    return {
        "call_type": "about_other", "urgency": "routine", "caller_relationship": "neighbour",
        "caller_phone": "0912 345 678", "caller_name": f"Trần Văn Bình {marker}",
        "caller_sex": "male", "caller_age_group": "18_59",
        "survivor_name": f"Lê Thị Hoa {marker}", "survivor_phone": "", "survivor_sex": "female",
        "survivor_age": "9", "survivor_birth_date": "", "survivor_commune": "30307",
        "survivor_address": f"Ấp Hòa Long {marker}", "survivor_ethnicity": "khmer",
        "survivor_disability": "none", "violence_forms": ["physical"], "setting": "family",
        "perpetrator_relationship": "parent_caregiver", "perpetrator_sex": "male",
        "perpetrator_age_group": "18_59", "incident_when": "within_week", "is_ongoing": "yes",
        "child_abuse_forms": ["violence"], "consent_referral": "yes",
        "consent_data_sharing": "no", "narrative": f"Cháu khóc nhiều đêm. {marker}",
        "line": "111", "service_line": "child_protection", "channel": "phone",
    }


@dataclass
class Acknowledged:
    call_id: uuid.UUID
    marker: str


@dataclass
class WriterReport:
    acknowledged: list[Acknowledged] = field(default_factory=list)
    attempted: int = 0
    errors: list[str] = field(default_factory=list)  # answers a user would see as failures
    cut_off: bool = False  # the connection died under a request


class CallWriter(threading.Thread):
    """One operator at the desk: start a call, log it, again, until stopped or cut off."""

    def __init__(self, base_url: str, username: str, stop: threading.Event, *,
                 tolerate_disconnect: bool = True):
        super().__init__(daemon=True)
        self.base_url, self.username, self.stop = base_url, username, stop
        self.tolerate_disconnect = tolerate_disconnect
        self.report = WriterReport()
        self.tag = secrets.token_hex(4)

    def run(self) -> None:
        browser = Browser(self.base_url)
        try:
            if not browser.sign_in(self.username, PASSWORD):
                self.report.errors.append("sign-in refused")
                return
            while not self.stop.is_set():
                self._log_one(browser)
        except CONNECTION_LOST as error:
            self.report.cut_off = True
            if not self.tolerate_disconnect:
                self.report.errors.append(f"connection lost: {type(error).__name__}")
        finally:
            browser.close()

    def _log_one(self, browser: Browser) -> None:
        self.report.attempted += 1
        marker = f"MK{self.tag}{self.report.attempted:05d}"
        browser.get("/calls/desk")
        started = browser.post("/calls/start", {"line": "111", "channel": "phone"})
        if started.status != 302 or "/calls/drafts/" not in (started.location or ""):
            self.report.errors.append(f"start answered {started.status}")
            return
        draft_path = urlsplit(started.location).path
        browser.get(draft_path)
        logged = browser.post(draft_path + "/log", call_form(marker))
        call_id = _call_id(logged.location) if logged.status == 302 else None
        if call_id is None:
            self.report.errors.append(f"log answered {logged.status}")
            return
        self.report.acknowledged.append(Acknowledged(call_id, marker))


def _call_id(location: str | None) -> uuid.UUID | None:
    """The call id in a redirect to the call's page (`/calls/<uuid>`), else None."""
    if not location or "/drafts/" in location:
        return None
    try:
        return uuid.UUID(urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


def run_writers(base_url: str, usernames: list[str], seconds: float, *,
                tolerate_disconnect: bool = False) -> list[WriterReport]:
    """Let the operators log calls for a while; their reports once all have stopped."""
    stop = threading.Event()
    writers = [CallWriter(base_url, name, stop, tolerate_disconnect=tolerate_disconnect)
               for name in usernames]
    for writer in writers:
        writer.start()
    time.sleep(seconds)
    stop.set()
    for writer in writers:
        writer.join(timeout=120)
    return [writer.report for writer in writers]


class Operators:
    """Operators logging calls against one server until stopped."""

    def __init__(self, base_url: str, usernames: list[str]):
        self.stop = threading.Event()
        self.writers = [CallWriter(base_url, name, self.stop) for name in usernames]
        for writer in self.writers:
            writer.start()

    def acknowledged(self) -> list[Acknowledged]:
        return [ack for writer in self.writers for ack in list(writer.report.acknowledged)]

    def finish(self) -> list[Acknowledged]:
        self.stop.set()
        for writer in self.writers:
            writer.join(timeout=60)
        return self.acknowledged()

    @property
    def cut_off(self) -> int:
        """How many operators lost their connection when the server died."""
        return sum(writer.report.cut_off for writer in self.writers)

    def wait_for_calls(self, count: int, timeout: float = 120) -> None:
        """Block until `count` more calls are acknowledged, so a kill lands mid-stream."""
        target, deadline = len(self.acknowledged()) + count, time.monotonic() + timeout
        while len(self.acknowledged()) < target:
            errors = [e for writer in self.writers for e in writer.report.errors]
            assert time.monotonic() < deadline, f"no call was acknowledged: {errors[:3]}"
            time.sleep(0.05)


def missing_or_wrong(app, acknowledged: list[Acknowledged]) -> list[str]:
    """Acknowledged calls that are absent or do not decrypt to what was typed."""
    problems = []
    with app.app_context():
        for ack in acknowledged:
            call = db.session.get(Call, ack.call_id)
            if call is None:
                problems.append(f"{ack.call_id} missing")
                continue
            texts = (reveal(call, "narrative"), reveal(call, "caller_name"),
                     reveal(call.survivor, "name"), reveal(call.survivor, "address"))
            if not all(ack.marker in text for text in texts):
                problems.append(f"{ack.call_id} does not hold {ack.marker}")
        db.session.rollback()
    return problems
