"""Seed a year of synthetic calls, cases, referrals and services for the report tests.

Calls and survivors come from the intake seeder (synthetic names, phones and narratives,
encrypted); cases and what follows are inserted here with every status, closure reason,
deadline outcome and referral state, so each table has something to count.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from casework.cases.codes import CLOSURE_REASON
from casework.cases.models import Case, CaseCall
from casework.extensions import db
from casework.intake.models import Call
from casework.intake.seeding import seed_calls
from casework.referrals.codes import REFERRAL_STATUS, SERVICE_TYPE
from casework.referrals.models import Referral, ServiceDelivery, ServiceProvider
from casework.taxonomy import SURVIVOR_CALL_TYPES
from tests import factories


def seed_year(year: int, calls: int = 600, seed: int = 7) -> None:
    """Calls spread over the year (and a little around it), then cases from many of them."""
    seed_calls(calls, until=datetime(year + 1, 1, 3, tzinfo=UTC), days=370, seed=seed)
    seed_cases(random.Random(seed))
    db.session.flush()


def seed_cases(rng: random.Random) -> None:
    worker = factories.make_user("social_worker")
    providers = {code: _provider(code) for code in SERVICE_TYPE.codes}
    reports = db.session.scalars(
        sa.select(Call).where(Call.call_type.in_(sorted(SURVIVOR_CALL_TYPES)),
                              Call.survivor_id.is_not(None),
                              ~Call.id.in_(sa.select(CaseCall.call_id)))
        .order_by(Call.started_at, Call.id)
    ).all()
    for number, call in enumerate(reports):
        if rng.random() < 0.7:
            case = _case(rng, call, worker, number)
            _referrals(rng, case, providers, worker)
            _services(rng, case, worker)


def _provider(service_type: str) -> ServiceProvider:
    provider = ServiceProvider(name=f"Provider {service_type}", service_type=service_type)
    db.session.add(provider)
    return provider


def _case(rng: random.Random, call: Call, worker, number: int) -> Case:
    received = call.started_at
    is_child = bool(call.survivor and call.survivor.is_child_vn)
    urgency = rng.choice(["immediate", "urgent", "routine"])
    case = Case(code=f"TEST-{number:06d}", survivor_id=call.survivor_id, opened_by_id=worker.id,
                assigned_to_id=worker.id, status="in_support", urgency=urgency,
                is_child=is_child, opened_at=received + timedelta(minutes=rng.randint(1, 90)),
                received_at=received, plan_due_at=received + timedelta(days=7))
    if is_child and urgency != "routine":
        case.action_deadline_at = received + timedelta(hours=12)
        case.emergency_action_at = rng.choice(
            [None, received + timedelta(hours=rng.randint(1, 11)),
             received + timedelta(hours=rng.randint(13, 40))])
    case.plan_submitted_at = rng.choice(
        [None, received + timedelta(days=rng.randint(1, 6)), received + timedelta(days=9)])
    if rng.random() < 0.6:
        case.status = "closed"
        case.closed_at = received + timedelta(days=rng.randint(3, 120), hours=rng.randint(0, 23))
        case.closure_reason = rng.choice(CLOSURE_REASON.codes)
    db.session.add(case)
    db.session.flush()
    db.session.add(CaseCall(case_id=case.id, call_id=call.id, attached_by_id=worker.id,
                            attached_at=received))
    return case


def _referrals(rng: random.Random, case: Case, providers, worker) -> None:
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        service_type = rng.choice(SERVICE_TYPE.codes)
        status = rng.choice(REFERRAL_STATUS.codes)
        created = case.opened_at + timedelta(days=rng.randint(0, 20))
        consented = status not in ("proposed", "consent_refused")
        db.session.add(Referral(
            id=uuid.uuid4(), case_id=case.id, provider_id=providers[service_type].id,
            service_type=service_type, status=status, consent_rule="adult",
            created_at=created, created_by_id=worker.id,
            consent_given_at=created if consented else None))


def _services(rng: random.Random, case: Case, worker) -> None:
    for _ in range(rng.choice([0, 1, 1, 2])):
        on = (case.opened_at + timedelta(days=rng.randint(0, 30))).date()
        db.session.add(ServiceDelivery(case_id=case.id, service_type=rng.choice(SERVICE_TYPE.codes),
                                       delivered_on=min(on, date(2100, 1, 1)),
                                       recorded_by_id=worker.id))
