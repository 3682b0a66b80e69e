"""Repeat callers: earlier calls and open cases with the same phone number in any format,
or about a survivor of the same name with or without diacritics.

Found through the blind indexes of the caller's and the survivor's phone numbers and of the
survivor's name; what is shown of an earlier call is coded (date, line, kind, danger),
never its text.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from casework.accounts.access import visible
from casework.crypto.blind_index import find_by_blind_index, name_search_key, phone_search_key
from casework.extensions import db
from casework.intake import case_links
from casework.intake.models import Call, Survivor

SHOWN_CALLS = 10
# The panel shows no classification: load them only if something asks (lazily, never
# empty), instead of the extra SELECT their `selectin` loading runs for every query.
_CALLS = sa.select(Call).options(lazyload(Call.classifications))


@dataclass
class RepeatCallers:
    calls: list[Call] = field(default_factory=list)
    cases: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.calls or self.cases)


def find_repeat_callers(phone: str | None, user, name: str | None = None) -> RepeatCallers:
    """Earlier calls and open cases the user may see, for a phone number or a survivor's name."""
    survivor_ids: set[uuid.UUID] = set()
    caller_call_ids: set[uuid.UUID] = set()
    if phone_search_key(phone) is not None:
        survivor_ids |= {s.id for s in find_by_blind_index(Survivor, "phone", phone)}
        # Every call from this number, visible or not, leads to its survivor's open cases;
        # the cases service then keeps only those the user may see.
        by_caller = find_by_blind_index(_CALLS, "caller_phone", phone)
        caller_call_ids = {call.id for call in by_caller}
        survivor_ids |= {call.survivor_id for call in by_caller if call.survivor_id}
    if name_search_key(name) is not None:
        survivor_ids |= {s.id for s in find_by_blind_index(Survivor, "name", name)}
    calls = _visible_calls(caller_call_ids, survivor_ids, user)
    return RepeatCallers(calls, case_links.open_cases_for(survivor_ids, user))


def _visible_calls(call_ids: set[uuid.UUID], survivor_ids: set[uuid.UUID], user) -> list[Call]:
    if not call_ids and not survivor_ids:
        return []
    matches = sa.or_(Call.id.in_(call_ids), Call.survivor_id.in_(survivor_ids))
    return list(db.session.scalars(
        _CALLS.where(matches, visible(Call, user))
        .order_by(Call.started_at.desc()).limit(SHOWN_CALLS)
    ))
