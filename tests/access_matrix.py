"""Who may reach each endpoint: the expected audience of every route, one block per domain.

`tests/test_access_matrix.py` compares this table with what each view declares
(`@allow(...)`, `@allow_signed_in`, `@public`) and requests every parameterless GET page as
every role. A new endpoint without an entry here fails the suite: add it to your domain's
block, as `PUBLIC`, `SIGNED_IN` or `roles("operator", ...)`.
"""

from __future__ import annotations

from casework.accounts.roles import Role

PUBLIC = "public"
SIGNED_IN = "signed_in"
ROLE_CODES = frozenset(role.value for role in Role)


def roles(*codes: str) -> frozenset[str]:
    """The audience made of exactly these role codes."""
    unknown = set(codes) - ROLE_CODES
    if unknown:
        raise ValueError(f"unknown role codes {sorted(unknown)}; known: {sorted(ROLE_CODES)}")
    return frozenset(codes)


EXPECTED: dict[str, str | frozenset[str]] = {}

# --- web: pages every user shares (foundation, issue 2) ---
EXPECTED |= {
    "web.index": SIGNED_IN,
    "web.home": SIGNED_IN,
    "web.set_language": PUBLIC,
    "web.healthz": PUBLIC,
    "web.favicon": PUBLIC,
    "web.manifest": PUBLIC,
}

# --- accounts: sign-in and one's own account (foundation, issue 2) ---
EXPECTED |= {
    "accounts.login": PUBLIC,
    "accounts.login_totp": PUBLIC,
    "accounts.logout": SIGNED_IN,
    "accounts.profile": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.totp_enrol": SIGNED_IN,
}

# --- admin: user management (foundation, issue 2) ---
EXPECTED |= {
    "admin.users": roles("admin"),
    "admin.create_user": roles("admin"),
    "admin.edit_user": roles("admin"),
    "admin.toggle_active": roles("admin"),
    "admin.reset_password": roles("admin"),
    "admin.reset_totp": roles("admin"),
    "admin.unlock_sign_in": roles("admin"),
}

# --- intake: calls (issue 4) ---
EXPECTED |= {
    "intake.desk": roles("operator"),
    "intake.start_call": roles("operator"),
    "intake.draft": roles("operator"),
    "intake.autosave": roles("operator"),
    "intake.close_call": roles("operator"),
    "intake.log_call": roles("operator"),
    "intake.discard_draft": roles("operator"),
    "intake.repeat_callers": roles("operator"),
    "intake.calls": roles("operator", "supervisor"),
    "intake.call_detail": roles("operator", "supervisor"),
    "intake.open_case": roles("operator", "supervisor"),
    "intake.attach_case": roles("operator", "supervisor"),
}

# --- cases and referrals (issue 5) ---
# Record rules on top (tests/cases/test_access.py): a social worker reaches only assigned
# cases, a supervisor the unit's, an operator the intake part of cases they opened until a
# social worker is assigned; any other case id answers 404.
_CASE_WORKERS = roles("social_worker", "supervisor")
EXPECTED |= {
    "cases.caseload": roles("social_worker"),
    "cases.overview": roles("supervisor"),
    "cases.opened": roles("operator"),
    "cases.detail": roles("operator", "social_worker", "supervisor"),
    "cases.edit": _CASE_WORKERS,
    "cases.add_note": _CASE_WORKERS,
    "cases.add_task": _CASE_WORKERS,
    "cases.complete_task": _CASE_WORKERS,
    "case_workflow.assign": roles("supervisor"),
    "case_workflow.initial_assessment": _CASE_WORKERS,
    "case_workflow.detailed_assessment": _CASE_WORKERS,
    "case_workflow.plan": _CASE_WORKERS,
    "case_workflow.decide_plan": roles("supervisor"),
    "case_workflow.start_review": _CASE_WORKERS,
    "case_workflow.replan": _CASE_WORKERS,
    "case_workflow.request_closure": _CASE_WORKERS,
    "case_workflow.decide_closure": roles("supervisor"),
    "case_workflow.reopen": roles("supervisor"),
    "case_workflow.emergency_action": _CASE_WORKERS,
    "referrals.new_referral": _CASE_WORKERS,
    "referrals.referral": _CASE_WORKERS,
    "referrals.consent": _CASE_WORKERS,
    "referrals.send": _CASE_WORKERS,
    "referrals.override": roles("supervisor"),
    "referrals.respond": _CASE_WORKERS,
    "referrals.complete": _CASE_WORKERS,
    "referrals.record_service": _CASE_WORKERS,
    "directory.providers": roles("admin", "social_worker", "supervisor", "operator"),
    "directory.new_provider": roles("admin"),
    "directory.edit_provider": roles("admin"),
}

# --- reports: board statistics (issue 6) ---
# Aggregates only, and only for the board: supervisors and admins have their own views of
# the records they may see, and none of them needs the province-wide statistics.
EXPECTED |= {
    "reports.board": roles("board"),
    "reports.export": roles("board"),
}
