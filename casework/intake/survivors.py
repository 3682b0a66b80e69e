"""The survivor a data call is about: created with the call, or the one of a linked earlier call.

A call keeps its own copy of what it said about the survivor, written once when it is logged,
so linking a later call to the same survivor never changes what an earlier call shows. The
survivor's row holds their current details; when a later call changes them, the values
replaced are kept (casework.people.service.change_details).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from flask import current_app

from casework import audit, taxonomy
from casework.crypto import reveal
from casework.extensions import db
from casework.intake.models import Call
from casework.intake.records import CallRecord, SurvivorDetails, local_today
from casework.people.models import Survivor
from casework.people.service import change_details, set_details

SNAPSHOT_FORMAT = 1


def said_about_survivor(record: CallRecord) -> dict[str, Any]:
    """What a call said about its survivor, as plain values; blank answers are left out.

    A survivor calling about themself: what they said about the caller is about them.
    """
    details: SurvivorDetails = dataclasses.replace(record.survivor)
    if record.call_type == "about_self":
        details.phone = details.phone or record.caller_phone
        details.name = details.name or record.caller_name
        details.sex = details.sex or record.caller_sex
    said: dict[str, Any] = {
        name: getattr(details, name)
        for name in ("name", "phone", "address", "sex", "commune_code", "ethnicity",
                     "disability") if getattr(details, name)}
    if details.birth_date:
        said["birth_date"] = details.birth_date.isoformat()
    age = details.effective_age(local_today())
    if age is not None:
        said["age"] = age
    if details.vulnerabilities:
        said["vulnerabilities"] = sorted(set(details.vulnerabilities))
    return said


def is_child_after(said: dict[str, Any], previous: Call | None) -> bool | None:
    """Whether the call's survivor is a child under 16, once this call's details are set."""
    if "age" in said:
        return taxonomy.is_child_vn(said["age"])
    survivor = _survivor_of(previous)
    return survivor.is_child_vn if survivor else None


def record_survivor(call: Call, record: CallRecord, previous: Call | None) -> Survivor | None:
    """Attach the call to its survivor and keep on it what it said; audited.

    Call last, once every field of the call is set: the audit flushes, and a flush before
    would INSERT the call and then UPDATE it.
    """
    said = said_about_survivor(record)
    settings = current_app.extensions["casework.settings"]
    survivor = _survivor_of(previous)
    if survivor is None:
        if not said and record.call_type not in taxonomy.SURVIVOR_CALL_TYPES:
            return None
        survivor = Survivor()
        db.session.add(survivor)
        set_details(survivor, said, settings.province_code)
    _keep_on_call(call, survivor, said)
    if previous is None or previous.survivor_id is None:
        audit.record("survivor_create", "survivor", survivor.id)
        return survivor
    if "vulnerabilities" in said:  # a flag once recorded stays until corrected
        said["vulnerabilities"] = sorted(set(said["vulnerabilities"])
                                         | set(survivor.vulnerability_codes))
    change_details(survivor, said, by_id=call.operator_id, source="call", source_id=call.id,
                   province_code=settings.province_code)
    return survivor


def _survivor_of(call: Call | None) -> Survivor | None:
    if call is None or call.survivor_id is None:
        return None
    return db.session.get(Survivor, call.survivor_id)


def _keep_on_call(call: Call, survivor: Survivor, said: dict[str, Any]) -> None:
    call.survivor_id = survivor.id
    age = said.get("age")
    call.survivor_details = json.dumps({
        "format": SNAPSHOT_FORMAT, **said, "age_band": taxonomy.age_band(age),
        "is_child_vn": taxonomy.is_child_vn(age), "is_minor": taxonomy.is_minor(age),
    }, ensure_ascii=False, sort_keys=True)


@dataclasses.dataclass(frozen=True)
class SurvivorAsRecorded:
    """A call's survivor as the call recorded them (or, for a call logged before calls kept
    their own copy, the survivor's current details, with `is_current` set)."""

    name: str | None = None
    phone: str | None = None
    address: str | None = None
    sex: str | None = None
    age: int | None = None
    birth_date: date | None = None
    age_band: str = "unknown"
    is_child_vn: bool | None = None
    is_minor: bool | None = None
    commune_code: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    vulnerabilities: tuple[str, ...] = ()
    is_current: bool = False

    @property
    def vulnerability_codes(self) -> list[str]:
        return sorted(self.vulnerabilities)


def survivor_as_recorded(call: Call) -> SurvivorAsRecorded | None:
    """Decrypt what the call recorded about its survivor; the caller audits the view."""
    if call.survivor_id is None:
        return None
    text = reveal(call, "survivor_details")
    if text is not None:
        values = json.loads(text)
        values.pop("format", None)
        values["vulnerabilities"] = tuple(values.get("vulnerabilities", ()))
        if values.get("birth_date"):
            values["birth_date"] = date.fromisoformat(values["birth_date"])
        return SurvivorAsRecorded(**values)
    survivor = db.session.get(Survivor, call.survivor_id)
    return SurvivorAsRecorded(
        name=reveal(survivor, "name"), phone=reveal(survivor, "phone"),
        address=reveal(survivor, "address"), sex=survivor.sex, age=survivor.age,
        birth_date=survivor.birth_date,
        age_band=survivor.age_band, is_child_vn=survivor.is_child_vn,
        is_minor=survivor.is_minor, commune_code=survivor.commune_code,
        ethnicity=survivor.ethnicity, disability=survivor.disability,
        vulnerabilities=tuple(survivor.vulnerability_codes), is_current=True)
