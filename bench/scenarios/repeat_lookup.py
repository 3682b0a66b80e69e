"""Repeat-caller lookup by phone, against the same lookup over plaintext phone numbers.

The measured side is intake's `find_repeat_callers`: blind-index candidates under every key,
decrypted and compared, for survivors and callers, then the visible calls and open cases.
The baseline copies every phone number, decrypted and normalised, into indexed scratch
tables and does the same lookup there by plain equality, followed by the same two queries
for visible calls and open cases; the ratio is therefore what encrypted search costs.
"""

from __future__ import annotations

import itertools
import uuid

import sqlalchemy as sa

from bench.scenarios import Context, Unavailable
from bench.stats import Comparison, Target, interleave

TARGET = Target(3.0)
SAMPLE_PHONES = 60
BATCH = 5000
METADATA = sa.MetaData()
PLAIN_CALLERS = sa.Table(
    "bench_plain_caller_phones", METADATA,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("phone", sa.String(40), index=True),
    sa.Column("survivor_id", sa.Uuid),
)
PLAIN_SURVIVORS = sa.Table(
    "bench_plain_survivor_phones", METADATA,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("phone", sa.String(40), index=True),
)


def _modules():
    try:
        from casework.intake import case_links, repeat_callers
        from casework.intake.models import Call, Survivor
    except ImportError as error:
        raise Unavailable(f"intake's repeat-caller lookup is missing ({error})") from None
    return repeat_callers, case_links, Call, Survivor


def _decrypted_rows(session, keyring, model, attribute: str, extra: tuple = ()):
    """(id, normalised phone, *extra) for every row with a phone, read in id order by pages."""
    from casework.crypto import unseal
    from casework.crypto.blind_index import phone_search_key

    column = getattr(model, attribute)
    last = None
    while True:
        query = sa.select(model.id, column, *extra).where(column.is_not(None))
        if last is not None:
            query = query.where(model.id > last)
        page = session.execute(query.order_by(model.id).limit(BATCH)).all()
        if not page:
            return
        last = page[-1][0]
        session.rollback()  # release SQLite's write lock before the scratch inserts
        yield [(row[0], phone_search_key(unseal(keyring, row[1], table=model.__tablename__,
                                                  column=column.name, record_id=row[0])),
                *row[2:]) for row in page]


def build_plain_tables(session, keyring, Call, Survivor) -> int:
    """Copy every decrypted phone into the indexed scratch tables; returns the rows copied."""
    bind = session.get_bind()
    METADATA.drop_all(bind)
    METADATA.create_all(bind)
    copied = 0
    for page in _decrypted_rows(session, keyring, Call, "caller_phone", (Call.survivor_id,)):
        session.execute(PLAIN_CALLERS.insert(),
                        [{"id": i, "phone": p, "survivor_id": s} for i, p, s in page])
        session.commit()
        copied += len(page)
    for page in _decrypted_rows(session, keyring, Survivor, "phone"):
        session.execute(PLAIN_SURVIVORS.insert(), [{"id": i, "phone": p} for i, p in page])
        session.commit()
        copied += len(page)
    return copied


def plain_repeat_callers(phone: str, user):
    """The same lookup as intake's, with plaintext equality in place of the blind index."""
    from casework.crypto.blind_index import phone_search_key
    from casework.extensions import db

    repeat_callers, case_links, _call, _survivor = _modules()
    key = phone_search_key(phone)
    survivor_ids = set(db.session.scalars(
        sa.select(PLAIN_SURVIVORS.c.id).where(PLAIN_SURVIVORS.c.phone == key)))
    callers = db.session.execute(sa.select(PLAIN_CALLERS.c.id, PLAIN_CALLERS.c.survivor_id)
                                 .where(PLAIN_CALLERS.c.phone == key)).all()
    survivor_ids |= {row.survivor_id for row in callers if row.survivor_id}
    # The same follow-up queries the real lookup runs, so only the search itself differs.
    calls = repeat_callers._visible_calls({row.id for row in callers}, survivor_ids, user)
    return repeat_callers.RepeatCallers(calls, case_links.open_cases_for(survivor_ids, user))


def _sample_phones(session, keyring, Call) -> list[str]:
    from casework.crypto import reveal

    calls = session.scalars(sa.select(Call).where(Call.caller_phone.is_not(None))
                            .order_by(sa.func.random()).limit(SAMPLE_PHONES)).all()
    if not calls:
        raise Unavailable("the seeded calls carry no caller phone numbers")
    return [reveal(call, "caller_phone", keyring) for call in calls]


def _supervisor(site):
    """A supervisor of the seeded calls' unit: they may see every call the lookup finds."""
    from casework.accounts.models import User
    from casework.extensions import db

    unit_id = db.session.execute(sa.text(
        "SELECT unit_id FROM calls WHERE unit_id IS NOT NULL LIMIT 1")).scalar()
    username = site.create_user("supervisor", "bench-lookup-supervisor")
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if unit_id is not None:
        user.unit_id = uuid.UUID(str(unit_id))
        db.session.commit()
    return user.id


def run(context: Context) -> list[Comparison]:
    repeat_callers, _links, Call, Survivor = _modules()
    site = context.site
    from casework.accounts.models import User
    from casework.extensions import db

    with site.app.app_context():
        keyring = site.app.extensions["casework.keyring"]
        copied = build_plain_tables(db.session, keyring, Call, Survivor)
        phones = _sample_phones(db.session, keyring, Call)
        user_id = _supervisor(site)
    context.progress(f"    copied {copied:,} phone numbers in plaintext; "
                     f"{len(phones)} numbers to look up")

    def lookup(function, cycle):
        def once():
            with site.app.app_context():
                function(next(cycle), db.session.get(User, user_id))
        return once

    _check_same_answers(site, phones, user_id, repeat_callers.find_repeat_callers)
    subject, baseline = interleave(
        lookup(repeat_callers.find_repeat_callers, itertools.cycle(phones)),
        lookup(plain_repeat_callers, itertools.cycle(phones)),
        rounds=context.options.rounds, per_round=len(phones),
        subject_label="blind-index lookup", baseline_label="plaintext lookup")
    return [Comparison("Repeat-caller lookup by phone", site.database, site.calls, subject,
                       baseline, TARGET)]


def _check_same_answers(site, phones, user_id, find) -> None:
    """Both lookups must find the same calls and cases, or the comparison means nothing."""
    from casework.accounts.models import User
    from casework.extensions import db

    with site.app.app_context():
        user = db.session.get(User, user_id)
        for phone in phones[:10]:
            real, plain = find(phone, user), plain_repeat_callers(phone, user)
            if ({c.id for c in real.calls}, {c.id for c in real.cases}) != (
                    {c.id for c in plain.calls}, {c.id for c in plain.cases}):
                raise RuntimeError("the plaintext baseline found other calls than the lookup")
