"""Many hands at once: several server processes taking calls, two people saving one case.

Runs on SQLite and on PostgreSQL (whichever the suite uses), with real `casework serve`
processes so that writes really overlap.

CASEWORK_CONFLICT_ROUNDS sets how many simultaneous double saves are tried (default 8);
CASEWORK_LOAD_SECONDS how long the operators log calls (default 4).
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from bench.live import Browser
from casework.cases.models import Case
from casework.crypto import reveal
from casework.extensions import db
from tests import factories
from tests.cases.builders import make_case
from tests.hardening.conftest import loop_count
from tests.hardening.live import SEVERAL_SERVERS, start_server
from tests.hardening.writers import call_form, missing_or_wrong, run_writers

pytestmark = pytest.mark.slow

CONFLICT_ROUNDS = loop_count("CONFLICT_ROUNDS", 8)
LOAD_SECONDS = loop_count("LOAD_SECONDS", 4)
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


@pytest.fixture(scope="module")
def servers(live_instance):
    env = {**live_instance.env, **SEVERAL_SERVERS}
    first = start_server(env, live_instance.directory / "first.log", threads=4)
    second = start_server(env, live_instance.directory / "second.log", threads=4)
    yield first, second
    first.stop()
    second.stop()


def test_operators_on_two_processes_lose_nothing_and_see_no_error(servers, live_app):
    with live_app.app_context():
        names = [factories.make_user("operator").username for _ in range(6)]
        db.session.commit()
    with ThreadPoolExecutor(max_workers=2) as pool:
        halves = pool.map(lambda args: run_writers(*args, LOAD_SECONDS),
                          [(servers[0].base_url, names[:3]), (servers[1].base_url, names[3:])])
        reports = [report for half in halves for report in half]
    errors = [error for report in reports for error in report.errors]
    acknowledged = [ack for report in reports for ack in report.acknowledged]
    assert errors == [], "a user saw a failure (database locked, 500 …)"
    assert len(acknowledged) >= len(names)
    assert missing_or_wrong(live_app, acknowledged) == []
    print(f"\nconcurrency: {len(acknowledged)} calls from 6 operators on 2 processes, 0 lost")


def sign_in(base_url: str, username: str, secret: str | None) -> Browser:
    """A browser signed in through both steps, as a supervisor must."""
    browser = Browser(base_url)
    assert browser.sign_in(username, factories.PASSWORD) or secret
    if secret:
        browser.get("/login/code")
        with_code = browser.post("/login/code", {"code": factories.totp_code(secret)})
        assert with_code.status == 302 and "/login" not in with_code.location
    return browser


@pytest.fixture(scope="module")
def editors(servers, live_app):
    """Two supervisors of one unit, each signed in on a different server process."""
    with live_app.app_context():
        people = [factories.make_user("supervisor") for _ in range(2)]
        accounts = [(person.username, factories.enrol_totp(person)) for person in people]
        db.session.commit()  # and no read after it: on SQLite that would hold the write lock
    return tuple(sign_in(server.base_url, *account)
                 for server, account in zip(servers, accounts))


def _new_case(live_app, operator_id=None):
    """A case opened from a call; by the given operator, or by a new one."""
    from casework.accounts.models import User

    with live_app.app_context():
        operator = (db.session.get(User, operator_id) if operator_id
                    else factories.make_user("operator"))
        case_id = make_case(operator).id
        db.session.commit()
        return case_id


def _saved_summary(live_app, case_id) -> str:
    with live_app.app_context():
        summary = reveal(db.session.get(Case, case_id), "summary")
        db.session.rollback()
        return summary


def test_two_people_saving_one_case_at_once_never_overwrite_each_other(editors, live_app):
    outcomes = []
    for round_number in range(CONFLICT_ROUNDS):
        case_id = _new_case(live_app)
        path = f"/cases/{case_id}/edit"
        forms = [browser.get(path) for browser in editors]
        versions = {VERSION.search(form.body.decode()).group(1) for form in forms}
        assert len(versions) == 1, "both must start from the same version"
        typed = [f"Bản tóm tắt {who} vòng {round_number}" for who in ("A", "B")]
        answers = _save_together(editors, path, versions.pop(), typed)
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [200, 302], f"round {round_number}: {statuses}"
        winner = [typed[i] for i, answer in enumerate(answers) if answer.status == 302][0]
        loser = [answer.body.decode() for answer in answers if answer.status == 200][0]
        assert 'id="conflict"' in loser, "the stale save must get the conflict page"
        assert _saved_summary(live_app, case_id) == winner
        outcomes.append(winner)
    assert len(outcomes) == CONFLICT_ROUNDS


def _save_together(editors, path: str, version: str, typed: list[str]):
    """Both editors press Save at the same moment."""
    barrier = threading.Barrier(len(editors))

    def save(index):
        editor = editors[index]
        fields = {"csrf_token": editor.csrf_token, "version": version, "urgency": "urgent",
                  "summary": typed[index]}
        barrier.wait()
        return editor.request("POST", path, fields)

    with ThreadPoolExecutor(max_workers=len(editors)) as pool:
        return list(pool.map(save, range(len(editors))))


@pytest.fixture(scope="module")
def desk(servers, live_app):
    """An operator of the supervisors' unit, signed in on the first server process."""
    with live_app.app_context():
        operator = factories.make_user("operator")
        username, operator_id = operator.username, operator.id
        db.session.commit()
    return sign_in(servers[0].base_url, username, None), operator_id


