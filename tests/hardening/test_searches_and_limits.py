"""Wildcards in the repeat-caller search, and narratives of a megabyte and more.

The search compares blind indexes and then decrypted values exactly, so SQL and LIKE
wildcards can only ever match themselves. A narrative far over its limit is refused beside
its field with everything else kept; a body over the configured maximum gets 413.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from casework.intake.models import Call, CallDraft
from casework.intake.records import SurvivorDetails
from tests import factories
from tests.hardening.writers import call_form

WILDCARDS = ["%", "_", "%%", "*", "' OR '1'='1", "%' OR 1=1 --", "\\%", "[a-z]%", ".*"]


@pytest.fixture
def operator(login_as):
    return login_as("operator")


def start_draft(client) -> str:
    response = client.post("/calls/start", data={"line": "111", "channel": "phone"})
    return response.headers["Location"]


def search(client, draft: str, **fields) -> str:
    response = client.post(f"{draft}/repeat-callers", data={"fetch": "1", "phone": "",
                                                           "name": "", **fields})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_wildcards_in_the_repeat_caller_search_match_nothing(client, operator, db_session):
    earlier = factories.make_call(operator, caller_phone="0912 345 678",
                                  survivor=SurvivorDetails(name="Nguyễn Thị Lan", age=12))
    db_session.commit()
    draft = start_draft(client)
    assert str(earlier.id) in search(client, draft, phone="0912345678")
    assert str(earlier.id) in search(client, draft, name="nguyen thi lan")
    for wildcard in WILDCARDS:
        for field in ("phone", "name"):
            answer = search(client, draft, **{field: wildcard})
            assert str(earlier.id) not in answer, f"{field}={wildcard!r} matched a call"


def megabyte_of_vietnamese() -> str:
    """A narrative of one megabyte in UTF-8 (about 1.7 MB once a browser form-encodes it)."""
    sentence = "Hàng xóm nghe tiếng cháu khóc nhiều đêm, mẹ cháu đi làm xa. "
    text = sentence * (1_000_000 // len(sentence.encode()))
    assert 999_000 < len(text.encode()) <= 1_000_000
    return text


def test_a_megabyte_narrative_is_refused_beside_its_field_and_the_rest_kept(client, operator,
                                                                          db_session):
    draft = start_draft(client)
    form = {**call_form("MB"), "narrative": megabyte_of_vietnamese()}
    response = client.post(f"{draft}/log", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="narrative-error"' in page
    assert 'value="Lê Thị Hoa MB"' in page, "the other fields are kept"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0
    assert db_session.get(CallDraft, uuid.UUID(draft.rsplit("/", 1)[-1])) is not None


def test_a_body_over_the_configured_maximum_gets_413_and_changes_nothing(app, client, operator,
                                                                        db_session):
    draft = start_draft(client)
    limit = app.config["MAX_CONTENT_LENGTH"]
    form = {**call_form("BIG"), "narrative": "x" * (limit + 1)}
    response = client.post(f"{draft}/log", data=form)
    assert response.status_code == 413
    assert "x" * 100 not in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0
