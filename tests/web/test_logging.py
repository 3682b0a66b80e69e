"""Logs and error messages hold record ids, never names, phone numbers or text."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.accounts.models import User
from casework.extensions import db
from tests.factories import PASSWORD


def test_sql_parameters_are_hidden_from_database_errors(app, make_user, db_session):
    make_user("operator", username="hoa.nguyen")
    db_session.commit()
    with pytest.raises(sa.exc.IntegrityError) as failure:
        with db_session.begin_nested():
            db_session.execute(sa.insert(User).values(
                id=db.session.scalar(sa.select(User.id).limit(1)), username="hoa.nguyen",
                display_name="Nguyễn Thị Hoa 0912345678", role="operator", password_hash="x"))
    message = str(failure.value)
    assert "parameters hidden" in message
    assert "0912345678" not in message and "Nguyễn" not in message


def test_signing_in_logs_nothing_about_the_person(client, make_user, db_session, caplog):
    user = make_user("operator", display_name="Nguyễn Thị Hoa")
    db_session.commit()
    with caplog.at_level("DEBUG"):
        client.post("/login", data={"username": user.username, "password": "wrong password!!"})
        client.post("/login", data={"username": user.username, "password": PASSWORD})
        client.get("/home")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert user.username not in logged and "Nguyễn" not in logged and "passphrase" not in logged
