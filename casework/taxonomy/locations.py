"""Communes of the configured province, from the `vietnam-provinces` package.

Since 1/7/2025 Vietnam has two levels: provinces and communes (xã, phường, đặc khu). A record
keeps the commune code as recorded (five digits, as the statistics office writes them), so a
record made before a boundary change still reports under the code it was given.
"""

from __future__ import annotations

from functools import lru_cache

from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward, WardCode

from casework.taxonomy.codes import Code, CodeList

_ENGLISH_KIND = {
    VietNamDivisionType.XA: ("Xã ", "commune"),
    VietNamDivisionType.PHUONG: ("Phường ", "ward"),
    VietNamDivisionType.DAC_KHU: ("Đặc khu ", "special zone"),
}
_CODENAME_PREFIXES = ("xa_", "phuong_", "dac_khu_")


def commune_code(ward: Ward) -> str:
    return f"{int(ward.code):05d}"


def _sort_key(ward: Ward) -> str:
    """Sort by the bare name, so communes and wards interleave alphabetically."""
    for prefix in _CODENAME_PREFIXES:
        if ward.codename.startswith(prefix):
            return ward.codename.removeprefix(prefix)
    return ward.codename


def _english_name(ward: Ward) -> str:
    prefix, kind = _ENGLISH_KIND.get(ward.division_type, ("", "commune"))
    return f"{ward.name.removeprefix(prefix)} {kind}"


def province_name(province_code: int) -> str:
    """The province's Vietnamese name; raises ValueError for an unknown code."""
    return Province.from_code(ProvinceCode(province_code)).name


@lru_cache(maxsize=8)
def communes(province_code: int) -> CodeList:
    """The communes of a province, sorted by name, as a coded list."""
    try:
        province = ProvinceCode(province_code)
    except ValueError:
        raise ValueError(f"unknown province code {province_code}") from None
    wards = sorted(Ward.iter_by_province(province), key=_sort_key)
    return CodeList(
        f"commune_{province_code}",
        (Code(commune_code(ward), ward.name, _english_name(ward)) for ward in wards),
    )


def configured_communes() -> CodeList:
    """The communes of the province this instance serves (`Settings.province_code`)."""
    from flask import current_app

    return communes(current_app.extensions["casework.settings"].province_code)


def commune_label(code: str | None, language: str | None = None) -> str:
    """The name of any recorded commune code, even outside today's province; else the code."""
    if not code:
        return ""
    try:
        ward = Ward.from_code(WardCode(int(code)))
    except ValueError:
        return code
    return communes(int(ward.province_code)).label(code, language)
