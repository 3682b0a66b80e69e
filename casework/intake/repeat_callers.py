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

from casework.accounts.access import visible
from casework.crypto.blind_index import find_ids_by_blind_index, name_search_key, phone_search_key
from casework.extensions import db
from casework.intake import case_links
from casework.intake.models import Call
from casework.people.models import Survivor

SHOWN_CALLS = 10
# What the panel shows of an earlier call, as plain rows: no text of it is ever loaded.
_SHOWN_CALLS = sa.select(Call.id, Call.started_at, Call.line, Call.call_type, Call.urgency)


@dataclass
class RepeatCallers:
    calls: list[sa.Row] = field(default_factory=list)  # id, started_at, line, call_type, urgency
    cases: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.calls or self.cases)


def find_repeat_callers(phone: str | None, user, name: str | None = None) -> RepeatCallers:
    """Earlier calls and open cases the user may see, for a phone number or a survivor's name.

    Blind-index candidates are read as plain rows, and only their phone number or name is
    decrypted and compared, never the addresses and narratives beside it.
    """
    survivor_ids: set[uuid.UUID] = set()
    caller_call_ids: set[uuid.UUID] = set()
    if phone_search_key(phone) is not None:
        survivor_ids |= {row[0] for row in find_ids_by_blind_index(Survivor, "phone", phone)}
        # Every call from this number, visible or not, leads to its survivor's open cases;
        # the cases service then keeps only those the user may see.
        by_caller = find_ids_by_blind_index(Call, "caller_phone", phone, Call.survivor_id)
        caller_call_ids = {call_id for call_id, _survivor in by_caller}
        survivor_ids |= {survivor for _call, survivor in by_caller if survivor}
    if name_search_key(name) is not None:
        survivor_ids |= {row[0] for row in find_ids_by_blind_index(Survivor, "name", name)}
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
