"""Repeat callers: earlier calls and open cases with the same phone number in any format,
or about a survivor of the same name with or without diacritics.

Found through the blind indexes of the caller's and the survivor's phone numbers and of the
survivor's name. An earlier call is shown by coded facts (date, line, kind, danger), its
survivor by what an operator needs to judge whether it is the same person (initials, sex,
age band, commune), and by what matched: the caller's phone, the survivor's phone or name.
A caller's phone alone never makes two people one (one phone serves a whole family).

Open cases follow `case_links.open_cases_for`: a case the user cannot open is offered only
on a close match (see `close_matches`), and shown only by its code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from casework.accounts.access import visible
from casework.crypto import reveal
from casework.crypto.blind_index import find_ids_by_blind_index, name_search_key, phone_search_key
from casework.extensions import db
from casework.intake import case_links
from casework.intake.models import Call
from casework.people.models import Survivor

SHOWN_CALLS = 10
# What the panel shows of an earlier call, as plain rows: no text of it is ever loaded.
_SHOWN_CALLS = sa.select(Call.id, Call.started_at, Call.line, Call.call_type, Call.urgency,
                         Call.survivor_id)
# What a match rests on; only the last two say anything about who the survivor is.
CALLER_PHONE, SURVIVOR_PHONE, NAME = "caller_phone", "survivor_phone", "name"


@dataclass(frozen=True)
class EarlierCall:
    """An earlier call as the repeat-caller panel shows it."""

    id: uuid.UUID
    started_at: datetime
    line: str
    call_type: str
    urgency: str | None
    matched_by: tuple[str, ...]
    initials: str = ""
    sex: str | None = None
    age_band: str | None = None
    commune_code: str | None = None

    @property
    def needs_confirmation(self) -> bool:
        """Matched by a phone number only: it may well be another person of the family."""
        return NAME not in self.matched_by


@dataclass
class RepeatCallers:
    calls: list[EarlierCall] = field(default_factory=list)
    cases: list = field(default_factory=list)  # case_links.CaseMatch
    is_limited: bool = False  # the user looked up too many numbers and names: nothing shown

    def __bool__(self) -> bool:
        return bool(self.calls or self.cases or self.is_limited)


@dataclass
class _Found:
    caller_calls: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)
    by_survivor_phone: set[uuid.UUID] = field(default_factory=set)
    by_name: set[uuid.UUID] = field(default_factory=set)

    @property
    def by_caller_phone(self) -> set[uuid.UUID]:
        return {survivor for survivor in self.caller_calls.values() if survivor}

    @property
    def survivor_ids(self) -> set[uuid.UUID]:
        return self.by_survivor_phone | self.by_caller_phone | self.by_name

    def kinds(self, call_id: uuid.UUID, survivor_id: uuid.UUID | None) -> tuple[str, ...]:
        kinds = []
        if call_id in self.caller_calls or survivor_id in self.by_caller_phone:
            kinds.append(CALLER_PHONE)
        if survivor_id in self.by_survivor_phone:
            kinds.append(SURVIVOR_PHONE)
        if survivor_id in self.by_name:
            kinds.append(NAME)
        return tuple(kinds)


def close_matches(found: _Found) -> set[uuid.UUID]:
    """The survivors matched closely: by a phone number and by their full name at once.

    A phone number (the caller's or the survivor's own, in any format) and the survivor's
    full name, compared without accents, must both match. One detail alone, which anyone
    could type to test a number or a name, is not a close match.
    """
    return (found.by_survivor_phone | found.by_caller_phone) & found.by_name


def find_repeat_callers(phone: str | None, user, name: str | None = None) -> RepeatCallers:
    """Earlier calls and open cases the user may see, for a phone number or a survivor's name.

    Blind-index candidates are read as plain rows, and only their phone number or name is
    decrypted and compared, never the addresses and narratives beside it.
    """
    found = _Found()
    if phone_search_key(phone) is not None:
        found.by_survivor_phone = {
            row[0] for row in find_ids_by_blind_index(Survivor, "phone", phone)}
        # Every call from this number, visible or not, leads to its survivor's open cases;
        # the cases service then keeps only those the user may see.
        found.caller_calls = dict(
            find_ids_by_blind_index(Call, "caller_phone", phone, Call.survivor_id))
    if name_search_key(name) is not None:
        found.by_name = {row[0] for row in find_ids_by_blind_index(Survivor, "name", name)}
    rows = _visible_calls(set(found.caller_calls), found.survivor_ids, user)
    cases = case_links.open_cases_for(found.survivor_ids, user, close=close_matches(found))
    return RepeatCallers(_described(rows, found), cases)


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


def _described(rows: list[sa.Row], found: _Found) -> list[EarlierCall]:
    """Each earlier call with what matched and the survivor's initials, sex, band, commune."""
    ids = {row.survivor_id for row in rows if row.survivor_id}
    survivors = {survivor.id: survivor for survivor in db.session.scalars(
        sa.select(Survivor).where(Survivor.id.in_(ids)))} if ids else {}
    described = []
    for row in rows:
        survivor = survivors.get(row.survivor_id)
        about = dict(initials=initials(reveal(survivor, "name")), sex=survivor.sex,
                     age_band=survivor.age_band, commune_code=survivor.commune_code
                     ) if survivor else {}
        described.append(EarlierCall(row.id, row.started_at, row.line, row.call_type,
                                     row.urgency, found.kinds(row.id, row.survivor_id),
                                     **about))
    return described


def initials(name: str | None) -> str:
    """"Trần Thị Mai" → "T.T.M.": enough to tell two people apart, not to name one."""
    return "".join(f"{word[0].upper()}." for word in (name or "").split() if word[0].isalnum())
