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
from sqlalchemy.orm import lazyload, load_only

from casework.accounts.access import visible
from casework.crypto.blind_index import find_by_blind_index, name_search_key, phone_search_key
from casework.extensions import db
from casework.intake import case_links
from casework.intake.models import Call, Survivor

SHOWN_CALLS = 10
# Blind-index candidates are only decrypted and compared: their phone number or name (and a
# call's survivor) is all that is read, not the addresses and narratives beside it. A
# call's classifications are not loaded at all (their `selectin` would add a SELECT).
_SURVIVOR_CANDIDATES = sa.select(Survivor).options(load_only(Survivor.phone, Survivor.name))
_CALLER_CANDIDATES = sa.select(Call).options(load_only(Call.caller_phone, Call.survivor_id),
                                             lazyload(Call.classifications))
# What the panel shows of an earlier call, as plain rows: no text of it is ever loaded.
_SHOWN_CALLS = sa.select(Call.id, Call.started_at, Call.line, Call.call_type, Call.urgency)


@dataclass
class RepeatCallers:
    calls: list[sa.Row] = field(default_factory=list)  # id, started_at, line, call_type, urgency
    cases: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.calls or self.cases)


def find_repeat_callers(phone: str | None, user, name: str | None = None) -> RepeatCallers:
    """Earlier calls and open cases the user may see, for a phone number or a survivor's name."""
    survivor_ids: set[uuid.UUID] = set()
    caller_call_ids: set[uuid.UUID] = set()
    if phone_search_key(phone) is not None:
        survivor_ids |= {s.id for s in find_by_blind_index(_SURVIVOR_CANDIDATES, "phone", phone)}
        # Every call from this number, visible or not, leads to its survivor's open cases;
        # the cases service then keeps only those the user may see.
        by_caller = find_by_blind_index(_CALLER_CANDIDATES, "caller_phone", phone)
        caller_call_ids = {call.id for call in by_caller}
        survivor_ids |= {call.survivor_id for call in by_caller if call.survivor_id}
    if name_search_key(name) is not None:
        survivor_ids |= {s.id for s in find_by_blind_index(_SURVIVOR_CANDIDATES, "name", name)}
    calls = _visible_calls(caller_call_ids, survivor_ids, user)
    return RepeatCallers(calls, case_links.open_cases_for(survivor_ids, user))


def _visible_calls(call_ids: set[uuid.UUID], survivor_ids: set[uuid.UUID], user
                   ) -> list[sa.Row]:
    matches = []  # an empty IN would still cost the planner a subquery
    if call_ids:
        matches.append(Call.id.in_(call_ids))
    if survivor_ids:
        matches.append(Call.survivor_id.in_(survivor_ids))
    if not matches:
        return []
    return db.session.execute(
        _SHOWN_CALLS.where(sa.or_(*matches), visible(Call, user))
        .order_by(Call.started_at.desc()).limit(SHOWN_CALLS)
    ).all()
