"""Cases seeded from seeded calls: in bulk after each batch of `casework seed --calls N`, and
a demo set in every status for `casework demo`. Synthetic data only, never real people.

Bulk: about one report of harm in twenty becomes a case (half the reports of immediate
danger, few routine ones), which with the synthetic call mix gives roughly the 0.2–0.4 %
of calls that become cases on a national line (DOMAIN.md). Rows are inserted with Core
INSERTs in the batch's transaction, and their audit events are chained in one INSERT.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app

from casework.accounts import service as accounts
from casework.accounts.models import Unit, User
from casework.accounts.roles import Role
from casework.audit.service import record_many
from casework.cases import schedule
from casework.cases.models import (
    Assessment,
    Case,
    CaseCall,
    CaseEvent,
    CaseNote,
    ClosureRequest,
    FollowUpTask,
    Plan,
)
from casework.cases.numbering import reserve_case_codes
from casework.cases.synthetic import CaseBuilder, CaseRows, CaseSource, Staff, stage_for_age
from casework.db import utcnow
from casework.extensions import db
from casework.referrals.models import Referral, ServiceDelivery, ServiceProvider
from casework.taxonomy import SURVIVOR_CALL_TYPES

CASE_CHANCE = {"immediate": 0.5, "urgent": 0.12, "routine": 0.01}
TABLES = [model.__table__ for model in (Case, CaseCall, CaseEvent, Assessment, Plan,
                                        ClosureRequest, CaseNote, FollowUpTask, Referral,
                                        ServiceDelivery)]
# The service directory a seeded instance starts with (synthetic contacts).
DIRECTORY = (
    ("Bệnh viện Đa khoa Trung tâm An Giang", "health", "0296 3000 101"),
    ("Trạm Y tế xã Mỹ Hòa Hưng", "health", "0296 3000 102"),
    ("Trung tâm Pháp y tỉnh An Giang", "forensic", "0296 3000 103"),
    ("Công an tỉnh An Giang – Phòng Cảnh sát hình sự", "police", "0296 3000 104"),
    ("Trung tâm Trợ giúp pháp lý nhà nước tỉnh An Giang", "legal_aid", "0296 3000 105"),
    ("Nhà tạm lánh – Hội LHPN tỉnh An Giang", "shelter", "0296 3000 106"),
    ("Phòng tham vấn tâm lý – Trung tâm CTXH tỉnh", "psychosocial", "0296 3000 107"),
    ("Trung tâm Công tác xã hội tỉnh An Giang", "social_work_centre", "0296 3000 108"),
    ("Hội Liên hiệp Phụ nữ tỉnh An Giang", "womens_union", "0296 3000 109"),
    ("Tòa án nhân dân tỉnh An Giang", "court_procuracy", "0296 3000 110"),
    ("Ủy ban nhân dân phường Long Xuyên", "commune_committee", "0296 3000 111"),
)
SEED_WORKERS_PER_UNIT = 3


class Deadlines:
    """The instance's legal clocks, for rows built outside the service functions."""

    emergency = staticmethod(schedule.emergency_deadline_for)
    plan = staticmethod(schedule.plan_deadline_for)
    end_of_day = staticmethod(schedule.end_of_local_day)


def ensure_directory() -> list[ServiceProvider]:
    """The service directory; the synthetic one is added if it is empty."""
    providers = list(db.session.scalars(sa.select(ServiceProvider)))
    if not providers:
        providers = [ServiceProvider(name=name, service_type=kind, contact=contact)
                     for name, kind, contact in DIRECTORY]
        db.session.add_all(providers)
        db.session.flush()
    return providers


