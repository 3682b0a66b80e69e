"""Synthetic calls: realistic proportions, real ciphertexts and blind indexes, reusable."""

from collections import Counter

import sqlalchemy as sa

from casework import taxonomy
from casework.crypto import reveal
from casework.crypto.blind_index import find_by_blind_index
from casework.extensions import db
from casework.intake import seeding
from casework.intake.models import Call, CallClassification
from casework.people.models import Survivor
from tests.support.servers import run_casework


def test_seeded_calls_look_like_a_hotlines(app, db_session, monkeypatch):
    hooked = []
    monkeypatch.setattr(seeding, "AFTER_BATCH", [hooked.append])
    with app.app_context():
        result = seeding.seed_calls(600, batch_size=250, seed=7)
    calls = db_session.scalars(sa.select(Call)).all()
    assert result.calls == len(calls) == 600 and [len(b.calls) for b in hooked] == [250, 250, 100]
    types = Counter(call.call_type for call in calls)
    assert set(types) <= set(taxonomy.CALL_TYPE.codes)
    data_calls = [call for call in calls if call.is_data_call]
    assert 0.1 < len(data_calls) / len(calls) < 0.45  # most calls carry no data
    assert sorted(result.data_call_ids) == sorted(call.id for call in data_calls)
    reports = [call for call in calls if call.call_type in taxonomy.SURVIVOR_CALL_TYPES]
    assert all(call.survivor_id for call in reports)
    assert all(call.ended_at >= call.started_at for call in calls)


def test_seeded_values_decrypt_and_are_found_by_their_blind_index(app, db_session):
    with app.app_context():
        seeding.seed_calls(300, seed=11)
    survivor = db_session.scalars(sa.select(Survivor).where(Survivor.phone.is_not(None))).first()
    phone, name = reveal(survivor, "phone"), reveal(survivor, "name")
    assert survivor in find_by_blind_index(Survivor, "phone", phone)
    assert survivor in find_by_blind_index(Survivor, "name", name)
    assert survivor.commune_code in taxonomy.configured_communes()
    caller = db_session.scalars(sa.select(Call).where(Call.caller_phone.is_not(None))).first()
    assert caller in find_by_blind_index(Call, "caller_phone", reveal(caller, "caller_phone"))
    codes = db_session.scalars(sa.select(CallClassification)).all()
    lists = {code_list.name: code_list for code_list in taxonomy.FIXED_LISTS}
    assert codes and all(row.code in lists[row.scheme] for row in codes)


def test_the_seed_command_adds_calls_and_reports_its_speed(fresh_instance):
    refused = run_casework("seed", "--calls", "10", env=fresh_instance)
    assert refused.returncode != 0 and "init-db" in refused.stderr
    assert run_casework("init-db", env=fresh_instance).returncode == 0
    result = run_casework("seed", "--calls", "120", "--batch-size", "50", env=fresh_instance)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Added 120 calls" in result.stdout and "calls/s" in result.stdout
    from casework import create_app

    app = create_app({"instance_path": fresh_instance["CASEWORK_INSTANCE"],
                      "database_url": fresh_instance["CASEWORK_DATABASE_URL"]})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 120
        assert calls_have_planner_statistics()
        db.engine.dispose()


def calls_have_planner_statistics() -> bool:
    if db.engine.dialect.name == "sqlite":
        query = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'calls'"
    else:
        query = ("SELECT count(*) FROM pg_stat_user_tables "
                 "WHERE relname = 'calls' AND last_analyze IS NOT NULL")
    return db.session.execute(sa.text(query)).scalar() > 0
