"""The service directory, referrals with consent, and services delivered.

No referral leaves without consent (Personal Data Protection Law 2025): an adult survivor's;
for a child under 7 the legal representative's; for a child of 7 or over both the child's
and the representative's. Only a supervisor may send one without, as an emergency override
with a reason, which is audited. Each function audits in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from casework import audit
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.changes import CaseError, NotAllowedError, record_event
from casework.cases.models import Case
from casework.cases.schedule import local_today
from casework.db import utcnow
from casework.extensions import db
from casework.people.models import Survivor
from casework.referrals.codes import REFERRAL_SERVICE_TYPES, SERVICE_TYPE
from casework.referrals.models import Referral, ServiceDelivery, ServiceProvider
from casework.taxonomy import age_on

WORKERS = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR})
REPRESENTATIVE_ONLY_UNDER = 7


class ReferralConflictError(CaseError):
    """Someone changed the referral after the user opened the form."""

    def __init__(self, referral: Referral):
        super().__init__(_l("Someone else changed this referral while you were editing it."))
        self.referral = referral


@dataclass(frozen=True)
class ReferralStep:
    sources: frozenset[str]
    target: str | None
    roles: frozenset[Role] = WORKERS


REFERRAL_STEPS = {
    "record_consent": ReferralStep(frozenset({"proposed"}), None),
    "send": ReferralStep(frozenset({"proposed"}), "sent"),
    "override": ReferralStep(frozenset({"proposed", "consent_refused"}), "sent",
                             frozenset({Role.SUPERVISOR})),
    "accept": ReferralStep(frozenset({"sent"}), "accepted"),
    "decline": ReferralStep(frozenset({"sent"}), "declined"),
    "complete": ReferralStep(frozenset({"accepted"}), "completed"),
}


def create_provider(*, name: str, service_type: str, commune_code: str | None, contact: str,
                    by: User) -> ServiceProvider:
    """Add an agency to the directory."""
    provider = ServiceProvider()
    _fill_provider(provider, name, service_type, commune_code, contact)
    db.session.add(provider)
    audit.record("provider_create", "service_provider", provider.id, actor_id=by.id)
    return provider


def update_provider(provider: ServiceProvider, *, name: str, service_type: str,
                    commune_code: str | None, contact: str, is_active: bool, by: User) -> None:
    """Change an agency's details, or take it out of (or back into) use."""
    _fill_provider(provider, name, service_type, commune_code, contact)
    provider.is_active, provider.updated_at = is_active, utcnow()
    audit.record("provider_update", "service_provider", provider.id, actor_id=by.id)


def _fill_provider(provider, name, service_type, commune_code, contact) -> None:
    if service_type not in REFERRAL_SERVICE_TYPES:
        raise CaseError(_l("Choose a service type from the list."), field="service_type")
    if not name.strip():
        raise CaseError(_l("Give the agency's name."), field="name")
    provider.name, provider.service_type = name.strip(), service_type
    provider.commune_code, provider.contact = commune_code or None, contact.strip()


def consent_rule_for(case: Case) -> str:
    """Whose consent a referral of this case needs: adult, child_under_7 or child_7_plus."""
    return consent_rule(case.is_child, survivor_age(case))


def consent_rule(is_child: bool, age: int | None) -> str:
    """A child of unknown age is taken to be 7 or over: both must then agree."""
    if not is_child:
        return "adult"
    return "child_under_7" if age is not None and age < REPRESENTATIVE_ONLY_UNDER \
        else "child_7_plus"


def survivor_age(case: Case) -> int | None:
    """The survivor's age today: from the birth date when known, else as recorded."""
    survivor = db.session.get(Survivor, case.survivor_id) if case.survivor_id else None
    if survivor is None:
        return None
    if survivor.birth_date:
        return age_on(survivor.birth_date, local_today())
    return survivor.age


def propose_referral(case: Case, provider: ServiceProvider, *, reason: str,
                     by: User) -> Referral:
    """Propose a referral; nothing is sent until consent is recorded (or overridden)."""
    _require_worker(by)
    if not case.is_open:
        raise CaseError(_l("A closed case cannot be referred."))
    if not provider.is_active:
        raise CaseError(_l("Choose an agency from the directory."), field="provider_id")
    referral = Referral(case_id=case.id, provider_id=provider.id,
                        service_type=provider.service_type, status="proposed",
                        consent_rule=consent_rule_for(case), created_by_id=by.id,
                        created_at=utcnow(), version=1)
    referral.reason = reason.strip() or None
    db.session.add(referral)
    _log(case, referral, "propose", by, new=True)
    return referral


