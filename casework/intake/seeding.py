"""Insert synthetic calls in bulk: batches of Core inserts, committed one batch at a time.

Ciphertexts and blind indexes are computed before the insert (casework.intake.synthetic),
so a batch is four multi-row INSERTs. Other domains seed what follows from the calls
(cases, referrals, services) by adding a hook to `AFTER_BATCH`; each hook runs in the
batch's transaction, after its rows are inserted.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from faker import Faker
from flask import current_app

from casework import taxonomy
from casework.accounts import service as accounts
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.db import utcnow
from casework.extensions import db
from casework.intake.models import Call, CallClassification
from casework.people.models import Survivor, SurvivorVulnerability
from casework.intake.synthetic import SeedContext, SyntheticCall, call_times, synthetic_call

DEFAULT_BATCH = 5000
SEED_OPERATORS = 5


@dataclass
class SeededBatch:
    """The ids of one inserted batch, for hooks that seed what follows from calls."""

    calls: list[SyntheticCall]

    @property
    def data_call_ids(self) -> list[uuid.UUID]:
        return [item.call["id"] for item in self.calls if item.call["is_data_call"]]

    @property
    def report_calls(self) -> list[dict]:
        """Rows of the calls reporting harm to a survivor: the ones that can become cases."""
        return [item.call for item in self.calls
                if item.call["call_type"] in taxonomy.SURVIVOR_CALL_TYPES]


@dataclass
class SeedResult:
    calls: int = 0
    survivors: int = 0
    data_call_ids: list[uuid.UUID] = field(default_factory=list)


AFTER_BATCH: list[Callable[[SeededBatch], None]] = []
_CALL_COLUMNS = {column.key: None for column in Call.__table__.columns}


def seed_operators() -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    """The active operators who will have taken the calls; a few are created if none exist."""
    rows = db.session.execute(sa.select(User.id, User.unit_id).where(
        User.role == Role.OPERATOR, User.is_active_account)).all()
    if rows:
        return [tuple(row) for row in rows]
    unit = accounts.get_or_create_unit("SEED", "Synthetic data unit")
    users = [accounts.create_user(username=f"seed-operator-{n}", display_name=f"Seed {n}",
                                  role=Role.OPERATOR, unit=unit,
                                  password=secrets.token_urlsafe(24))
             for n in range(1, SEED_OPERATORS + 1)]
    db.session.commit()
    return [(user.id, user.unit_id) for user in users]


def seed_context(seed: int | None = None) -> SeedContext:
    settings = current_app.extensions["casework.settings"]
    return SeedContext(
        keyring=current_app.extensions["casework.keyring"],
        index_bits=settings.blind_index_bits, operators=seed_operators(),
        communes=taxonomy.configured_communes().codes, province_code=settings.province_code,
        deadline_hours=settings.urgent_child_deadline_hours,
        rng=random.Random(seed), faker=Faker("vi_VN"),
    )


def insert_batch(batch: list[SyntheticCall]) -> None:
    """Insert one batch's rows, parents first."""
    survivors = [item.survivor for item in batch if item.survivor]
    flags = [row for item in batch for row in item.vulnerabilities]
    codes = [row for item in batch for row in item.classifications]
    for table, rows in ((Survivor.__table__, survivors), (SurvivorVulnerability.__table__, flags),
                        (Call.__table__, [{**_CALL_COLUMNS, **item.call} for item in batch]),
                        (CallClassification.__table__, codes)):
        if rows:
            db.session.execute(sa.insert(table), rows)


def seed_calls(count: int, *, batch_size: int = DEFAULT_BATCH, days: int = 365,
               until: datetime | None = None, seed: int | None = None,
               progress: Callable[[int], None] | None = None) -> SeedResult:
    """Insert `count` synthetic calls spread over the last `days` days; returns what was made."""
    ctx, result = seed_context(seed), SeedResult()
    until = until or utcnow()
    for offset in range(0, count, batch_size):
        size = min(batch_size, count - offset)
        times = call_times(ctx.rng, until - timedelta(days=days), until, size)
        batch = [synthetic_call(ctx, started_at) for started_at in times]
        insert_batch(batch)
        seeded = SeededBatch(batch)
        for hook in AFTER_BATCH:
            hook(seeded)
        db.session.commit()
        result.calls += size
        result.survivors += sum(1 for item in batch if item.survivor)
        result.data_call_ids += seeded.data_call_ids
        if progress:
            progress(size)
    return result


DEMO_CALLS = 400


def seed_demo_calls(progress: Callable[[str], None]) -> None:
    """Demo seeder: a few hundred calls of the last three months, the same on every run."""
    result = seed_calls(DEMO_CALLS, days=90, seed=2026)
    progress(f"{result.calls} calls ({len(result.data_call_ids)} data calls, "
             f"{result.survivors} survivors)")
