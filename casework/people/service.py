"""Setting a survivor's current details, keeping the values a change replaces.

Each write records its audit event in the caller's transaction; the caller commits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from casework import audit, taxonomy
from casework.crypto import normalise_name, normalise_phone, reveal
from casework.db import utcnow
from casework.extensions import db
from casework.people.labels import field_label, value_text
from casework.people.models import CHANGE_SOURCES, Survivor, SurvivorDetailChange, \
    SurvivorVulnerability

ENCRYPTED = ("name", "phone", "address")
CODED = ("sex", "ethnicity", "disability", "commune_code")
# Every detail a call or a correction may set, in the order a history lists them.
DETAIL_FIELDS = (*ENCRYPTED, "sex", "age", "birth_date", "commune_code", "ethnicity",
                 "disability", "vulnerabilities")


def current_details(survivor: Survivor) -> dict[str, Any]:
    """The survivor's current details as plain values (decrypts name, phone and address)."""
    values = {name: reveal(survivor, name) for name in ENCRYPTED}
    values.update({name: getattr(survivor, name) for name in (*CODED, "age")})
    values["birth_date"] = survivor.birth_date.isoformat() if survivor.birth_date else None
    values["vulnerabilities"] = survivor.vulnerability_codes
    return values


def set_details(survivor: Survivor, values: Mapping[str, Any], province_code: int) -> None:
    """Set the given details and what reports derive from them; absent keys stay as they are."""
    for name in (*ENCRYPTED, "sex", "ethnicity", "disability"):
        if name in values:
            setattr(survivor, name, values[name])
    if "commune_code" in values:
        survivor.commune_code = values["commune_code"]
        survivor.province_code = province_code if values["commune_code"] else None
    if "ethnicity" in values:
        survivor.is_ethnic_minority = taxonomy.is_ethnic_minority(values["ethnicity"])
    if "birth_date" in values:
        survivor.birth_date = date.fromisoformat(values["birth_date"]) \
            if values["birth_date"] else None
    if "age" in values:
        set_age(survivor, values["age"])
    if "vulnerabilities" in values:
        codes = set(values["vulnerabilities"])
        survivor.vulnerabilities = [item for item in survivor.vulnerabilities
                                    if item.code in codes]
        known = {item.code for item in survivor.vulnerabilities}
        survivor.vulnerabilities.extend(SurvivorVulnerability(code=code)
                                        for code in sorted(codes - known))


def set_age(survivor: Survivor, age: int | None) -> None:
    """Store the age and what reports derive from it: band, child (<16), minor (<18)."""
    survivor.age = age
    survivor.age_band = taxonomy.age_band(age)
    survivor.is_child_vn = taxonomy.is_child_vn(age)
    survivor.is_minor = taxonomy.is_minor(age)


def change_details(survivor: Survivor, values: Mapping[str, Any], *, by_id: uuid.UUID | None,
                   source: str, source_id: uuid.UUID | None, province_code: int,
                   reason: str | None = None) -> SurvivorDetailChange | None:
    """Change a survivor's current details, keeping the values replaced; audited.

    Only fields whose value differs are changed and kept. Returns the history entry, or
    None when nothing changed.
    """
    if source not in CHANGE_SOURCES:
        raise ValueError(f"unknown source of a change: {source!r}")
    before = current_details(survivor)
    changed = [name for name in DETAIL_FIELDS if name in values and values[name] != before[name]]
    if not changed:
        return None
    entry = SurvivorDetailChange(
        survivor_id=survivor.id, fields=",".join(changed), changed_by_id=by_id,
        changed_at=utcnow(), source=source, source_id=source_id)
    entry.previous_values = _json({name: before[name] for name in changed})
    entry.new_values = _json({name: values[name] for name in changed})
    if reason:
        entry.reason = reason
    db.session.add(entry)
    set_details(survivor, {name: values[name] for name in changed}, province_code)
    audit.record("survivor_update", "survivor", survivor.id, actor_id=by_id)
    return entry


def _json(values: Mapping[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def detail_history(survivor_id: uuid.UUID) -> list[SurvivorDetailChange]:
    """The changes of a survivor's details, oldest first (values stay encrypted)."""
    return list(db.session.scalars(
        sa.select(SurvivorDetailChange).where(SurvivorDetailChange.survivor_id == survivor_id)
        .order_by(SurvivorDetailChange.changed_at)))


@dataclass(frozen=True)
class ChangeShown:
    """One change of a survivor's details as a history shows it."""

    at: datetime
    changed_by_id: uuid.UUID | None
    source: str
    fields: str  # the changed fields' names, translated
    text: str  # each field: before → after


def changes_shown(survivor_id: uuid.UUID) -> list[ChangeShown]:
    """Decrypt a survivor's history of changes for a page the caller has already audited."""
    shown = []
    for change in detail_history(survivor_id):
        before, after = revealed_change(change)
        names = change.fields.split(",")
        shown.append(ChangeShown(
            at=change.changed_at, changed_by_id=change.changed_by_id, source=change.source,
            fields=", ".join(field_label(name) for name in names),
            text="; ".join(f"{field_label(name)}: {value_text(name, before.get(name))} → "
                           f"{value_text(name, after.get(name))}" for name in names)))
    return shown


def revealed_change(change: SurvivorDetailChange) -> tuple[dict, dict]:
    """The values before and after one change, decrypted."""
    return (json.loads(reveal(change, "previous_values") or "{}"),
            json.loads(reveal(change, "new_values") or "{}"))


def is_evidently_same(survivor: Survivor, *, name: str | None, phone: str | None) -> bool:
    """Whether a survivor's own phone number or full name matches what was typed.

    A caller's phone is not evidence: one phone serves a whole family.
    """
    typed_phone, typed_name = normalise_phone(phone), normalise_name(name)
    if typed_phone and typed_phone == normalise_phone(reveal(survivor, "phone")):
        return True
    return bool(typed_name) and typed_name == normalise_name(reveal(survivor, "name"))