def record_consent(case: Case, referral: Referral, *, survivor_consent: bool | None,
                   representative_consent: bool | None, by: User,
                   seen_version: int | None = None) -> None:
    """Record each required party's answer: all yes makes it ready to send, any no ends it."""
    _begin(referral, "record_consent", by, seen_version)
    answers = _required_answers(referral.consent_rule, survivor_consent, representative_consent)
    if any(answer is None for answer in answers.values()):
        field = next(name for name, answer in answers.items() if answer is None)
        raise CaseError(_l("Record this person's answer."), field=field)
    referral.survivor_consent = survivor_consent
    referral.representative_consent = representative_consent
    referral.consent_recorded_at, referral.consent_recorded_by_id = utcnow(), by.id
    if all(answers.values()):
        referral.consent_given_at = referral.consent_recorded_at
    else:
        referral.status = "consent_refused"
    _log(case, referral, "consent_given" if all(answers.values()) else "consent_refused", by)


def _required_answers(rule: str, survivor: bool | None, representative: bool | None) -> dict:
    needed = {"adult": ("survivor_consent",), "child_under_7": ("representative_consent",),
              "child_7_plus": ("survivor_consent", "representative_consent")}[rule]
    given = {"survivor_consent": survivor, "representative_consent": representative}
    return {name: given[name] for name in needed}


def send_referral(case: Case, referral: Referral, *, by: User,
                  seen_version: int | None = None) -> None:
    """Send a referral whose required consents were all given."""
    _begin(referral, "send", by, seen_version)
    if referral.consent_given_at is None:
        raise CaseError(_l("The required consent has not been given."))
    _move(referral, "sent")
    _log(case, referral, "send", by)


def send_with_emergency_override(case: Case, referral: Referral, *, reason: str, by: User,
                                 seen_version: int | None = None) -> None:
    """Send without consent in an emergency: supervisors only, with a reason, audited."""
    _begin(referral, "override", by, seen_version)
    if not reason.strip():
        raise CaseError(_l("Give the reason for the emergency override."), field="reason")
    referral.override_reason = reason.strip()
    referral.override_by_id, referral.override_at = by.id, utcnow()
    _move(referral, "sent")
    _log(case, referral, "override", by)


def record_response(case: Case, referral: Referral, *, accepted: bool, by: User,
                    seen_version: int | None = None) -> None:
    """The provider accepted or declined the referral."""
    step = "accept" if accepted else "decline"
    _begin(referral, step, by, seen_version)
    referral.responded_at = utcnow()
    _move(referral, REFERRAL_STEPS[step].target)
    _log(case, referral, step, by)


def complete_referral(case: Case, referral: Referral, *, outcome: str, by: User,
                      seen_version: int | None = None) -> None:
    """The provider's service is done; the outcome is kept, encrypted."""
    _begin(referral, "complete", by, seen_version)
    referral.outcome = outcome.strip() or None
    referral.completed_at = utcnow()
    _move(referral, "completed")
    _log(case, referral, "complete", by)


def _require_worker(user: User) -> None:
    if user.role not in WORKERS:
        raise NotAllowedError(_l("Your role cannot take this step."))


def _begin(referral: Referral, step: str, by: User, seen_version: int | None) -> None:
    rule = REFERRAL_STEPS[step]
    if by.role not in rule.roles:
        raise NotAllowedError(_l("Your role cannot take this step."))
    if seen_version is not None and seen_version != referral.version:
        raise ReferralConflictError(referral)
    if referral.status not in rule.sources:
        raise CaseError(_l("This step is not possible for the referral in its current state."))


def _move(referral: Referral, status: str) -> None:
    referral.status = status
    if status == "sent":
        referral.sent_at = utcnow()


def _log(case: Case, referral: Referral, step: str, by: User, new: bool = False) -> None:
    if not new:
        referral.version += 1
    record_event(case, f"referral_{step}", by, subject_id=referral.id,
                 detail=referral.service_type)
    audit.record(f"referral_{step}", "referral", referral.id, actor_id=by.id)


def record_service(case: Case, *, service_type: str, delivered_on: date,
                   provider: ServiceProvider | None, referral: Referral | None, note: str,
                   by: User) -> ServiceDelivery:
    """Record a service the survivor received, or a protective measure applied."""
    _require_worker(by)
    if not case.is_open:
        raise CaseError(_l("A closed case takes no new services."))
    if service_type not in SERVICE_TYPE:
        raise CaseError(_l("Choose a service type from the list."), field="service_type")
    if delivered_on > local_today():
        raise CaseError(_l("The date cannot be in the future."), field="delivered_on")
    if referral is not None and referral.case_id != case.id:
        raise CaseError(_l("Choose a referral of this case."), field="referral_id")
    delivery = ServiceDelivery(case_id=case.id, service_type=service_type,
                               delivered_on=delivered_on, recorded_by_id=by.id,
                               provider_id=provider.id if provider else None,
                               referral_id=referral.id if referral else None)
    delivery.note = note.strip() or None
    db.session.add(delivery)
    record_event(case, "service_record", by, subject_id=delivery.id, detail=service_type)
    audit.record("service_record", "service_delivery", delivery.id, actor_id=by.id)
    return delivery
