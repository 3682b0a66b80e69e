"""Coded lists: a stable English code stored in the data, Vietnamese and English labels shown.

Records store the code, never a label, so reports and exports read the same in either
language. Labels follow the language of the current request (Vietnamese outside a request).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


def current_language() -> str:
    """The language of the current request, or Vietnamese outside one."""
    from flask import has_request_context

    if not has_request_context():
        return "vi"
    from flask_babel import get_locale

    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "vi"


@dataclass(frozen=True)
class Code:
    """One entry of a coded list; `group` places it in a wider class (data call, minority…)."""

    code: str
    vi: str
    en: str
    group: str | None = None

    def label_in(self, language: str) -> str:
        return self.en if language == "en" else self.vi

    @property
    def label(self) -> str:
        return self.label_in(current_language())


class CodeList:
    """An ordered list of codes with labels, used by forms, validation and reports."""

    def __init__(self, name: str, codes: Iterable[Code]):
        self.name = name
        self.entries: tuple[Code, ...] = tuple(codes)
        self._by_code = {entry.code: entry for entry in self.entries}
        if len(self._by_code) != len(self.entries):
            raise ValueError(f"duplicate code in list {name}")

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Code]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.entries)

    def get(self, code: str | None) -> Code | None:
        return self._by_code.get(code) if code is not None else None

    def label(self, code: str | None, language: str | None = None) -> str:
        """The label of a code in the given or current language; an unknown code as stored."""
        entry = self.get(code)
        if entry is None:
            return "" if code is None else str(code)
        return entry.label_in(language or current_language())

    def choices(self, group: str | None = None) -> list[tuple[str, str]]:
        """(code, label) pairs for a form, optionally only one group."""
        language = current_language()
        return [(e.code, e.label_in(language)) for e in self.entries
                if group is None or e.group == group]

    def in_group(self, group: str) -> frozenset[str]:
        return frozenset(entry.code for entry in self.entries if entry.group == group)


def code_list(name: str, rows: Iterable[tuple]) -> CodeList:
    """Build a list from (code, vi, en[, group]) rows."""
    return CodeList(name, (Code(*row) for row in rows))
