"""Logging calls: start, autosave the draft, close a non-data call, log a data call.

Each write records its audit event in the caller's transaction; the caller commits. The
server sets the start time when the call starts and the end time when it is logged.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from casework import audit, taxonomy
from casework.accounts.access import visible
from casework.audit.models import AuditEntry
from casework.crypto import reveal, search_hash
from casework.db import utcnow
from casework.extensions import db
from casework.intake.models import Call, CallClassification, CallDraft
from casework.people.models import Survivor
from casework.intake.records import CallRecord, action_deadline, implied_classifications
from casework.intake.repeat_callers import RepeatCallers, find_repeat_callers
from casework.intake.survivors import (
    SurvivorAsRecorded,
    is_child_after,
    record_survivor,
    said_about_survivor,
    survivor_as_recorded,
)
from casework.people.service import is_evidently_same

DRAFT_FORMAT = 1
# Form keys that are not part of what the operator typed.
NOT_CONTENTS = frozenset({"csrf_token", "save_seq", "fetch", "base_version", "writer"})


class IntakeError(ValueError):
    """A call operation was refused; the code says why (shown to the operator translated)."""


class SameSurvivorUnconfirmedError(IntakeError):
    """An earlier call was chosen as about the same person on the caller's phone alone."""


def _settings():
    return current_app.extensions["casework.settings"]


def start_call(operator, *, line: str, channel: str = "phone") -> CallDraft:
    """Start a call now: the server's clock is the call's start."""
    if line not in taxonomy.LINE or channel not in taxonomy.CHANNEL:
        raise IntakeError("unknown_line_or_channel")
    draft = CallDraft(operator_id=operator.id, unit_id=operator.unit_id, line=line,
                      channel=channel, started_at=utcnow())
    draft.saved_at = draft.started_at
    db.session.add(draft)
    audit.record("call_start", "call", draft.id)
    return draft


class DraftSave(enum.Enum):
    """What became of a save: stored, or refused and why (the page says so, never "saved")."""

    SAVED = "saved"
    CONFLICT = "conflict"  # another tab or window saved since this page's version
    STALE = "stale"  # a later save from this same page is already stored


@dataclass(frozen=True)
class DraftBasis:
    """What a page's save is made on: the draft version it holds, which page it is, its number."""

    version: int
    writer: str | None = None
    seq: int = 0


def save_draft(draft: CallDraft, contents: Mapping[str, list[str]], basis: DraftBasis,
               *, force: bool = False) -> DraftSave:
    """Store what the operator typed, encrypted, unless it would overwrite newer text.

    A page's own saves are ordered by its numbers (a late beacon loses to what followed it);
    any other save must be made on the stored version. `force` is for an explicit submit.
    """
    outcome = DraftSave.SAVED if force else _judge(draft, basis)
    if outcome is not DraftSave.SAVED:
        return outcome
    fields = {key: [str(v) for v in values] for key, values in contents.items()
              if key not in NOT_CONTENTS}
    draft.contents = json.dumps({"format": DRAFT_FORMAT, "fields": fields}, ensure_ascii=False)
    draft.version, draft.saved_at = draft.version + 1, utcnow()
    draft.writer, draft.save_seq = basis.writer, basis.seq
    line, channel = fields.get("line", [None])[0], fields.get("channel", [None])[0]
    if line in taxonomy.LINE:
        draft.line = line
    if channel in taxonomy.CHANNEL:
        draft.channel = channel
    return DraftSave.SAVED


def _judge(draft: CallDraft, basis: DraftBasis) -> DraftSave:
    if basis.writer and basis.writer == draft.writer:
        return DraftSave.SAVED if basis.seq > draft.save_seq else DraftSave.STALE
    return DraftSave.SAVED if basis.version == draft.version else DraftSave.CONFLICT


def draft_contents(draft: CallDraft) -> dict[str, list[str]]:
    """What the operator has typed so far, as form values."""
    text = reveal(draft, "contents")
    return json.loads(text)["fields"] if text else {}


def discard_draft(draft: CallDraft) -> None:
    """Throw away a call that was started by mistake; nothing is logged."""
    db.session.delete(draft)
    audit.record("call_discard", "call", draft.id)


def record_draft_view(draft: CallDraft) -> None:
    """Showing a resumed draft shows what was typed about people: record it."""
    audit.record("view", "call_draft", draft.id)


def look_up_repeat_callers(draft: CallDraft, phone: str | None, user,
                           name: str | None = None) -> RepeatCallers | None:
    """Earlier calls and open cases for the phone or name typed in a draft; audited.

    Each term looked up is one audit entry carrying the term's keyed hash (never the term),
    so a supervisor can see one user testing many numbers or names. A user who looked up
    more terms than `repeat_lookup_limit` within `repeat_lookup_window_minutes` is refused
    (the refusal is audited too) until older lookups leave the window.
    """
    hashes = [term for term in (search_hash("phone", phone), search_hash("name", name))
              if term]
    if not hashes:
        return None
    if _recent_lookups(user) + len(hashes) > _settings().repeat_lookup_limit:
        audit.record("repeat_caller_search", "call_draft", draft.id, outcome="refused",
                     term_hash=hashes[0], actor_id=user.id)
        return RepeatCallers(is_limited=True)
    for term in hashes:
        audit.record("repeat_caller_search", "call_draft", draft.id, term_hash=term,
                     actor_id=user.id)
    return find_repeat_callers(phone, user, name)


