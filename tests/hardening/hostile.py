"""Hostile values: what an attacker, a broken client or a careless paste puts in a form.

Each value carries what it tests in its name; `hostile_text()` mixes them with Hypothesis's
own text so shrinking still finds the smallest failing input.
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

NAME_NFC = "Nguyễn Thị Hồng Nhung"
# Template injection markers: if the product appears in a page, a template evaluated input.
TEMPLATE_PRODUCT = str(1234 * 5678)

HOSTILE_VALUES: dict[str, str] = {
    "script": "<script>alert('casework')</script>",
    "attribute breakout": "\"'><img src=x onerror=alert(1)>",
    "jinja expression": "{{1234*5678}}",
    "jinja statement": "{% print(1234*5678) %}",
    "other template syntax": "${1234*5678} #{1234*5678} <%= 1234*5678 %>",
    "javascript url": "javascript:alert(1)",
    "sql quote": "' OR '1'='1' --",
    "sql statement": "1; DROP TABLE calls; --",
    "like wildcards": "%_%",
    "like escape": "\\%\\_\\\\",
    "nul": "\x00",
    "nul inside": "Lan\x00<b>",
    "control characters": "\x01\x07\x08\x1b[31m\x7f",
    "zero width": "\u200bLan\u200c\u200d\ufeff",
    "right to left": "\u202egnp.exe\u202c \u200fابت",
    "emoji": "😀 👩‍👩‍👧 🇻🇳",
    "vietnamese nfc": NAME_NFC,
    "vietnamese nfd": unicodedata.normalize("NFD", NAME_NFC),
    "only spaces": "   ",
    "empty": "",
    "newlines": "line one\r\nline two\n\rline three",
    "header injection": "x\r\nSet-Cookie: casework_session=stolen",
    "path traversal": "../../../../etc/passwd",
    "long": "Đ" * 5000,
    "number overflow": "99999999999999999999999999",
    "negative": "-1",
    "float edge": "1e309",
    "not a number": "NaN",
    "impossible date": "2026-02-30",
    "far date": "9999-12-31",
    "ancient date": "0001-01-01",
    "phone": "0912 345 678",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "json": '{"__proto__": {"admin": true}}',
}

SCRIPT_MARKERS = ("<script>alert('casework')", "<img src=x onerror=alert(1)>")


def hostile_text() -> st.SearchStrategy[str]:
    """A hostile value, or arbitrary text (any Unicode, control characters included)."""
    return st.one_of(
        st.sampled_from(list(HOSTILE_VALUES.values())),
        st.text(max_size=200),
        st.builds(lambda a, b: a + b, st.sampled_from(list(HOSTILE_VALUES.values())),
                  st.text(max_size=20)),
    )


def unescaped_markup(body: str) -> list[str]:
    """Hostile markup or an evaluated template that a page shows as-is."""
    found = [marker for marker in SCRIPT_MARKERS if marker in body]
    if TEMPLATE_PRODUCT in body:
        found.append(f"template evaluated ({TEMPLATE_PRODUCT})")
    return found
