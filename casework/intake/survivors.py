"""The survivor a data call is about: created with the call, or the one of a linked earlier call."""

from __future__ import annotations

import dataclasses

from flask import current_app

from casework import taxonomy
from casework.extensions import db
from casework.intake.models import Call, Survivor, SurvivorVulnerability
from casework.intake.records import CallRecord, SurvivorDetails, local_today


def _about_self_defaults(record: CallRecord) -> SurvivorDetails:
    """A survivor calling about themself: what they said about the caller is about them."""
    details = dataclasses.replace(record.survivor)
    if record.call_type == "about_self":
        details.phone = details.phone or record.caller_phone
        details.name = details.name or record.caller_name
        details.sex = details.sex or record.caller_sex
    return details


def record_survivor(call: Call, record: CallRecord, previous: Call | None
                    ) -> tuple[Survivor | None, str | None]:
    """Attach the call to its survivor, creating or completing the survivor's record.

    Returns the survivor and the audit action to record once the call is complete
    (`survivor_create`, `survivor_update` or None): recording flushes, and a flush before
    every field is set would INSERT the rows and then UPDATE them.
    """
    details = _about_self_defaults(record)
    survivor = db.session.get(Survivor, previous.survivor_id) if previous and \
        previous.survivor_id else None
    if survivor is None:
        if details.is_empty() and record.call_type not in taxonomy.SURVIVOR_CALL_TYPES:
            return None, None
        survivor = Survivor()
        db.session.add(survivor)
        action = "survivor_create"
    else:
        action = None if details.is_empty() else "survivor_update"
    apply_details(survivor, details)
    call.survivor_id = survivor.id
    return survivor, action


def apply_details(survivor: Survivor, details: SurvivorDetails) -> None:
    """Set what was said; a blank answer never erases what an earlier call recorded."""
    for name in ("name", "phone", "address", "sex", "ethnicity", "disability"):
        value = getattr(details, name)
        if value:
            setattr(survivor, name, value)
    if details.commune_code:
        survivor.commune_code = details.commune_code
        survivor.province_code = current_app.extensions["casework.settings"].province_code
    if details.ethnicity:
        survivor.is_ethnic_minority = taxonomy.is_ethnic_minority(details.ethnicity)
    age = details.effective_age(local_today())
    if age is not None:
        set_age(survivor, age, details.birth_date)
    known = set(survivor.vulnerability_codes)
    for code in details.vulnerabilities:
        if code not in known:
            survivor.vulnerabilities.append(SurvivorVulnerability(code=code))


def set_age(survivor: Survivor, age: int, birth_date=None) -> None:
    """Store the age and what reports derive from it: band, child (<16), minor (<18)."""
    survivor.age = age
    if birth_date is not None:
        survivor.birth_date = birth_date
    survivor.age_band = taxonomy.age_band(age)
    survivor.is_child_vn = taxonomy.is_child_vn(age)
    survivor.is_minor = taxonomy.is_minor(age)
