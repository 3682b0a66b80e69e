"""Ages: report bands (configurable), child (<16) and minor (<18) thresholds, age from birth.

Bands are written "0-5" or "60+"; the configured list must start at 0, leave no gap and end
with an open band. The stored band code is derived once, at recording, from the stored age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from casework.taxonomy.codes import Code, CodeList

DEFAULT_AGE_BANDS = ("0-5", "6-11", "12-15", "16-17", "18-59", "60+")
UNKNOWN = "unknown"
# A child in Vietnamese law (Law on Children 2016 Art. 1); a minor internationally and in
# trafficking and criminal procedure law.
CHILD_VN_UNDER = 16
MINOR_UNDER = 18
MAX_AGE = 120


class AgeBandError(ValueError):
    """The configured age bands are malformed; the message says how."""


@dataclass(frozen=True)
class AgeBand:
    code: str
    low: int
    high: int | None  # None: open-ended

    def contains(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)


def _parse_one(spec: str) -> AgeBand:
    text = spec.strip()
    try:
        if text.endswith("+"):
            return AgeBand(text, int(text[:-1]), None)
        low, high = (int(part) for part in text.split("-"))
    except ValueError:
        raise AgeBandError(f"age band {spec!r} is not like '6-11' or '60+'") from None
    if high < low:
        raise AgeBandError(f"age band {spec!r} ends before it starts")
    return AgeBand(text, low, high)


def parse_age_bands(specs: tuple[str, ...] | list[str]) -> tuple[AgeBand, ...]:
    """Parse and check a band list: from 0, contiguous, ending with an open band."""
    bands = tuple(_parse_one(spec) for spec in specs)
    if not bands:
        raise AgeBandError("at least one age band is needed")
    expected_low = 0
    for band in bands:
        if band.low != expected_low:
            raise AgeBandError(f"age band {band.code!r} should start at {expected_low}")
        if band.high is None and band is not bands[-1]:
            raise AgeBandError(f"only the last age band may be open-ended, not {band.code!r}")
        expected_low = (band.high or 0) + 1
    if bands[-1].high is not None:
        raise AgeBandError("the last age band must be open-ended, like '60+'")
    return bands


def configured_age_bands() -> tuple[AgeBand, ...]:
    """The bands of the running instance, or the defaults outside an application."""
    from flask import current_app, has_app_context

    if has_app_context() and "casework.settings" in current_app.extensions:
        return _parsed(tuple(current_app.extensions["casework.settings"].age_bands))
    return _parsed(DEFAULT_AGE_BANDS)


@lru_cache(maxsize=8)
def _parsed(specs: tuple[str, ...]) -> tuple[AgeBand, ...]:
    return parse_age_bands(specs)


def age_band(age: int | None, bands: tuple[AgeBand, ...] | None = None) -> str:
    """The band code of an age, or 'unknown'."""
    if age is None or age < 0:
        return UNKNOWN
    for band in bands or configured_age_bands():
        if band.contains(age):
            return band.code
    return UNKNOWN


def age_band_list(bands: tuple[AgeBand, ...] | None = None) -> CodeList:
    """The configured bands as a coded list with labels, 'unknown' last."""
    entries = []
    for band in bands or configured_age_bands():
        if band.high is None:
            entries.append(Code(band.code, f"Từ {band.low} tuổi", f"{band.low} and over"))
        else:
            entries.append(Code(band.code, f"{band.low}–{band.high} tuổi",
                                f"{band.low}–{band.high}"))
    entries.append(Code(UNKNOWN, "Không rõ", "Unknown"))
    return CodeList("age_band", entries)


def is_child_vn(age: int | None) -> bool | None:
    return None if age is None else age < CHILD_VN_UNDER


def is_minor(age: int | None) -> bool | None:
    return None if age is None else age < MINOR_UNDER


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on a given day."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)
