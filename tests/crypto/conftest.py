"""Fixtures of the crypto tests: a scratch table of people with encrypted fields."""

from __future__ import annotations

import pytest

from casework.extensions import db
from tests.crypto.scratch_models import Person, ScratchBase


@pytest.fixture(scope="session")
def people_table(app):
    with app.app_context():
        ScratchBase.metadata.create_all(db.engine)
        db.engine.dispose()
    return Person


@pytest.fixture
def add_person(people_table, db_session):
    """Store a person with the given plaintext fields and return it."""

    def add(**fields) -> Person:
        person = Person(**fields)
        db_session.add(person)
        db_session.flush()
        return person

    return add
