"""Case codes: unique under concurrent openings on both databases, per prefix and year."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from casework.cases.numbering import next_case_code
from casework.extensions import db
from tests.audit.chain_copies import instance_app

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
THREADS, EACH = 6, 8


def test_codes_count_up_per_prefix_and_local_year(app, db_session):
    new_year_eve_utc = datetime(2027, 12, 31, 18, 0, tzinfo=UTC)  # 1 January 2028 in Vietnam
    assert next_case_code("AG", datetime(2027, 6, 1, tzinfo=UTC), VIETNAM) == "AG-2027-000001"
    assert next_case_code("AG", datetime(2027, 6, 2, tzinfo=UTC), VIETNAM) == "AG-2027-000002"
    assert next_case_code("AG", new_year_eve_utc, VIETNAM) == "AG-2028-000001"
    assert next_case_code("KG", datetime(2027, 6, 1, tzinfo=UTC), VIETNAM) == "KG-2027-000001"


def test_concurrent_openings_never_share_a_code(fresh_instance):
    application = instance_app(fresh_instance)
    kept, errors = [], []
    start = threading.Barrier(THREADS)

    def open_cases(worker: int) -> None:
        try:
            with application.app_context():
                start.wait()
                for attempt in range(EACH):
                    code = next_case_code("AG", datetime(2027, 3, 1, tzinfo=UTC), VIETNAM)
                    if (worker + attempt) % 4 == 0:
                        db.session.rollback()  # an opening that failed: its number returns
                    else:
                        db.session.commit()
                        kept.append(code)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))

    threads = [threading.Thread(target=open_cases, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with application.app_context():
        db.engine.dispose()
    assert errors == []
    assert len(kept) == len(set(kept)) == THREADS * EACH - THREADS * EACH // 4
    assert sorted(int(code[-6:]) for code in kept) == list(range(1, len(kept) + 1))
