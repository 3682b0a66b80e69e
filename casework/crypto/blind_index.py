"""Blind indexes: search encrypted phone numbers and names without decrypting every row.

A blind index column holds a truncated HMAC of the normalised plaintext under the index key
of the key that sealed its source value. Truncation (16 bits by default) makes each index
value match many records, so the column says little about who is who; a lookup fetches the
candidates under every key of the keyring, decrypts them and keeps only exact matches.

    phone = encrypted_column()
    phone_index = blind_index_column(source="phone", kind="phone")

Assigning a plaintext to `phone` fills `phone_index` at once; key rotation recomputes it.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapper, mapped_column

from casework.crypto.envelope import unseal
from casework.crypto.fields import PLAINTEXT_LISTENERS, EncryptedText, reveal
from casework.crypto.keyring import Keyring, MasterKey

INFO_KEY = "casework.blind_index"
DEFAULT_BITS = 16
_NON_DIGITS = re.compile(r"\D+")


def without_invisible(text: str) -> str:
    """Drop format characters (zero-width spaces, direction marks, BOM) nobody can see.

    Numbers and names copied from Zalo, Facebook or a document often carry them; left in,
    the same person would get a different search key and a repeat caller would be missed.
    """
    if text.isprintable():  # format characters are never printable: nothing to drop
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


# The shapes operators type for a Vietnamese number: 0 or +84, then nine digits whose first
# is not 0, grouped by single spaces, dots or hyphens. Their E.164 form is known without
# parsing, which costs 50-100 µs a number; `tests/crypto/test_blind_index.py` compares this
# with `phonenumbers` over every three-digit prefix. Anything else is parsed.
_VIETNAMESE_NUMBER = re.compile(r"(\+84|0)((?:[ .-]?[0-9]){9})")
_GROUPING = str.maketrans("", "", " .-")
_VN_METADATA = phonenumbers.PhoneMetadata.metadata_for_region("VN")
_VN_NATIONAL = re.compile(_VN_METADATA.general_desc.national_number_pattern)


def _quick_vietnamese_e164(text: str) -> str | None:
    """E.164 of a plainly written Vietnamese number, or None when it needs the full parser."""
    match = _VIETNAMESE_NUMBER.fullmatch(text)
    if match is None:
        return None
    prefix, national = match.group(1), match.group(2).translate(_GROUPING)
    if national[0] == "0" or len(national) != 9:
        return None
    if prefix == "0" and _VN_NATIONAL.fullmatch("0" + national) \
            and not _VN_NATIONAL.fullmatch(national):
        return None  # phonenumbers keeps such a leading 0 as part of the number
    return "+84" + national


def normalise_phone(text: str | None, region: str = "VN") -> str | None:
    """The phone number in E.164 (`+84912345678`), or None if it is not a possible number."""
    text = without_invisible(text or "")
    if not text.strip():
        return None
    if region == "VN" and (quick := _quick_vietnamese_e164(text)) is not None:
        return quick
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_name(text: str | None) -> str:
    """A name for accent-insensitive comparison: NFC, casefolded, no diacritics, single spaces."""
    folded = unicodedata.normalize("NFD", without_invisible(text or "").casefold())
    stripped = folded.translate(_UNACCENTED)
    return " ".join(unicodedata.normalize("NFC", stripped).split())


class _Unaccent(dict):
    """A str.translate table dropping combining marks and folding đ, filled as characters appear.

    Translating in C is several times faster than testing each character in Python; the
    table only ever holds characters that names contained.
    """

    def __missing__(self, codepoint: int):
        char = chr(codepoint)
        value = "d" if char == "đ" else None if unicodedata.combining(char) else codepoint
        self[codepoint] = value
        return value


_UNACCENTED = _Unaccent()


def phone_search_key(text: str | None) -> str | None:
    """What a phone blind index hashes: E.164 when possible, else the digits as typed."""
    # Short codes and mistyped numbers are not "possible" numbers, yet staff still search
    # for them as typed; the digits keep them findable.
    return normalise_phone(text) or _NON_DIGITS.sub("", text or "") or None


def name_search_key(text: str | None) -> str | None:
    return normalise_name(text) or None


SEARCH_KEYS: dict[str, Callable[[str | None], str | None]] = {
    "phone": phone_search_key,
    "name": name_search_key,
}


@dataclass(frozen=True)
class BlindIndexSpec:
    """What a blind index column indexes: the encrypted attribute and how to normalise it."""

    source: str
    kind: str


def blind_index_column(*, source: str, kind: str):
    """An indexed integer column holding the blind index of the encrypted attribute `source`."""
    if kind not in SEARCH_KEYS:
        raise ValueError(f"blind index kind must be one of {sorted(SEARCH_KEYS)}, not {kind!r}")
    return mapped_column(
        sa.Integer, index=True, nullable=True, info={INFO_KEY: BlindIndexSpec(source, kind)}
    )


def index_value(key: MasterKey, kind: str, search_key: str, bits: int) -> int:
    """The truncated HMAC-SHA256 of a normalised value under one key's index key."""
    message = f"{kind}\x1f{search_key}".encode()
    digest = hmac.digest(key.key_for("index"), message, "sha256")
    value = int.from_bytes(digest[:4], "big") >> (32 - bits)
    # Stored in a signed 32-bit INTEGER column: wrap the top half when 32 bits are kept.
    return value - (1 << 32) if value >= (1 << 31) else value


