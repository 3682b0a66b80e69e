"""Who may reach which route: the one place that decides, enforced before every request.

Every view declares its audience with `@allow(...)` or `@public`; a view that declares
nothing is unreachable (404) and fails the route × role test. A role outside the audience
gets 404 too, so a URL never confirms that something exists. Record-level rules (which
call or case a user may open) live beside each domain's queries and are checked through
`visible(...)`; they are registered here so that there is still one place to read them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import abort, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework.accounts.roles import ALL_ROLES, Role
from casework.audit.labels import register_action_labels
from casework.extensions import db

ACCESS_DENIED = "access_denied"
register_action_labels({ACCESS_DENIED: _l("Access refused")})

PUBLIC = "public"
SIGNED_IN = "signed_in"
AUTHENTICATED = SIGNED_IN  # the earlier name, kept for callers that still use it

# Endpoints a signed-in user may reach while a pending step (2FA enrolment, password
# change) keeps them from everything else.
PENDING_STEP_ENDPOINTS = frozenset(
    {"accounts.logout", "accounts.totp_enrol", "accounts.change_password", "web.set_language"}
)

_record_rules: dict[type, Callable[[Any], Any]] = {}


def allow(*roles: Role) -> Callable:
    """Let the given roles reach this view."""

    def decorate(view: Callable) -> Callable:
        view.casework_audience = frozenset(roles)
        return view

    return decorate


def allow_signed_in(view: Callable) -> Callable:
    """Let any signed-in user reach this view (their own profile, language, sign-out)."""
    view.casework_audience = SIGNED_IN
    return view


def public(view: Callable) -> Callable:
    """Let anyone reach this view (the sign-in page, health check)."""
    view.casework_audience = PUBLIC
    return view


def audience_of(endpoint: str) -> Any:
    """The audience a view declared: PUBLIC, SIGNED_IN, a frozenset of roles, or None."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "casework_audience", None)


def enforce_route_policy():
    """`before_request` hook: deny by default, 404 for the wrong role, sign-in if anonymous."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    audience = audience_of(endpoint)
    if audience is None:
        abort(404)
    if audience == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=_return_path()))
    pending = pending_step_endpoint(current_user)
    if pending and endpoint not in PENDING_STEP_ENDPOINTS:
        return redirect(url_for(pending))
    if audience != SIGNED_IN and current_user.role not in audience:
        deny(endpoint)
    return None


def _return_path() -> str | None:
    """Where to go back to after signing in: a GET page other than the landing page."""
    from casework.i18n import current_path

    if request.method != "GET" or request.path == "/":
        return None
    return current_path()


def pending_step_endpoint(user) -> str | None:
    """A step the user must finish before anything else, if any."""
    from casework.accounts.service import needs_totp_enrolment

    if user.must_change_password:
        return "accounts.change_password"
    if needs_totp_enrolment(user):
        return "accounts.totp_enrol"
    return None


def register_record_rule(model: type) -> Callable:
    """Register `rule(user) -> SQL condition` as the visibility rule of a model."""

    def decorate(rule: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _record_rules[model] = rule
        return rule

    return decorate


def visible(model: type, user) -> Any:
    """The SQL condition selecting the rows of `model` that `user` may open."""
    try:
        rule = _record_rules[model]
    except KeyError:
        raise LookupError(f"no record rule registered for {model.__name__}") from None
    return rule(user)


def get_visible_or_404(model: type, record_id: Any, user):
    """Load one record the user may open, or answer 404 whether it exists or not."""
    try:
        record_uuid = record_id if isinstance(record_id, uuid.UUID) else uuid.UUID(str(record_id))
    except ValueError:
        deny(model.__tablename__)
    found = db.session.scalar(
        sa.select(model).where(model.id == record_uuid, visible(model, user))
    )
    if found is None:
        deny(model.__tablename__, record_uuid)
    return found


def deny(object_type: str, object_id: uuid.UUID | None = None) -> NoReturn:
    """Answer 404 to a signed-in user, and leave the refusal in the audit trail.

    The user learns nothing; a supervisor reading a case's trail sees who tried to open it,
    and repeated refusals show someone probing URLs. Only the route's name or the table and
    the well-formed id are kept, never what was typed in the URL.
    """
    from casework.audit import record
    from casework.db import deferred_writes

    db.session.rollback()  # whatever the request had begun to change is not kept
    # A transaction of its own that writes from the start, also in a page view: a page
    # view's deferred transaction could find its reads stale at this write, and a refusal
    # in a `before_request` hook is not in the part of a request that is run again.
    with deferred_writes(False):
        record(ACCESS_DENIED, object_type[:32], object_id, outcome="refused")
        db.session.commit()
    abort(404)


__all__ = [
    "ALL_ROLES", "AUTHENTICATED", "PUBLIC", "SIGNED_IN", "allow", "allow_signed_in", "audience_of",
    "deny", "enforce_route_policy", "get_visible_or_404", "public", "register_record_rule", "visible",
]
