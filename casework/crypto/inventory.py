"""What is encrypted where: every encrypted column and blind index, found from the models.

Nothing here is declared twice: a model that uses `encrypted_column()` or
`blind_index_column()` is rotated, counted and verified without further registration.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from casework.crypto.blind_index import INFO_KEY
from casework.crypto.fields import EncryptedText


@dataclass(frozen=True)
class BlindIndexColumn:
    """A blind index column and the encrypted column whose plaintext it indexes."""

    column: sa.Column
    source: sa.Column
    kind: str


@dataclass(frozen=True)
class EncryptedTable:
    """A table with encrypted columns, keyed by the record UUID each value is bound to."""

    table: sa.Table
    fields: tuple[sa.Column, ...]
    indexes: tuple[BlindIndexColumn, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def id(self) -> sa.Column:
        return self.table.c.id


def _describe(mapper) -> EncryptedTable | None:
    local = [prop for prop in mapper.column_attrs if prop.columns[0].table is mapper.local_table]
    fields = tuple(p.columns[0] for p in local if isinstance(p.columns[0].type, EncryptedText))
    if not fields:
        return None
    if "id" not in mapper.local_table.c:
        raise TypeError(f"{mapper.local_table.name} has encrypted columns but no UUID id")
    by_key = {prop.key: prop.columns[0] for prop in local}
    indexes = tuple(
        BlindIndexColumn(p.columns[0], by_key[spec.source], spec.kind)
        for p in local
        if (spec := p.columns[0].info.get(INFO_KEY)) is not None
    )
    return EncryptedTable(mapper.local_table, fields, indexes)


def encrypted_tables(registry=None) -> list[EncryptedTable]:
    """Every mapped table holding encrypted columns, in table-name order."""
    from casework.extensions import db

    sa.orm.configure_mappers()
    found = [_describe(mapper) for mapper in (registry or db.Model.registry).mappers]
    return sorted((table for table in found if table), key=lambda table: table.name)


def key_id_of(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    """SQL for the key id inside an envelope `<version>:<key id>:<nonce>:<body>`."""
    column = sa.type_coerce(column, sa.Text)
    if dialect == "postgresql":
        return sa.func.split_part(column, ":", 2)
    rest = sa.func.substr(column, sa.func.instr(column, ":") + 1)
    return sa.func.substr(rest, 1, sa.func.instr(rest, ":") - 1)


@dataclass(frozen=True)
class Usage:
    """How many stored values of one column each key protects."""

    place: str
    kind: str  # "field" or "index"
    by_key: Counter

    @property
    def total(self) -> int:
        return sum(self.by_key.values())


def _count_by_key(connection, table, column, key_source) -> Counter:
    key = key_id_of(key_source, connection.dialect.name).label("key_id")
    query = (
        sa.select(key, sa.func.count()).select_from(table)
        .where(column.is_not(None)).group_by(key)
    )
    return Counter({key_id: count for key_id, count in connection.execute(query)})


def key_usage(connection: sa.Connection, tables: list[EncryptedTable] | None = None):
    """Values per key id for every encrypted column and blind index.

    A blind index is computed under the key that sealed its source value (sealing and
    indexing happen together, and rotation redoes both in one transaction), so its
    values are counted by the source's key id.
    """
    usage = []
    for spec in encrypted_tables() if tables is None else tables:
        for field in spec.fields:
            counts = _count_by_key(connection, spec.table, field, field)
            usage.append(Usage(f"{spec.name}.{field.name}", "field", counts))
        for index in spec.indexes:
            counts = _count_by_key(connection, spec.table, index.column, index.source)
            usage.append(Usage(f"{spec.name}.{index.column.name}", "index", counts))
    return usage


def totals_by_key(usage: list[Usage]) -> Counter:
    """All values per key id, fields and indexes together."""
    total: Counter = Counter()
    for item in usage:
        total.update(item.by_key)
    return total
