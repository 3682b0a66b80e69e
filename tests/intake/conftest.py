"""Helpers for the call screen: start a call as the desk does, a valid data-call form."""

from __future__ import annotations

import uuid

import pytest

from casework.extensions import db
from casework.intake.models import CallDraft


def valid_form(**changes) -> dict:
    """A complete, valid data call about a child, as an operator fills it in."""
    form = {
        "call_type": "about_other", "urgency": "routine",
        "caller_relationship": "neighbour", "caller_phone": "0912 345 678",
        "caller_name": "Trần Văn Bình", "caller_sex": "male", "caller_age_group": "18_59",
        "survivor_name": "Lê Thị Hoa", "survivor_phone": "", "survivor_sex": "female",
        "survivor_age": "9", "survivor_birth_date": "", "survivor_commune": "30307",
        "survivor_address": "Ấp Hòa Long", "survivor_ethnicity": "khmer",
        "survivor_disability": "none", "survivor_vulnerabilities": ["out_of_school_working"],
        "violence_forms": ["physical"], "setting": "family",
        "perpetrator_relationship": "parent_caregiver", "perpetrator_sex": "male",
        "perpetrator_age_group": "18_59", "incident_when": "within_week", "is_ongoing": "yes",
        "dv_acts": [], "child_abuse_forms": ["violence"], "child_sexual_abuse_types": [],
        "child_exploitation_types": [], "trafficking_purposes": [], "trafficking_status": "",
        "counselling_topic": "", "consent_referral": "yes", "consent_data_sharing": "no",
        "narrative": "Hàng xóm nghe tiếng cháu khóc nhiều đêm.",
        "line": "111", "service_line": "child_protection", "channel": "phone",
    }
    form.update(changes)
    return form


def draft_id_of(response) -> uuid.UUID:
    return uuid.UUID(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


@pytest.fixture
def start_call(client):
    """Press "start a call" on the desk; returns the draft's URL."""

    def start(line: str = "111", channel: str = "phone") -> str:
        response = client.post("/calls/start", data={"line": line, "channel": channel})
        assert response.status_code == 302
        return response.headers["Location"]

    return start


@pytest.fixture
def operator(login_as):
    return login_as("operator")


def draft_at(url: str) -> CallDraft | None:
    return db.session.get(CallDraft, uuid.UUID(url.rstrip("/").rsplit("/", 1)[-1]))
