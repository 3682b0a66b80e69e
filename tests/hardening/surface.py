"""The attack surface as each role sees it: pages, their forms, and records for URL arguments.

`pages_for(app, role)` lists every GET page the role may open according to
`tests/access_matrix.py`, with URL arguments filled by `RECORD_PROVIDERS`; a route whose
argument has no provider is reported by `test_every_url_argument_has_a_provider`, so a new
route cannot silently escape the attack tests.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, url_for

from casework.accounts.models import User
from casework.accounts.throttle import unlock as unlock_sign_in
from casework.extensions import db
from casework.web.security import CACHEABLE_ENDPOINTS
from tests import factories
from tests.access_matrix import EXPECTED, PUBLIC, SIGNED_IN
from tests.hardening.forms import Form, forms_in

ANONYMOUS = "anonymous"
# Forms that would end the attacker's own session; sign-out is attacked in test_sessions.
SKIPPED_ACTIONS = ("/logout",)


def _a_user(viewer: User):
    return factories.make_user("operator").id


def _operator_for(viewer: User) -> User:
    """The viewer if an operator, else an operator of the viewer's unit."""
    if viewer.role == "operator":
        return viewer
    return factories.make_user("operator", unit=viewer.unit)


def _a_call(viewer: User):
    return factories.make_call(_operator_for(viewer)).id


def _a_draft(viewer: User):
    from casework.intake import service

    operator = _operator_for(viewer)
    draft = service.start_call(operator, line="111")
    db.session.flush()
    return draft.id


_CASE_RECORDS: dict = {}


def _case_records(viewer: User) -> dict:
    """A case the viewer may open (assigned to a social worker viewer, unassigned for an
    operator who opened it), with a referral and a task, plus a directory entry: made once
    per viewer, so that a page's case and referral ids belong together."""
    if viewer.id in _CASE_RECORDS:
        return _CASE_RECORDS[viewer.id]
    from datetime import date, timedelta

    from casework.cases.service import add_task, assign_case, open_case_from_call
    from casework.intake.records import SurvivorDetails
    from casework.referrals.service import create_provider, propose_referral

    colleague = functools.partial(factories.make_user, unit=viewer.unit)  # the viewer's unit
    operator = viewer if viewer.role == "operator" else colleague("operator")
    supervisor = viewer if viewer.role == "supervisor" else colleague("supervisor")
    case = open_case_from_call(factories.make_call(operator, survivor=SurvivorDetails(age=12)),
                               opened_by=operator)
    if viewer.role != "operator":
        worker = viewer if viewer.role == "social_worker" else colleague("social_worker")
        assign_case(case, worker, by=supervisor)
    provider = create_provider(name="Trạm y tế xã", service_type="health", commune_code=None,
                               contact="", by=supervisor)
    referral = propose_referral(case, provider, reason="", by=supervisor)
    task = add_task(case, "Gọi lại", date.today() + timedelta(days=2), by=supervisor)
    db.session.flush()
    _CASE_RECORDS[viewer.id] = {"case_id": case.id, "referral_id": referral.id,
                                "task_id": task.id, "provider_id": provider.id}
    return _CASE_RECORDS[viewer.id]


# URL argument name -> a value the viewing user may open: a record created for the test,
# or a fixed value such as an export format.
RECORD_PROVIDERS: dict[str, Callable[[User], object]] = {
    "user_id": _a_user,
    "call_id": _a_call,
    "draft_id": _a_draft,
    "fmt": lambda viewer: "csv",
    "case_id": lambda viewer: _case_records(viewer)["case_id"],
    "referral_id": lambda viewer: _case_records(viewer)["referral_id"],
    "task_id": lambda viewer: _case_records(viewer)["task_id"],
    "provider_id": lambda viewer: _case_records(viewer)["provider_id"],
}


def audience_includes(endpoint: str, role: str) -> bool:
    audience = EXPECTED.get(endpoint)
    if audience is None:
        return False
    if audience == PUBLIC:
        return True
    if role == ANONYMOUS:
        return False
    return audience == SIGNED_IN or role in audience


def url_arguments(app: Flask) -> set[str]:
    return {arg for rule in app.url_map.iter_rules() for arg in rule.arguments}


def pages_for(app: Flask, role: str, viewer: User | None) -> list[str]:
    """Every GET page the role may open, URL arguments filled with records it may see."""
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in CACHEABLE_ENDPOINTS:
            continue  # static files, the icon and the manifest are not pages
        if not audience_includes(rule.endpoint, role):
            continue
        if rule.arguments and (viewer is None or not rule.arguments <= set(RECORD_PROVIDERS)):
            continue
        values = {name: RECORD_PROVIDERS[name](viewer) for name in rule.arguments}
        with app.test_request_context():
            pages.append(url_for(rule.endpoint, **values))
    return pages


def discover_forms(client, pages: list[str]) -> list[Form]:
    """Every distinct form on the given pages, except those in SKIPPED_ACTIONS."""
    found: dict[tuple, Form] = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in forms_in(response.get_data(as_text=True), f"http://localhost{page}"):
            if form.action.endswith(SKIPPED_ACTIONS):
                continue
            found.setdefault(form.signature, form)
    return list(found.values())


class Account:
    """A user of one role whose session the attacks may end; signs back in when needed."""

    def __init__(self, app: Flask, client, role: str):
        self.app, self.client, self.role = app, client, role
        self.user = factories.make_user(role) if role != ANONYMOUS else None
        self.secret = None
        if self.user is not None and role in app.extensions["casework.settings"].require_2fa_roles:
            self.secret = factories.enrol_totp(self.user)
        db.session.commit()

    def ensure_signed_in(self) -> None:
        if self.user is None or self._still_signed_in():
            return
        self._repair()
        response = self.client.post("/login", data={"username": self.user.username,
                                                    "password": factories.PASSWORD})
        if self.secret:
            db.session.refresh(self.user)
            code = factories.totp_code(self.secret, self.user.totp_last_step)
            response = self.client.post("/login/code", data={"code": code})
        assert response.status_code == 302 and "/login" not in response.headers["Location"], (
            f"could not sign the {self.role} back in")

    def _still_signed_in(self) -> bool:
        """A live session and nothing pending (cheaper than asking for a page)."""
        from casework.accounts.models import AuthSession
        from casework.accounts.service import needs_totp_enrolment

        user = db.session.get(User, self.user.id)
        db.session.refresh(user)
        live = db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession).where(
            AuthSession.user_id == user.id, AuthSession.ended_at.is_(None)))
        return (live > 0 and user.is_active_account and user.role == self.role
                and not user.must_change_password and not needs_totp_enrolment(user)
                and self.client.get_cookie("casework_session") is not None)

    def _repair(self) -> None:
        """Undo what an attack did to the account itself (reset 2FA, deactivation, lock)."""
        user = db.session.get(User, self.user.id)
        db.session.refresh(user)
        from casework.accounts import passwords

        user.is_active_account, user.must_change_password = True, False
        user.role = self.role
        user.password_hash = passwords.hash_password(factories.PASSWORD)
        if self.secret and not user.has_totp:
            self.secret = factories.enrol_totp(user)
        unlock_sign_in(user.username)
        db.session.commit()


def row_counts() -> dict[str, int]:
    """How many rows each table holds now (one round trip)."""
    tables = db.metadata.sorted_tables
    counts = sa.union_all(*(
        sa.select(sa.literal(table.name).label("name"), sa.func.count().label("n"))
        .select_from(table) for table in tables))
    return dict(db.session.execute(counts).all())
