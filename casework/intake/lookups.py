"""Who looked up how many phone numbers and names: enumeration shows without the terms.

Every repeat-caller lookup leaves one audit entry per term with the term's keyed hash
(`casework.crypto.search_hash`), so counting distinct hashes per user shows someone testing
many numbers, and one hash counted across users shows a number many people looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from casework.accounts.models import User
from casework.audit.models import AuditEntry
from casework.extensions import db

SEARCH = "repeat_caller_search"


@dataclass(frozen=True)
class LookupActivity:
    username: str
    lookups: int
    distinct_terms: int
    refused: int


def lookup_activity(since: datetime) -> list[LookupActivity]:
    """Per user since a time: terms looked up, distinct terms, refusals; most distinct first."""
    refused = sa.func.sum(sa.case((AuditEntry.outcome == "refused", 1), else_=0))
    rows = db.session.execute(
        sa.select(User.username, sa.func.count(), sa.func.count(AuditEntry.term_hash.distinct()),
                  refused)
        .join(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.action == SEARCH, AuditEntry.at >= since)
        .group_by(User.username)
        .order_by(sa.func.count(AuditEntry.term_hash.distinct()).desc(), User.username)
    ).all()
    return [LookupActivity(name, total, distinct, int(refusals or 0))
            for name, total, distinct, refusals in rows]
