"""Coverage-guided fuzz targets (atheris) for the code that reads untrusted text.

Each target turns the fuzzer's bytes into inputs and checks properties that must hold for
every input; any other exception, or a broken property, is a crash that libFuzzer saves.

    python -m tests.fuzz.harness envelope -runs=2000000 -artifact_prefix=/tmp/fuzz-
    python -m tests.fuzz.harness phone -max_total_time=3600 CORPUS_DIR

Targets: envelope, phone, name, suppression and selftest (a planted bug that proves the
harness reports failures). `seed_corpus(name)` gives valid starting inputs.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
import uuid

import atheris
import numpy as np

with atheris.instrument_imports(include=["casework"]):
    from casework.crypto import blind_index
    from casework.crypto.envelope import parse_envelope, seal, unseal
    from casework.crypto.errors import CryptoError
    from casework.crypto.keyring import KEY_ID_PATTERN, new_keyring
    from casework.reports import cube as cubes
    from casework.reports.periods import first_half, whole_year
    from casework.reports.suppression import Mark, protect, release_steps

KEYRING = new_keyring()
OTHER_KEYRING = new_keyring()
PLACE = {"table": "calls", "column": "narrative", "record_id": uuid.UUID(int=7)}
E164 = re.compile(r"^\+[1-9][0-9]{1,17}$")
# Characters a pasted name or number carries without anyone seeing them.
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u202a",
             "\u202c", "\u202e")
VIETNAMESE = ("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợ"
              "úùủũụứừửữựýỳỷỹỵ")
VIETNAMESE_LETTERS = VIETNAMESE + VIETNAMESE.upper() + "Đ"


class PropertyBroken(AssertionError):
    """An input for which a promised property does not hold."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise PropertyBroken(message)


# --- envelope: the ciphertext parser and decryption --------------------------------------

def fuzz_envelope(data: bytes) -> None:
    """Any text parses or raises a CryptoError; a changed envelope never yields other text."""
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 2)
    if mode == 0:
        _check_untrusted_envelope(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))
    elif mode == 1:
        key_id = KEYRING.primary_id
        text = f"v1:{key_id}:{fdp.ConsumeUnicodeNoSurrogates(24)}:{fdp.ConsumeUnicodeNoSurrogates(200)}"
        _check_untrusted_envelope(text)
    else:
        _check_tampering(fdp)


def _check_untrusted_envelope(text: str) -> None:
    try:
        key_id, nonce, body = parse_envelope(text)
    except CryptoError:
        return
    expect(bool(KEY_ID_PATTERN.match(key_id)), "parsed key id breaks the pattern")
    expect(len(nonce) == 12 and len(body) >= 16, "parsed a truncated envelope")
    for keyring in (KEYRING, OTHER_KEYRING):
        try:
            unseal(keyring, text, **PLACE)
        except CryptoError:
            continue
        raise PropertyBroken("an envelope nobody sealed decrypted")


def _check_tampering(fdp) -> None:
    plaintext = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 300))
    sealed = seal(KEYRING, plaintext, **PLACE)
    expect(unseal(KEYRING, sealed, **PLACE) == plaintext, "round trip changed the text")
    position = fdp.ConsumeIntInRange(0, len(sealed) - 1)
    replacement = fdp.ConsumeUnicodeNoSurrogates(2) or "A"
    tampered = sealed[:position] + replacement + sealed[position + 1:]
    elsewhere = {**PLACE, "record_id": uuid.UUID(int=8)}
    for keyring, text, place in ((KEYRING, tampered, PLACE), (KEYRING, sealed, elsewhere),
                                 (OTHER_KEYRING, sealed, PLACE)):
        try:
            revealed = unseal(keyring, text, **place)
        except CryptoError:
            continue
        # Base64 has more than one spelling of the same bytes; the same text is harmless.
        expect(revealed == plaintext and place is PLACE and keyring is KEYRING,
               "a tampered, moved or foreign envelope decrypted")


# --- phone numbers --------------------------------------------------------------------------