def seed_staff(unit_ids) -> Staff:
    """Social workers and a supervisor for each unit that took calls, made if missing."""
    unit_ids, workers, supervisors = set(unit_ids), defaultdict(list), {}
    for user in db.session.scalars(sa.select(User).where(User.is_active_account)):
        if user.role == Role.SOCIAL_WORKER:
            workers[user.unit_id].append(user.id)
        elif user.role == Role.SUPERVISOR:
            supervisors.setdefault(user.unit_id, user.id)
    for unit_id in unit_ids - set(workers):
        workers[unit_id] = [_seed_user(Role.SOCIAL_WORKER, unit_id, n).id
                            for n in range(1, SEED_WORKERS_PER_UNIT + 1)]
    for unit_id in unit_ids - set(supervisors):
        supervisors[unit_id] = _seed_user(Role.SUPERVISOR, unit_id, 1).id
    by_type = defaultdict(list)
    for provider in ensure_directory():
        if provider.is_active:
            by_type[provider.service_type].append(provider.id)
    return Staff(workers=dict(workers), supervisors=supervisors, providers=dict(by_type))


def _seed_user(role: Role, unit_id, number: int) -> User:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    name = f"seed-{role.value}-{str(unit_id)[:8]}-{number}"
    return accounts.create_user(username=name, display_name=name, role=role, unit=unit,
                                password=secrets.token_urlsafe(24))


def insert_cases(sources: list[tuple[CaseSource, str]], rng: random.Random) -> int:
    """Build and insert cases for (source, stage) pairs; returns how many."""
    if not sources:
        return 0
    settings = current_app.extensions["casework.settings"]
    builder = CaseBuilder(current_app.extensions["casework.keyring"], rng,
                          seed_staff(source.unit_id for source, _stage in sources), utcnow(),
                          Deadlines)
    built = [builder.build(source, code, stage)
             for (source, stage), code in zip(sources, _codes(settings, sources))]
    _insert(built)
    return len(built)


def _codes(settings, sources) -> list[str]:
    zone, by_year = schedule.local_zone(), defaultdict(list)
    for index, (source, _stage) in enumerate(sources):
        by_year[source.started_at.astimezone(zone).year].append(index)
    codes = [""] * len(sources)
    for year, indexes in sorted(by_year.items()):
        for index, code in zip(indexes, reserve_case_codes(settings.case_code_prefix, year,
                                                           len(indexes))):
            codes[index] = code
    return codes


def _insert(built: list[CaseRows]) -> None:
    for table in TABLES:
        rows = [row for case in built for row in case.rows.get(table.name, [])]
        if rows:
            db.session.execute(sa.insert(table), rows)
    record_many([event for case in built for event in case.audit])


def cases_for_batch(batch) -> None:
    """`casework seed` hook: open cases for some of a batch's reports of harm."""
    rng = random.Random(batch.calls[0].call["id"].int if batch.calls else 0)
    now, chosen = utcnow(), []
    for item in batch.calls:
        call, survivor = item.call, item.survivor
        if call["call_type"] not in SURVIVOR_CALL_TYPES or survivor is None:
            continue
        if rng.random() < CASE_CHANCE.get(call.get("urgency") or "routine", 0.01):
            age_days = (now - call["started_at"]).total_seconds() / 86_400
            chosen.append((_source(call, survivor), stage_for_age(rng, age_days)))
    insert_cases(chosen, rng)


def _source(call: dict, survivor: dict | None) -> CaseSource:
    return CaseSource(
        call_id=call["id"], started_at=call["started_at"], operator_id=call["operator_id"],
        unit_id=call["unit_id"], urgency=call.get("urgency") or "routine", line=call["line"],
        survivor_id=survivor["id"] if survivor else call.get("survivor_id"),
        survivor_age=survivor["age"] if survivor else None,
        survivor_is_child=survivor["is_child_vn"] if survivor else None)


def register_seed_hook() -> None:
    """Let `casework seed --calls N` open cases from the calls it makes."""
    from casework.intake.seeding import AFTER_BATCH

    if cases_for_batch not in AFTER_BATCH:
        AFTER_BATCH.append(cases_for_batch)

