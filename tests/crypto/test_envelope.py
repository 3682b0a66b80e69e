"""The envelope: any text round-trips; any change, wrong key or wrong place raises."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from casework.crypto import (
    CryptoError,
    DecryptionError,
    EnvelopeFormatError,
    KeyringError,
    Sealed,
    UnknownKeyError,
    reveal,
    seal,
    unseal,
)
from casework.crypto.envelope import reseal
from casework.crypto.keyring import Keyring, new_keyring, with_new_primary, without_key

PLACE = {"table": "survivors", "column": "name", "record_id": uuid.UUID(int=7)}
AWKWARD = [
    "", "ends with a star*", "**", "nul\x00inside\x00", "\x00", "emoji 👩‍👧 🆘",
    "Nguyễn Thị Hoa, xã Vĩnh Tế, An Giang", "\u200fمرحبا\u200e mixed \u202eRTL",
    "line\nbreaks\r\n\ttabs", "v1:not:an:envelope",
]


@given(st.text())
@settings(max_examples=300)
@example("x" * (1 << 20))
@example("Đặng Văn Đức*")
def test_any_text_comes_back_unchanged(keyring, text):
    assert unseal(keyring, seal(keyring, text, **PLACE), **PLACE) == text


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_values_come_back_exactly(keyring, text):
    envelope = seal(keyring, text, **PLACE)
    assert unseal(keyring, envelope, **PLACE) == text
    assert text == "" or text not in envelope


def test_a_megabyte_round_trips(keyring):
    text = "Hoà bình 🕊 " * 95_000
    assert len(text.encode()) > 1_000_000
    assert unseal(keyring, seal(keyring, text, **PLACE), **PLACE) == text


def test_the_same_text_never_seals_the_same_way_twice(keyring):
    assert seal(keyring, "Hoa", **PLACE) != seal(keyring, "Hoa", **PLACE)


def _flip(envelope: str, position: int, bit: int) -> str:
    """Flip one bit of the decoded nonce+body and re-encode, keeping the envelope well formed."""
    import base64

    version, key_id, nonce, body = envelope.split(":")
    raw = bytearray(base64.urlsafe_b64decode(nonce + "==") + base64.urlsafe_b64decode(body + "=="))
    raw[position % len(raw)] ^= 1 << bit

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return ":".join((version, key_id, b64(bytes(raw[:12])), b64(bytes(raw[12:]))))


@given(st.text(max_size=200), st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_is_detected(keyring, text, position, bit):
    tampered = _flip(seal(keyring, text, **PLACE), position, bit)
    with pytest.raises(DecryptionError):
        unseal(keyring, tampered, **PLACE)


@given(st.text(min_size=1, max_size=200), st.integers(min_value=1))
def test_a_truncated_envelope_is_refused(keyring, text, cut):
    envelope = seal(keyring, text, **PLACE)
    shorter = envelope[: len(envelope) - 1 - cut % (len(envelope) - 1)]
    with pytest.raises(CryptoError):
        unseal(keyring, shorter, **PLACE)


def test_an_unknown_key_id_is_refused(keyring):
    envelope = seal(new_keyring(), "Hoa", **PLACE)
    with pytest.raises(UnknownKeyError):
        unseal(keyring, envelope, **PLACE)


def test_another_key_named_in_the_envelope_is_refused(keyring):
    both = with_new_primary(keyring)
    version, _, nonce, body = seal(keyring, "Hoa", **PLACE).split(":")
    relabelled = ":".join((version, both.primary_id, nonce, body))
    with pytest.raises(DecryptionError):
        unseal(both, relabelled, **PLACE)


@pytest.mark.parametrize("version", ["v0", "v2", "V1", ""])
def test_an_unknown_version_is_refused(keyring, version):
    envelope = version + seal(keyring, "Hoa", **PLACE)[2:]
    with pytest.raises(EnvelopeFormatError):
        unseal(keyring, envelope, **PLACE)


@pytest.mark.parametrize("garbage", ["Hoa", "", "v1:a:b", "v1:k:!!!!:????", "v1:bad id:AA:AA"])
def test_plaintext_or_garbage_is_never_returned(keyring, garbage):
    with pytest.raises(EnvelopeFormatError):
        unseal(keyring, garbage, **PLACE)


@pytest.mark.parametrize("moved", [
    {"table": "calls"}, {"column": "phone"}, {"record_id": uuid.UUID(int=8)},
])
def test_a_value_moved_to_another_place_is_refused(keyring, moved):
    envelope = seal(keyring, "Hoa", **PLACE)
    with pytest.raises(DecryptionError):
        unseal(keyring, envelope, **{**PLACE, **moved})


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(add_person):
    first, second = add_person(name="Hoa"), add_person(name="Lan")
    second.name = first.name
    with pytest.raises(DecryptionError):
        reveal(second, "name")
    assert reveal(first, "name") == "Hoa"


def test_a_ciphertext_copied_to_another_column_does_not_decrypt(add_person):
    person = add_person(name="Hoa", note="a note")
    person.note = person.name
    with pytest.raises(DecryptionError):
        reveal(person, "note")


def test_a_stored_copy_fails_after_a_round_trip_through_the_database(add_person, db_session):
    first, second = add_person(name="Hoa"), add_person(name="Lan")
    second.name = first.name
    db_session.flush()
    db_session.expire_all()
    with pytest.raises(DecryptionError):
        reveal(second, "name")


def test_the_model_holds_ciphertext_not_plaintext(add_person):
    person = add_person(name="Nguyễn Thị Hoa")
    assert isinstance(person.name, Sealed) and "Hoa" not in person.name
    assert "Hoa" not in repr(person.name)
    assert reveal(person, "name") == "Nguyễn Thị Hoa"


def test_only_text_can_be_assigned(add_person):
    person = add_person()
    with pytest.raises(TypeError):
        person.name = 42


def test_a_plain_string_never_reaches_an_encrypted_column(add_person, db_session):
    import sqlalchemy as sa

    from tests.crypto.scratch_models import Person

    with pytest.raises(sa.exc.StatementError):
        db_session.execute(sa.select(Person).where(Person.name == "Hoa")).all()


def test_a_retired_key_no_longer_decrypts_but_still_verifies_the_audit(keyring):
    envelope = seal(keyring, "Hoa", **PLACE)
    newer = with_new_primary(keyring)
    retired = without_key(newer, keyring.primary_id)
    with pytest.raises(UnknownKeyError, match="retired"):
        unseal(retired, envelope, **PLACE)
    audit_key = keyring.primary.key_for("audit")
    assert retired.get(keyring.primary_id).key_for("audit") == audit_key
    restored = Keyring.from_json(retired.to_json(), "test")
    assert restored.get(keyring.primary_id).key_for("audit") == audit_key
    assert keyring.primary.secret.hex() not in retired.to_json()


def test_the_primary_key_cannot_be_retired(keyring):
    with pytest.raises(KeyringError):
        without_key(keyring, keyring.primary_id)


def test_purpose_keys_differ(keyring):
    keys = {purpose: keyring.primary.key_for(purpose)
            for purpose in ("field", "index", "audit", "backup")}
    assert len(set(keys.values())) == 4 and keyring.primary.secret not in keys.values()


@pytest.mark.parametrize("text", [
    "", "{}", "[]", '{"primary": "a", "keys": {}}',
    '{"primary": "a", "keys": {"a": {"secret": "xx"}}}',
    '{"primary": "a", "keys": {"a": {"secret": "' + "A" * 40 + '"}}}',
    '{"primary": "b", "keys": {"a": {"secret": "' + "A" * 43 + '="}}}',
    '{"primary": "a b", "keys": {"a b": {"secret": "' + "A" * 43 + '="}}}',
])
def test_a_malformed_keyring_is_refused(text):
    with pytest.raises(KeyringError):
        Keyring.from_json(text, "test")


@pytest.mark.parametrize("text", AWKWARD + ["x" * (1 << 20)])
def test_awkward_values_survive_the_database(add_person, db_session, text):
    person = add_person(name=text, note=text)
    db_session.flush()
    db_session.expire_all()
    assert reveal(person, "name") == text and reveal(person, "note") == text


@pytest.mark.parametrize("text", AWKWARD)
def test_reseal_gives_the_plaintext_and_an_envelope_under_the_new_primary(keyring, text):
    old = seal(keyring, text, **PLACE)
    rotated = with_new_primary(keyring)
    plaintext, envelope = reseal(rotated, old, **{**PLACE, "record_id": str(PLACE["record_id"])})
    assert plaintext == text
    assert envelope.split(":")[1] == rotated.primary_id
    assert unseal(without_key(rotated, keyring.primary_id), envelope, **PLACE) == text


def test_reseal_refuses_an_envelope_moved_to_another_record(keyring):
    moved = {**PLACE, "record_id": str(uuid.UUID(int=8))}
    with pytest.raises(DecryptionError):
        reseal(with_new_primary(keyring), seal(keyring, "Hoa", **PLACE), **moved)
