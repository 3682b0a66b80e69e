"""A board report never holds SQLite's write lock while it counts.

The report is held inside its reading transaction (a hook after its first table's query,
not a timer); meanwhile a writer on a connection of its own, with a busy timeout of a
fraction of a second, commits a change to a call. Had the request kept a write transaction
open (the session touch, the register, the export's audit entry), that writer would fail
fast with "database is locked". Runs on the suite's database (SQLite file in WAL, or
PostgreSQL with a short lock_timeout).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.extensions import db
from casework.reports import service
from tests import factories
from tests.reports.seeding import seed_year
from tests.support import databases

WRITER_WAIT_MS = 200
RANGE = "kind=custom&start=2024-03-01&end=2024-03-20&line=both"


@pytest.fixture
def own_app(tmp_path, keyring):
    """An app on a database of its own: the report must see committed rows only."""
    with databases.scratch_database(tmp_path) as url:
        app = create_app(databases.settings_for(tmp_path / "instance", url, keyring))
        databases.migrate(app)
        with app.app_context(), app.test_request_context():
            seed_year(2024, calls=60)
            db.session.commit()
        yield app, url
        with app.app_context():
            db.engine.dispose()


def impatient_writer(url: str) -> sa.Engine:
    """A writer that gives up after WRITER_WAIT_MS instead of queueing for the lock."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": WRITER_WAIT_MS / 1000},
                                  isolation_level="AUTOCOMMIT")
        return engine
    return sa.create_engine(url, connect_args={"options": f"-c lock_timeout={WRITER_WAIT_MS}"})


def write_a_call(writer: sa.Engine) -> None:
    with writer.connect() as connection:
        if writer.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # takes the write lock, as the app
        call_id = connection.scalar(sa.text("SELECT id FROM calls ORDER BY started_at LIMIT 1"))
        connection.execute(sa.text("UPDATE calls SET ended_at = ended_at WHERE id = :id"),
                           {"id": call_id})
        connection.exec_driver_sql("COMMIT") if writer.dialect.name == "sqlite" else (
            connection.commit())


def sign_in_board(app, client) -> None:
    with app.app_context():
        user = factories.make_user("board")
        secret = factories.enrol_totp(user)
        db.session.commit()
        username = user.username
    client.post("/login", data={"username": username, "password": factories.PASSWORD})
    response = client.post("/login/code", data={"code": factories.totp_code(secret)})
    assert response.status_code == 302


@pytest.mark.parametrize("path", [f"/reports/?{RANGE}", f"/reports/export.csv?{RANGE}",
                                  "/reports/?kind=year&year=2024&line=both"],
                         ids=["custom range page", "custom range export", "year page"])
def test_a_call_can_be_saved_while_a_report_is_being_counted(own_app, monkeypatch, path):
    app, url = own_app
    client = app.test_client()
    sign_in_board(app, client)
    writer = impatient_writer(url)
    writes = []
    real_fill_cube = service.fill_cube

    def counting_then_writing(*args, **kwargs):
        cube = real_fill_cube(*args, **kwargs)
        if not writes:  # inside the report's reading transaction, after it has read
            write_a_call(writer)
            writes.append("committed")
        return cube

    monkeypatch.setattr(service, "fill_cube", counting_then_writing)
    response = client.get(path)
    writer.dispose()
    assert response.status_code == 200
    assert writes == ["committed"]