def search_hash(kind: str, text: str | None) -> str | None:
    """A full keyed hash (HMAC-SHA256 under the primary key's search key) of a searched term.

    The audit trail keeps it instead of the term: the same number or name typed in any
    format gives the same hash, so repeated and enumerating searches show, while the log
    holds no phone number or name. Hashes change when the primary key is rotated.
    """
    search_key = SEARCH_KEYS[kind](text)
    if search_key is None:
        return None
    key = _keyring().primary.key_for("search")
    return hmac.new(key, f"{kind}\x1f{search_key}".encode(), "sha256").hexdigest()


def compute_index(key: MasterKey, kind: str, plaintext: str | None, bits: int) -> int | None:
    """The blind index of a plaintext under one key, or None if there is nothing to index."""
    search_key = SEARCH_KEYS[kind](plaintext)
    return None if search_key is None else index_value(key, kind, search_key, bits)


def _keyring() -> Keyring:
    from flask import current_app

    return current_app.extensions["casework.keyring"]


def index_bits() -> int:
    """How many bits of the HMAC a blind index keeps (setting `blind_index_bits`)."""
    from flask import current_app

    settings = current_app.extensions.get("casework.settings")
    return settings.blind_index_bits if settings else DEFAULT_BITS


def blind_indexes(model) -> dict[str, BlindIndexSpec]:
    """A model's blind index attributes and what each indexes."""
    return {
        prop.key: prop.columns[0].info[INFO_KEY]
        for prop in sa.inspect(model).column_attrs
        if INFO_KEY in prop.columns[0].info
    }


def _check_source(mapper: Mapper, index_attribute: str, spec: BlindIndexSpec) -> None:
    prop = mapper.column_attrs.get(spec.source)
    if prop is None or not isinstance(prop.columns[0].type, EncryptedText):
        raise TypeError(
            f"{mapper.class_.__name__}.{index_attribute}: source {spec.source!r} "
            "is not an encrypted column"
        )


# (model class, encrypted attribute) -> {index attribute: kind}, built as mappers configure.
_INDEXES_BY_SOURCE: dict[tuple[type, str], dict[str, str]] = {}


def _fill_indexes(target, attribute: str, plaintext: str | None, keyring: Keyring | None):
    """Recompute the blind indexes of `attribute` as it is assigned, under the sealing key."""
    for index_attribute, kind in _INDEXES_BY_SOURCE.get((type(target), attribute), {}).items():
        value = None
        if keyring is not None:
            value = compute_index(keyring.primary, kind, plaintext, index_bits())
        setattr(target, index_attribute, value)


PLAINTEXT_LISTENERS.append(_fill_indexes)