def fuzz_phone(data: bytes) -> None:
    """Any text normalises to E.164 or None, stably; separators do not change a number."""
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():
        _check_phone_text(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))
        return
    digits = "".join(str(fdp.ConsumeIntInRange(0, 9)) for _ in range(fdp.ConsumeIntInRange(8, 11)))
    plain = "0" + digits
    spaced = _insert_separators(fdp, plain, (" ", "-", ".", *INVISIBLE))
    expect(blind_index.normalise_phone(spaced) == blind_index.normalise_phone(plain),
           f"separators changed the number: {spaced!r}")
    expect(blind_index.phone_search_key(spaced) == blind_index.phone_search_key(plain),
           f"separators changed the search key: {spaced!r}")


def _check_phone_text(text: str) -> None:
    normalised = blind_index.normalise_phone(text)
    if normalised is not None:
        expect(bool(E164.match(normalised)), f"not E.164: {normalised!r}")
        expect(blind_index.normalise_phone(normalised) == normalised, "not stable")
    key = blind_index.phone_search_key(text)
    expect(key is None or (key != "" and (key == normalised or key.isdigit())),
           f"search key {key!r} is neither E.164 nor digits")


def _insert_separators(fdp, text: str, separators: tuple[str, ...]) -> str:
    out = [text[0]]
    for char in text[1:]:
        if fdp.ConsumeBool():
            out.append(fdp.PickValueInList(list(separators)))
        out.append(char)
    return "".join(out)


# --- names -----------------------------------------------------------------------------------

def fuzz_name(data: bytes) -> None:
    """Names normalise stably, the same in NFC and NFD, and ignore invisible characters."""
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():
        text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes() // 2)
    else:
        alphabet = VIETNAMESE_LETTERS + "  \t"
        text = "".join(alphabet[fdp.ConsumeIntInRange(0, len(alphabet) - 1)]
                       for _ in range(fdp.ConsumeIntInRange(0, 40)))
        key = blind_index.normalise_name(text)
        expect(re.fullmatch(r"[a-z ]*", key) is not None, f"Vietnamese name not folded: {key!r}")
    _check_name(fdp, text)


def _check_name(fdp, text: str) -> None:
    key = blind_index.normalise_name(text)
    expect(blind_index.normalise_name(key) == key, f"not stable: {text!r} -> {key!r}")
    expect(key == key.strip() and "  " not in key, f"stray spaces: {key!r}")
    expect(not any(unicodedata.combining(char) for char in key), f"diacritics left: {key!r}")
    for form in ("NFC", "NFD"):
        expect(blind_index.normalise_name(unicodedata.normalize(form, text)) == key,
               f"{form} changes the key of {text!r}")
    hidden = _insert_separators(fdp, text, INVISIBLE) if text else text
    expect(blind_index.normalise_name(hidden) == key,
           f"invisible characters change the key: {hidden!r}")


# --- small-cell suppression -----------------------------------------------------------------

def fuzz_suppression(data: bytes) -> None:
    """No count from 1 to k-1, shown or derivable, has a single possible value.

    An oracle independent of the module's own solver: every assignment of whole numbers to
    the cube's (four) leaves is tried, kept if it agrees with everything published, and each
    small count must take at least two values across those that remain.
    """
    fdp = atheris.FuzzedDataProvider(data)
    k = fdp.ConsumeIntInRange(3, 5)
    cube, groups = _small_cube(fdp.ConsumeIntInRange(0, 2))
    cube.counts[...] = np.array([fdp.ConsumeIntInRange(0, 9) for _ in range(cube.counts.size)]
                                ).reshape(cube.counts.shape)
    time = cube.dims[2]
    marks = protect(cube, release_steps(time, groups), k)
    released = {time.index(period.key) for group in groups for period in group}
    _check_marks(cube, marks, k, released)