def test_a_call_attached_while_its_case_is_saved_is_always_logged(desk, editors, live_app):
    desk, operator_id = desk
    supervisor = editors[1]
    for round_number in range(CONFLICT_ROUNDS):
        case_id = _new_case(live_app, operator_id)
        desk.get("/calls/desk")
        draft = urlsplit(desk.post("/calls/start", {"line": "111", "channel": "phone"}).location)
        desk.get(draft.path)
        edit_path = f"/cases/{case_id}/edit"
        version = VERSION.search(supervisor.get(edit_path).body.decode()).group(1)
        call_fields = {**call_form(f"R{round_number}"), "urgency": "urgent",
                       "link_case_id": str(case_id), "csrf_token": desk.csrf_token}
        edit_fields = {"csrf_token": supervisor.csrf_token, "version": version,
                       "urgency": "routine", "summary": f"Vòng {round_number}"}
        logged, edited = _at_once([(desk, draft.path + "/log", call_fields),
                                   (supervisor, edit_path, edit_fields)])
        assert logged.status == 302 and "/drafts/" not in logged.location, (
            f"round {round_number}: the call was not logged ({logged.status})")
        assert edited.status in (200, 302), f"round {round_number}: the edit answered " \
                                            f"{edited.status}"
        assert _calls_of(live_app, case_id) == 2, "the new call joined the case"


def _calls_of(live_app, case_id) -> int:
    from casework.cases.models import CaseCall

    with live_app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(CaseCall).where(
            CaseCall.case_id == case_id))
        db.session.rollback()
        return count


def _at_once(requests):
    """Send (browser, path, fields) requests at the same instant; their answers."""
    barrier = threading.Barrier(len(requests))

    def send(request):
        browser, path, fields = request
        barrier.wait()
        return browser.request("POST", path, fields)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def test_two_tabs_saving_one_draft_at_once_never_overwrite_each_other(desk, servers, live_app):
    desk, _operator_id = desk
    other_tab = Browser(servers[1].base_url)  # the same session, on the other process
    for round_number in range(CONFLICT_ROUNDS):
        desk.get("/calls/desk")
        draft = urlsplit(desk.post("/calls/start", {"line": "111", "channel": "phone"}).location)
        desk.get(draft.path)
        other_tab.cookies = dict(desk.cookies)
        typed = [f"Tab {who} round {round_number}" for who in ("a", "b")]
        saves = [(tab, draft.path + "/autosave",
                  {"csrf_token": desk.csrf_token, "fetch": "1", "save_seq": "1",
                   "base_version": "0", "writer": who * 24, "narrative": text})
                 for tab, who, text in zip((desk, other_tab), "ab", typed)]
        answers = _at_once(saves)
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [200, 409], f"round {round_number}: {statuses}"
        winner = [typed[i] for i, answer in enumerate(answers) if answer.status == 200][0]
        assert _draft_narrative(live_app, draft.path) == [winner]


def _draft_narrative(live_app, path: str) -> list[str]:
    import uuid

    from casework.intake.models import CallDraft
    from casework.intake.service import draft_contents

    with live_app.app_context():
        draft = db.session.get(CallDraft, uuid.UUID(path.rsplit("/", 1)[-1]))
        narrative = draft_contents(draft).get("narrative")
        db.session.rollback()
        return narrative
