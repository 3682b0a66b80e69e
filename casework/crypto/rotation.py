"""Key rotation and whole-database verification, in small committed batches.

Each batch is one transaction: it decrypts a few records, seals every value that is not
under the primary key again under it and recomputes their blind indexes, then commits.
A process killed part-way loses only its open batch, which the database rolls back, so
every value stays sealed under a key the keyring still holds; running again carries on,
since it selects only what is not under the primary yet. An update only lands if the
record still holds what was read, so an edit made meanwhile is never overwritten.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from casework.crypto.blind_index import compute_index, index_bits
from casework.crypto.envelope import VERSION, envelope_key_id, reseal, unseal
from casework.crypto.errors import CryptoError
from casework.crypto.fields import EncryptedText
from casework.crypto.inventory import EncryptedTable, encrypted_tables
from casework.crypto.keyring import Keyring

# Each commit waits for the disk (SQLite's synchronous=FULL), so batches are a few thousand
# records: about a tenth of a second of work, which is all a writer meanwhile waits.
DEFAULT_BATCH = 2000


def _under_primary(field: sa.Column, keyring: Keyring) -> sa.ColumnElement:
    # Compared as plain text: the encrypted type rightly refuses a str parameter.
    as_text = sa.type_coerce(field, sa.Text)
    return as_text.startswith(f"{VERSION}:{keyring.primary_id}:", autoescape=True)


def needs_rotation(spec: EncryptedTable, keyring: Keyring) -> sa.ColumnElement:
    """SQL condition: the record has a value not sealed under the primary key."""
    return sa.or_(*(
        sa.and_(field.is_not(None), sa.not_(_under_primary(field, keyring)))
        for field in spec.fields
    ))


def count_to_rotate(connection: sa.Connection, keyring: Keyring) -> int:
    """Records that still hold a value under a key other than the primary."""
    return sum(
        connection.scalar(
            sa.select(sa.func.count()).select_from(spec.table)
            .where(needs_rotation(spec, keyring))
        )
        for spec in encrypted_tables()
    )


def _place(spec: EncryptedTable, field: sa.Column, record_id: uuid.UUID) -> dict:
    return {"table": spec.name, "column": field.name, "record_id": record_id}


def _as_text(column: sa.Column) -> sa.ColumnElement:
    # Envelopes travel as plain text here: rotation never hands one to a model, and skipping
    # the `Sealed` wrapping on the way in and out is a measurable share of its time.
    return sa.type_coerce(column, sa.Text)


def _resealed(spec: EncryptedTable, row, keyring: Keyring, bits: int,
              indexes: dict[tuple[str, str], int | None]) -> dict[str, object]:
    """New values for one record: stale fields sealed under the primary, their indexes redone.

    `row` is (id, *fields). `indexes` keeps the batch's blind indexes by (kind, plaintext):
    a batch repeats the numbers of repeat callers.
    """
    values: dict[str, object] = {}
    record_id = str(row[0])
    current = f"{VERSION}:{keyring.primary_id}:"
    for field, envelope in zip(spec.fields, row[1:], strict=True):
        if envelope is None or envelope.startswith(current):
            continue  # reseal checks the whole envelope of every other value
        plaintext, values[field.name] = reseal(
            keyring, envelope, table=spec.name, column=field.name, record_id=record_id)
        for index in spec.indexes:
            if index.source is field:
                if (index.kind, plaintext) not in indexes:
                    indexes[index.kind, plaintext] = compute_index(
                        keyring.primary, index.kind, plaintext, bits)
                values[index.column.name] = indexes[index.kind, plaintext]
    return values


def _guarded_update(spec: EncryptedTable, changed: tuple[str, ...]) -> sa.Update:
    """UPDATE one record's new values, only if its changed fields still hold what was read."""
    table = spec.table
    fields = {name for name in changed if isinstance(table.c[name].type, EncryptedText)}
    return (
        sa.update(table)
        .where(spec.id == sa.bindparam("_id"),
               *(_as_text(table.c[name]) == sa.bindparam(f"_old_{name}", type_=sa.Text)
                 for name in sorted(fields)))
        .values({name: sa.bindparam(f"_new_{name}",
                                    type_=sa.Text if name in fields else table.c[name].type)
                 for name in changed})
    )


def _rotate_batch(connection, spec: EncryptedTable, keyring: Keyring, after, size: int):
    """Rotate up to `size` records after id `after`; returns (last id, records, skipped)."""
    query = (
        sa.select(spec.id, *(_as_text(field) for field in spec.fields))
        .where(needs_rotation(spec, keyring)).order_by(spec.id).limit(size)
    )
    if after is not None:
        query = query.where(spec.id > after)
    rows = connection.execute(query).all()
    bits = index_bits()
    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    indexes: dict[tuple[str, str], int | None] = {}  # for this batch only: plaintexts
    names = [field.name for field in spec.fields]
    for row in rows:
        values = _resealed(spec, row, keyring, bits, indexes)
        old = dict(zip(names, row[1:], strict=True))
        groups[tuple(values)].append({
            "_id": row[0],
            **{f"_old_{name}": old[name] for name in values if name in old},
            **{f"_new_{name}": value for name, value in values.items()},
        })
    updated = sum(
        connection.execute(_guarded_update(spec, changed), params).rowcount
        for changed, params in groups.items()
    )
    return (rows[-1][0] if rows else None), len(rows), len(rows) - updated


@dataclass
class RotationResult:
    records: int = 0
    skipped: int = 0  # changed by someone else while being rotated: run again


def rotate(engine: sa.Engine, keyring: Keyring, *, batch_size: int = DEFAULT_BATCH,
           on_batch: Callable[[int], None] = lambda done: None) -> RotationResult:
    """Seal every value under the primary key and recompute every blind index."""
    result = RotationResult()
    for spec in encrypted_tables():
        after, done = None, batch_size
        while done == batch_size:  # a short batch was the last: nothing stale lies beyond it
            with engine.begin() as connection:
                after, done, skipped = _rotate_batch(connection, spec, keyring, after,
                                                     batch_size)
            result.records += done
            result.skipped += skipped
            if done:
                on_batch(done)
    return result


@dataclass(frozen=True)
class ValueProblem:
    place: str
    record_id: uuid.UUID
    problem: str


def _row_problems(spec: EncryptedTable, row, keyring: Keyring, bits: int):
    for field in spec.fields:
        envelope = row._mapping[field.name]
        if envelope is None:
            continue
        try:
            plaintext = unseal(keyring, envelope, **_place(spec, field, row.id))
        except CryptoError as error:
            yield ValueProblem(f"{spec.name}.{field.name}", row.id, type(error).__name__)
            continue
        for index in spec.indexes:
            key = keyring.get(envelope_key_id(envelope))
            if index.source is field and row._mapping[index.column.name] != compute_index(
                    key, index.kind, plaintext, bits):
                yield ValueProblem(f"{spec.name}.{index.column.name}", row.id, "stale index")


def verify_values(connection: sa.Connection, keyring: Keyring,
                  batch_size: int = DEFAULT_BATCH) -> Iterator[ValueProblem]:
    """Decrypt every stored value and recompute every blind index; yield what fails."""
    bits = index_bits()
    for spec in encrypted_tables():
        columns = [spec.id, *spec.fields, *(index.column for index in spec.indexes)]
        query = sa.select(*columns).order_by(spec.id).execution_options(yield_per=batch_size)
        for row in connection.execute(query):
            yield from _row_problems(spec, row, keyring, bits)