def _recent_lookups(user) -> int:
    """Terms the user looked up within the window: counted from the audit trail itself,
    so every process of the server counts the same."""
    since = utcnow() - timedelta(minutes=_settings().repeat_lookup_window_minutes)
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.actor_id == user.id, AuditEntry.action == "repeat_caller_search",
            AuditEntry.outcome == "ok", AuditEntry.at >= since))


def open_drafts(operator) -> list[CallDraft]:
    """The calls an operator started and has not logged yet, newest first."""
    return list(db.session.scalars(
        sa.select(CallDraft).where(visible(CallDraft, operator))
        .order_by(CallDraft.started_at.desc())
    ))


def _close(draft: CallDraft, call_type: str, *, line: str, channel: str,
           service_line: str | None) -> Call:
    """The call row for a draft, timed from the server's start to now; the draft is gone."""
    ended_at = max(utcnow(), draft.started_at)
    call = Call(
        id=draft.id, line=line, channel=channel, service_line=service_line,
        call_type=call_type, is_data_call=call_type in taxonomy.DATA_CALL_TYPES,
        started_at=draft.started_at, ended_at=ended_at,
        duration_seconds=int((ended_at - draft.started_at).total_seconds()),
        operator_id=draft.operator_id, unit_id=draft.unit_id,
    )
    db.session.delete(draft)
    db.session.add(call)
    return call


def log_non_data_call(draft: CallDraft, call_type: str) -> Call:
    """Log a silent, hang-up, prank, abusive, wrong-number, test or thanks call."""
    if call_type not in taxonomy.NON_DATA_CALL_TYPES:
        raise IntakeError("not_a_non_data_call_type")
    # Nothing was said, so a 111 non-data contact has no service line.
    call = _close(draft, call_type, line=draft.line, channel=draft.channel, service_line=None)
    call.chi_category = taxonomy.chi_category_for(call_type, (), None)
    audit.record("call_log", "call", call.id)
    return call


def log_data_call(draft: CallDraft, record: CallRecord, previous: Call | None = None) -> Call:
    """Log a data call with its caller, survivor and classifications."""
    if record.call_type not in taxonomy.DATA_CALL_TYPES:
        raise IntakeError("not_a_data_call_type")
    check_same_survivor(record, previous)
    call = _close(draft, record.call_type, line=record.line, channel=record.channel,
                  service_line=record.service_line)
    _fill_call(call, record)
    call.previous_call_id = previous.id if previous else None
    pairs = implied_classifications(record.classifications)
    _classify(call, pairs)
    call.gbvims_type = taxonomy.gbvims_type_for(pairs)
    call.chi_category = taxonomy.chi_category_for(call.call_type, pairs, call.counselling_topic)
    call.action_deadline_at = action_deadline(
        call.started_at, call.urgency, is_child_after(said_about_survivor(record), previous),
        _settings().urgent_child_deadline_hours)
    record_survivor(call, record, previous)
    audit.record("call_log", "call", call.id)
    return call


def check_same_survivor(record: CallRecord, previous: Call | None) -> None:
    """Refuse to share an earlier call's survivor on the caller's phone alone, unconfirmed.

    The survivor's own phone or full name is evidence; a caller's phone is not, since a
    mother may call about herself and about her child from one phone.
    """
    if previous is None or previous.survivor_id is None or record.confirm_same_survivor:
        return
    said = said_about_survivor(record)
    survivor = db.session.get(Survivor, previous.survivor_id)
    if not is_evidently_same(survivor, name=said.get("name"), phone=said.get("phone")):
        raise SameSurvivorUnconfirmedError("same_survivor_unconfirmed")


_CALL_FIELDS = (
    "urgency", "caller_relationship", "caller_sex", "caller_age_group", "caller_name",
    "caller_phone", "setting", "perpetrator_relationship", "perpetrator_sex",
    "perpetrator_age_group", "incident_when", "is_ongoing", "trafficking_status",
    "counselling_topic", "consent_referral", "consent_data_sharing", "narrative",
)


def _fill_call(call: Call, record: CallRecord) -> None:
    for name in _CALL_FIELDS:
        value = getattr(record, name)
        if value is not None and value != "":
            setattr(call, name, value)


def _classify(call: Call, pairs: set[tuple[str, str]]) -> None:
    call.classifications = [
        CallClassification(call_id=call.id, scheme=scheme, code=code)
        for scheme, code in sorted(pairs)
    ]


def survivor_of(call: Call) -> Survivor | None:
    return db.session.get(Survivor, call.survivor_id) if call.survivor_id else None


@dataclass(frozen=True)
class RevealedCall:
    """The decrypted text of a call and its survivor, obtained only through `reveal_call`."""

    caller_name: str | None
    caller_phone: str | None
    narrative: str | None
    survivor: SurvivorAsRecorded | None

    @property
    def survivor_name(self) -> str | None:
        return self.survivor.name if self.survivor else None

    @property
    def survivor_phone(self) -> str | None:
        return self.survivor.phone if self.survivor else None

    @property
    def survivor_address(self) -> str | None:
        return self.survivor.address if self.survivor else None


def reveal_call(call: Call) -> RevealedCall:
    """Decrypt a call's sensitive fields for display, recording the view in the audit trail.

    The survivor is shown as this call recorded them, whatever later calls said.
    """
    audit.record("view", "call", call.id)
    return RevealedCall(
        caller_name=reveal(call, "caller_name"),
        caller_phone=reveal(call, "caller_phone"),
        narrative=reveal(call, "narrative"),
        survivor=survivor_as_recorded(call),
    )
