"""Repeat-caller lookup by phone, against an indexed lookup of the plaintext phone.

The measured side is intake's `find_repeat_callers`, as the call screen runs it for the
operator who logged the most seeded calls: blind-index candidates of survivors and callers
under every key, decrypted and compared, then the ten latest calls the operator may see
and the open cases. The baseline is what the same question would cost if phone numbers
were stored in plain: a scratch table holding, for every call, its caller's and its
survivor's phone (decrypted and normalised once, in advance) with the call's coded
columns, and one indexed query for the ten latest calls with that number.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from bench.scenarios import Context, Unavailable
from bench.stats import Comparison, Target, interleave

TARGET = Target(3.0)
SAMPLE_PHONES = 40
SHOWN_CALLS = 10
BATCH = 5000
METADATA = sa.MetaData()
PLAIN = sa.Table(
    "bench_plain_phones", METADATA,
    sa.Column("call_id", sa.Uuid, nullable=False),
    sa.Column("phone", sa.String(40), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("line", sa.String(8)),
    sa.Column("call_type", sa.String(32)),
    sa.Column("urgency", sa.String(12)),
    sa.Index("ix_bench_plain_phones_phone", "phone", "started_at"),
)


def _models():
    try:
        from casework.intake import repeat_callers
        from casework.intake.models import Call
        from casework.people.models import Survivor
    except ImportError as error:
        raise Unavailable(f"intake's repeat-caller lookup is missing ({error})") from None
    return repeat_callers, Call, Survivor


def _phone(keyring, envelope, table: str, column: str, record_id) -> str | None:
    from casework.crypto import unseal
    from casework.crypto.blind_index import phone_search_key

    if envelope is None:
        return None
    return phone_search_key(unseal(keyring, envelope, table=table, column=column,
                                   record_id=record_id))


def _survivor_phones(session, keyring, Survivor) -> dict:
    rows = session.execute(sa.select(Survivor.id, Survivor.phone)
                           .where(Survivor.phone.is_not(None))).all()
    return {row.id: _phone(keyring, row.phone, "survivors", "phone", row.id) for row in rows}


def _call_pages(session, Call):
    """Every call's id, caller phone, survivor and coded columns, a page at a time."""
    last = None
    while True:
        query = sa.select(Call.id, Call.caller_phone, Call.survivor_id, Call.started_at,
                          Call.line, Call.call_type, Call.urgency)
        if last is not None:
            query = query.where(Call.id > last)
        page = session.execute(query.order_by(Call.id).limit(BATCH)).all()
        session.rollback()  # release SQLite's write lock before the scratch inserts
        if not page:
            return
        last = page[-1].id
        yield page


def build_plain_table(session, keyring, Call, Survivor) -> int:
    """Fill the scratch table with every call's plaintext phones; returns the rows."""
    bind = session.get_bind()
    METADATA.drop_all(bind)
    METADATA.create_all(bind)
    survivor_phones = _survivor_phones(session, keyring, Survivor)
    copied = 0
    for page in _call_pages(session, Call):
        rows = []
        for call in page:
            coded = {"call_id": call.id, "started_at": call.started_at, "line": call.line,
                     "call_type": call.call_type, "urgency": call.urgency}
            phones = {_phone(keyring, call.caller_phone, "calls", "caller_phone", call.id),
                      survivor_phones.get(call.survivor_id)}
            rows += [{**coded, "phone": phone} for phone in phones if phone]
        if rows:
            session.execute(PLAIN.insert(), rows)
        session.commit()
        copied += len(rows)
    return copied


def plain_lookup(phone: str) -> list:
    """The ten latest calls with this number, from the plaintext scratch table."""
    from casework.crypto.blind_index import phone_search_key
    from casework.extensions import db

    return db.session.execute(
        sa.select(PLAIN).where(PLAIN.c.phone == phone_search_key(phone))
        .order_by(PLAIN.c.started_at.desc()).limit(SHOWN_CALLS)).all()


def busiest_operator(session, Call):
    """The seeded operator who logged the most calls: the lookup's hardest real user."""
    return session.scalar(sa.select(Call.operator_id).group_by(Call.operator_id)
                          .order_by(sa.func.count().desc()).limit(1))


def _sample_phones(session, keyring, Call, operator_id) -> list[str]:
    from casework.crypto import reveal

    calls = session.scalars(
        sa.select(Call).where(Call.caller_phone.is_not(None), Call.operator_id == operator_id)
        .order_by(sa.func.random()).limit(SAMPLE_PHONES)).all()
    if not calls:
        raise Unavailable("the seeded calls carry no caller phone numbers")
    return [reveal(call, "caller_phone", keyring) for call in calls]


def _check_found(site, phones, operator_id, find) -> None:
    """Every sampled number is the operator's own caller's: both sides must find a call."""
    from casework.accounts.models import User
    from casework.extensions import db

    with site.app.app_context():
        user = db.session.get(User, operator_id)
        for phone in phones[:10]:
            if not find(phone, user).calls or not plain_lookup(phone):
                raise RuntimeError("a lookup missed a call that has this phone number")


def run(context: Context) -> list[Comparison]:
    repeat_callers, Call, Survivor = _models()
    site = context.site
    from casework.accounts.models import User
    from casework.extensions import db

    with site.app.app_context():
        keyring = site.app.extensions["casework.keyring"]
        copied = build_plain_table(db.session, keyring, Call, Survivor)
        operator_id = busiest_operator(db.session, Call)
        phones = _sample_phones(db.session, keyring, Call, operator_id)
        db.session.rollback()
    context.progress(f"    {copied:,} plaintext phone rows; {len(phones)} numbers to look up")
    _check_found(site, phones, operator_id, repeat_callers.find_repeat_callers)
    real, plain = itertools.cycle(phones), itertools.cycle(phones)

    def subject():
        with site.app.app_context():
            repeat_callers.find_repeat_callers(next(real), db.session.get(User, operator_id))

    def baseline():
        with site.app.app_context():
            db.session.get(User, operator_id)  # as a request loads its user, on both sides
            plain_lookup(next(plain))

    measured, base = interleave(subject, baseline, rounds=context.options.rounds,
                                per_round=len(phones), subject_label="blind-index lookup",
                                baseline_label="plaintext indexed lookup")
    return [Comparison("Repeat-caller lookup by phone", site.database, site.calls, measured,
                       base, TARGET, note="as the operator with the most calls")]
