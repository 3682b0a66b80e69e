"""Form helpers shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs; labels may be lazy strings."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
