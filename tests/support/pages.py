"""Reading what a page holds, for tests that post its forms."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The first CSRF token in the page (the form's, else the sign-out button's)."""
    found = _TOKEN.search(html)
    if found is None:
        raise AssertionError("the page holds no CSRF token")
    return found.group(1)