@event.listens_for(Mapper, "mapper_configured")
def _on_mapper_configured(mapper: Mapper, class_) -> None:
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if INFO_KEY in column.info:
            spec = column.info[INFO_KEY]
            _check_source(mapper, prop.key, spec)
            _INDEXES_BY_SOURCE.setdefault((class_, spec.source), {})[prop.key] = spec.kind


def _entity_of(statement: sa.Select):
    return statement.column_descriptions[0]["entity"]


def _resolve(model, attribute: str) -> tuple[str, str, str]:
    """(source attribute, index attribute, kind) for an encrypted or an index attribute."""
    indexes = blind_indexes(model)
    if attribute in indexes:
        return indexes[attribute].source, attribute, indexes[attribute].kind
    for index_attribute, spec in indexes.items():
        if spec.source == attribute:
            return attribute, index_attribute, spec.kind
    raise ValueError(f"{model.__name__}.{attribute} has no blind index")


def candidate_values(kind: str, plaintext: str, keyring: Keyring, bits: int) -> set[int]:
    """The index values a plaintext has under every key of the keyring."""
    return {
        value
        for key in keyring.keys.values()
        if (value := compute_index(key, kind, plaintext, bits)) is not None
    }


def find_by_blind_index(select_stmt_or_model, attribute: str, plaintext: str | None) -> list:
    """Records whose decrypted `attribute` equals `plaintext` once normalised.

    Accepts a model or a `select(Model)` statement (for example one already restricted to
    what a user may see); the statement's order is kept. Candidates come from the blind
    index under every key of the keyring, then each is decrypted and compared exactly.
    """
    from casework.extensions import db

    statement = (
        select_stmt_or_model
        if isinstance(select_stmt_or_model, sa.Select)
        else sa.select(select_stmt_or_model)
    )
    model = _entity_of(statement)
    lookup = _Lookup.of(model, attribute, plaintext)
    if lookup is None:
        return []
    candidates = db.session.scalars(statement.where(lookup.candidates())).unique()
    return [record for record in candidates if lookup.matches(reveal(record, lookup.source))]


def find_ids_by_blind_index(model, attribute: str, plaintext: str | None,
                            *columns: sa.ColumnElement) -> list[tuple]:
    """(id, *columns) of the records whose decrypted `attribute` equals `plaintext`.

    What `find_by_blind_index` finds, as plain tuples: only the id, the envelope and the
    columns asked for are read, and no ORM object is built, which costs more than the
    query itself in the repeat-caller lookup an operator's call screen runs.
    """
    from casework.extensions import db

    lookup = _Lookup.of(model, attribute, plaintext)
    if lookup is None:
        return []
    column = sa.inspect(model).columns[lookup.source]
    rows = db.session.execute(
        sa.select(model.id, sa.type_coerce(column, sa.Text), *columns)
        .where(lookup.candidates())
    )
    keyring, place = _keyring(), {"table": column.table.name, "column": column.name}
    return [
        (record_id, *rest) for record_id, envelope, *rest in rows
        if envelope is not None
        and lookup.matches(unseal(keyring, envelope, **place, record_id=record_id))
    ]


@dataclass(frozen=True)
class _Lookup:
    """One blind-index search: where to look, what to compare, the index values to fetch."""

    index: sa.ColumnElement
    source: str  # the encrypted attribute
    kind: str
    wanted: str
    values: tuple[int, ...]

    @classmethod
    def of(cls, model, attribute: str, plaintext: str | None) -> _Lookup | None:
        """The search for `plaintext`, or None when it has nothing to search by."""
        source, index_attribute, kind = _resolve(model, attribute)
        wanted = SEARCH_KEYS[kind](plaintext)
        if wanted is None:
            return None
        values = candidate_values(kind, plaintext, _keyring(), index_bits())
        return cls(getattr(model, index_attribute), source, kind, wanted, tuple(sorted(values)))

    def candidates(self) -> sa.ColumnElement:
        return self.index.in_(self.values)

    def matches(self, plaintext: str | None) -> bool:
        """Whether a decrypted candidate is really the value searched for."""
        return SEARCH_KEYS[self.kind](plaintext) == self.wanted
