"""Page views read without SQLite's write lock, and one whose reads went stale is re-run.

A GET page holds no lock while it reads, so an operator's save never waits for it; the few
page views that write (recording a view in the audit trail) queue for the lock at that
write, and are run again from the start if a save committed in between.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from casework.audit.models import AuditEntry
from casework.db import write_gate
from casework.extensions import db
from tests import factories
from tests.support import pages


@pytest.fixture(scope="module")
def sqlite_app(live_app):
    if live_app.extensions["casework.settings"].database_url.startswith("sqlite") is False:
        pytest.skip("the write gate is SQLite's")
    return live_app


@pytest.fixture
def operator_client(sqlite_app):
    with sqlite_app.app_context():
        operator = factories.make_user("operator")
        call = factories.make_call(operator, "about_other")
        db.session.commit()
        username, call_id = operator.username, call.id
    client = sqlite_app.test_client()
    token = pages.csrf_token(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return client, call_id


def statements_during(app, request, on_select=None):
    """Run the request, noting its statements and whether the write gate was closed then."""
    with app.app_context():
        engine = db.engine
    gate = write_gate(engine.url.database)
    seen: list[tuple[str, bool]] = []
    requesting = threading.get_ident()

    def note(_conn, _cursor, statement, *_args):
        if threading.get_ident() != requesting:
            return  # another user's save
        seen.append((statement.lstrip().upper()[:15], gate.busy))
        if on_select is not None and seen[-1][0].startswith("SELECT"):
            on_select(sum(text.startswith("SELECT") for text, _ in seen))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        return request(), seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def test_a_list_page_reads_without_closing_the_write_gate(sqlite_app, operator_client):
    client, _ = operator_client
    response, seen = statements_during(sqlite_app, lambda: client.get("/calls/"))
    assert response.status_code == 200
    assert [text for text, _ in seen if text.startswith("BEGIN")] == ["BEGIN DEFERRED"]
    assert not any(closed for _, closed in seen)


def test_a_page_view_outrun_by_a_save_is_run_again_and_recorded_once(sqlite_app,
                                                                     operator_client):
    client, call_id = operator_client

    def save_meanwhile(count):
        if count == 3:  # the page has started reading: another operator saves a call
            thread = threading.Thread(target=log_a_call)
            thread.start()
            thread.join()

    def log_a_call():
        with sqlite_app.app_context():
            factories.make_call(factories.make_user("operator"), "silent")
            db.session.commit()

    response, seen = statements_during(sqlite_app, lambda: client.get(f"/calls/{call_id}"),
                                    save_meanwhile)
    assert response.status_code == 200
    with sqlite_app.app_context():
        views = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.object_id == call_id,
                                         AuditEntry.action == "view"))
    assert views == 1  # the refused attempt wrote nothing; the second one recorded the view
    begins = [text for text, _ in seen if text.startswith("BEGIN")]
    assert begins[0] == "BEGIN DEFERRED" and begins[-1] == "BEGIN IMMEDIATE"  # run again


def test_a_refusal_is_recorded_in_a_writing_transaction_of_its_own(sqlite_app,
                                                                  operator_client):
    client, _ = operator_client
    response, seen = statements_during(sqlite_app, lambda: client.get("/cases/overview"))
    assert response.status_code == 404  # an operator has no overview
    begins = [text for text, _ in seen if text.startswith("BEGIN")]
    assert "BEGIN IMMEDIATE" in begins, begins  # the refusal's audit entry waits its turn
