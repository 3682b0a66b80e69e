"""A social worker's caseload page with 300 open cases, against the page's queries alone.

Set-up: a social worker of the seeded unit is assigned 300 open cases through the cases
service (`assign_case`), taking cases the seed opened and opening more from seeded data
calls (`open_case_from_call`) when there are not enough; every other case stays in the
database. The measured side is the whole request in this process through the Flask test
client, signed in through the real form: session, access rule, the queries, the template.
The baseline runs the same two queries the page runs (`queries.caseload` and
`queries.closed_recently`) and fetches their rows.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from bench.scenarios import Context, Unavailable
from bench.site import BENCH_PASSWORD
from bench.stats import Comparison, Target, interleave

TARGET = Target(2.0)
CASELOAD = 300
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


def _cases():
    try:
        from casework.cases import queries, service
        from casework.cases.models import Case, CaseCall
        from casework.intake.models import Call
    except ImportError as error:
        raise Unavailable(f"the caseload page is missing ({error})") from None
    return queries, service, Case, CaseCall, Call


def _staff(site):
    """A social worker and a supervisor of the unit that took most seeded calls."""
    from casework.accounts.models import User
    from casework.extensions import db

    *_rest, Call = _cases()
    worker = site.create_user("social_worker", "bench-social-worker")
    boss = site.create_user("supervisor", "bench-caseload-supervisor")
    with site.app.app_context():
        unit_id = db.session.scalar(sa.select(Call.unit_id).where(Call.unit_id.is_not(None))
                                    .group_by(Call.unit_id).order_by(sa.func.count().desc())
                                    .limit(1))
        ids = []
        for username in (worker, boss):
            user = db.session.scalar(sa.select(User).where(User.username == username))
            user.unit_id = unit_id or user.unit_id
            ids.append(user.id)
        db.session.commit()
    return ids


def _cases_to_assign(session, need: int, unit_id, Case, CaseCall, Call, service, boss):
    """Open cases of the unit not yet assigned, opening new ones from data calls if short."""
    from casework.cases.codes import OPEN_STATUSES

    found = list(session.scalars(sa.select(Case).where(
        Case.unit_id == unit_id, Case.assigned_to_id.is_(None),
        Case.status.in_(OPEN_STATUSES)).limit(need)))
    if len(found) < need:
        calls = session.scalars(
            sa.select(Call).where(Call.is_data_call, Call.unit_id == unit_id,
                                  ~sa.exists().where(CaseCall.call_id == Call.id))
            .limit(need - len(found))).all()
        found += [service.open_case_from_call(call, opened_by=boss) for call in calls]
    return found


def give_caseload(site, worker_id, boss_id) -> int:
    """Assign open cases to the worker until they hold CASELOAD; returns how many they hold."""
    from casework.accounts.models import User
    from casework.extensions import db

    queries, service, Case, CaseCall, Call = _cases()
    with site.app.test_request_context():
        worker, boss = db.session.get(User, worker_id), db.session.get(User, boss_id)
        need = CASELOAD - len(queries.caseload(worker))
        for case in _cases_to_assign(db.session, need, worker.unit_id, Case, CaseCall, Call,
                                     service, boss):
            service.assign_case(case, worker, by=boss)
        db.session.commit()
        return len(queries.caseload(worker))


def signed_in_client(app, username: str):
    client = app.test_client()
    token = CSRF.search(client.get("/login").data).group(1).decode()
    response = client.post("/login", data={"username": username, "password": BENCH_PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in")
    return client


def run(context: Context) -> list[Comparison]:
    queries, *_rest = _cases()
    from casework.accounts.models import User
    from casework.extensions import db

    site, app = context.site, context.site.app
    worker_id, boss_id = _staff(site)
    held = give_caseload(site, worker_id, boss_id)
    if held < CASELOAD:
        raise Unavailable(f"only {held} open cases could be assigned (too few data calls)")
    with app.app_context():
        username = db.session.get(User, worker_id).username
    client = signed_in_client(app, username)

    def page():
        response = client.get("/cases/mine")
        if response.status_code != 200:
            raise RuntimeError(f"the caseload page answered {response.status_code}")

    def query_alone():
        with app.app_context():
            worker = db.session.get(User, worker_id)
            queries.caseload(worker)
            queries.closed_recently(worker)

    measured, base = interleave(page, query_alone, rounds=context.options.rounds,
                                per_round=10, subject_label="caseload page",
                                baseline_label="the page's queries")
    return [Comparison(f"Caseload page, {held} open cases", site.database, site.calls,
                       measured, base, TARGET, note="in process, signed in")]