def _small_cube(shape: int):
    """A table with four leaves: 2×2 in one period, 2 rows over H1 and the year, or 2 lines."""
    label = "label"
    rows = cubes.flat_dimension("rows", [("a", label), ("b", label)], total_label=label)
    one_line = cubes.flat_dimension("line", [("111", label)])
    year, half = whole_year(2025), first_half(2025)
    if shape == 0:
        columns = cubes.flat_dimension("cols", [("c", label), ("d", label)], total_label=label)
        time, _ = cubes.time_dimension([year])
        dims, groups = (rows, columns, time, one_line), [(year,)]
    elif shape == 1:
        time, _ = cubes.time_dimension([half, year])
        dims, groups = (rows, cubes.count_dimension(label), time, one_line), [(half,), (year,)]
    else:
        time, _ = cubes.time_dimension([year])
        lines = cubes.line_dimension({"1800": label, "111": label, "both": label})
        dims, groups = (rows, cubes.count_dimension(label), time, lines), [(year,)]
    return cubes.Cube.empty(dims), groups


def _check_marks(cube, marks, k: int, released: set[int]) -> None:
    values = cube.node_values()
    combos = list(cube.combinations())
    matrix = _combination_matrix(cube)
    shown = [c for c in combos if c[2] in released
             and all(d.nodes[i].published for d, i in zip(cube.dims, c))]
    for combo in shown:
        mark, truth = marks.get(cube.keys(combo)), int(values[combo])
        expect(not (1 <= truth < k and mark is None), f"{truth} shown for {cube.keys(combo)}")
        expect(not (truth == 0 and mark is not None), f"a zero marked {mark}")
        expect(not (mark == Mark.SMALL and truth >= k), f"{truth} marked <{k}")
    grid = np.array(list(itertools.product(range(int(cube.counts.max()) + k + 2),
                                           repeat=cube.counts.size)))
    sums = grid @ matrix.T
    agrees = np.ones(len(grid), dtype=bool)
    for combo in shown:
        column, mark = sums[:, combos.index(combo)], marks.get(cube.keys(combo))
        if mark is None:
            agrees &= column == values[combo]
        else:
            agrees &= (column >= 1) & ((column <= k - 1) if mark == Mark.SMALL else True)
    for index, combo in enumerate(combos):
        if 1 <= values[combo] < k:
            possible = set(sums[agrees, index].tolist())
            expect(len(possible) >= 2,
                   f"{cube.keys(combo)} = {int(values[combo])} can be worked out; "
                   f"counts {cube.counts.ravel().tolist()}, k={k}, marks {marks}")


def _combination_matrix(cube) -> np.ndarray:
    """One row per node combination (in `combinations()` order), one column per leaf."""
    matrix = np.ones((1, 1), dtype=np.int64)
    for dimension in cube.dims:
        matrix = np.kron(matrix, dimension.incidence())
    return matrix


# --- the harness proves it reports a failure ------------------------------------------------

def fuzz_selftest(data: bytes) -> None:
    """A planted bug: the seed input crashes at once, so a silent harness is noticed."""
    if data.startswith(b"FUZZ"):
        raise PropertyBroken("planted bug reached")


TARGETS = {
    "envelope": fuzz_envelope,
    "phone": fuzz_phone,
    "name": fuzz_name,
    "suppression": fuzz_suppression,
    "selftest": fuzz_selftest,
}


def seed_corpus(name: str) -> list[bytes]:
    """Valid starting inputs, so a short run reaches the interesting code quickly."""
    sealed = seal(KEYRING, "Nguyễn Thị Lan 0912 345 678", **PLACE)
    seeds = {
        "envelope": [b"\x00" + sealed.encode(), b"\x01AAAAAAAAAAAAAAAA", b"\x02\x10hello"],
        "phone": [b"\x010912 345 678", b"\x01+84912345678", b"\x0184-912-345-678",
                  b"\x00\x03\x01\x02\x05\x07"],
        "name": ["\x01Nguyễn Thị Lan".encode(), "\x01Đặng  Văn Đức".encode(),
                 b"\x00\x10\x05\x20\x33"],
        "suppression": [bytes([0, 2, 2, 7, 9, 8]), bytes([2, 1, 3, 0, 4, 6]),
                        bytes([1, 0, 1, 1, 5, 2])],
        "selftest": [b"FUZZ"],
    }
    return seeds[name]


def main() -> None:
    name = sys.argv[1]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
