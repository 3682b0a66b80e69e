"""What a logged data call says, as plain values, and the facts derived from it.

The form produces a `CallRecord`; the service stores it. Derivations live here so that the
form, the seeder and the tests agree: age from the date of birth, the child flags and band,
implied classifications, the GBVIMS and Child Helpline categories, the 12-hour deadline.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from casework import taxonomy

# Form field → classification list (scheme) of the multi-valued codes of a call.
CLASSIFICATION_FIELDS = {
    "violence_forms": "violence_form",
    "dv_acts": "dv_act",
    "child_abuse_forms": "child_abuse_form",
    "child_sexual_abuse_types": "child_sexual_abuse_type",
    "child_exploitation_types": "child_exploitation_type",
    "trafficking_purposes": "trafficking_purpose",
}


def local_today() -> date:
    """Today's date where the hotline is."""
    from flask import current_app, has_app_context

    zone = "Asia/Ho_Chi_Minh"
    if has_app_context():
        zone = current_app.extensions["casework.settings"].timezone
    return datetime.now(ZoneInfo(zone)).date()


@dataclass
class SurvivorDetails:
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    sex: str | None = None
    age: int | None = None
    birth_date: date | None = None
    commune_code: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    vulnerabilities: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def effective_age(self, on: date) -> int | None:
        """The age given, else the age from the date of birth."""
        if self.age is not None:
            return self.age
        return taxonomy.age_on(self.birth_date, on) if self.birth_date else None


@dataclass
class CallRecord:
    call_type: str
    urgency: str
    line: str
    channel: str
    service_line: str | None = None
    caller_relationship: str | None = None
    caller_sex: str | None = None
    caller_age_group: str | None = None
    caller_name: str | None = None
    caller_phone: str | None = None
    survivor: SurvivorDetails = field(default_factory=SurvivorDetails)
    classifications: dict[str, list[str]] = field(default_factory=dict)
    setting: str | None = None
    perpetrator_relationship: str | None = None
    perpetrator_sex: str | None = None
    perpetrator_age_group: str | None = None
    incident_when: str | None = None
    is_ongoing: bool | None = None
    trafficking_status: str | None = None
    counselling_topic: str | None = None
    consent_referral: bool | None = None
    consent_data_sharing: bool | None = None
    narrative: str | None = None
    previous_call_id: uuid.UUID | None = None
    link_case_id: uuid.UUID | None = None
    confirm_same_survivor: bool = False  # the operator confirmed the earlier call is about them


def implied_classifications(chosen: dict[str, list[str]]) -> set[tuple[str, str]]:
    """The chosen codes plus what they imply: an act's form of violence, a subtype's parent."""
    pairs = {(scheme, code) for scheme, codes in chosen.items() for code in codes}
    for scheme, code in list(pairs):
        if scheme == "dv_act":
            pairs.add(("violence_form", taxonomy.DV_ACT.get(code).group))
        elif scheme == "child_sexual_abuse_type":
            pairs.add(("child_abuse_form", "sexual_abuse"))
        elif scheme == "child_exploitation_type":
            pairs.add(("child_abuse_form", "exploitation"))
    return pairs


def action_deadline(started_at: datetime, urgency: str | None, is_child: bool | None,
                    hours: int) -> datetime | None:
    """The emergency-measures deadline: an urgent or immediate report about a child under 16.

    The 12-hour rule comes from the Law on Children and Decree 56/2017, whose "child" is a
    person under 16; reports about 16- and 17-year-olds are flagged as minors but carry no
    statutory clock. The clock runs from receipt of the information: the call's start.
    """
    if urgency in taxonomy.URGENT_LEVELS and is_child:
        return started_at + timedelta(hours=hours)
    return None


def yes_no(code: str | None) -> bool | None:
    return None if code is None else code == "yes"


def yes_no_code(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")
