"""Find every form the application shows, read it back, and submit it like a browser.

Forms are discovered from the pages themselves (every GET route the role may open, with
real records for the URL arguments), so a new form is attacked without anyone listing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TEXT_KINDS = frozenset({"text", "search", "tel", "email", "url", "number", "date",
                        "datetime-local", "time", "month", "textarea", "hidden", "password"})
NOT_ATTACKED = frozenset({"csrf_token"})


@dataclass
class FormField:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)

    @property
    def signature(self) -> tuple:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    """Collect forms with their inputs, selects, textareas and named buttons."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._form = Form(action, attributes.get("method", "get").lower())
        elif self._form is not None:
            self._field_tag(tag, attributes)

    def _field_tag(self, tag: str, attributes: dict[str, str]) -> None:
        name = attributes.get("name")
        if tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self._select.value = attributes.get("value", "")
        if not name:
            return
        if tag == "input":
            self._input(name, attributes)
        elif tag == "select":
            self._select = self._add(name, "select", multiple="multiple" in attributes)
        elif tag == "textarea":
            self._textarea = self._add(name, "textarea")
        elif tag == "button" and attributes.get("type", "submit") == "submit":
            self._add(name, "button").options.append(attributes.get("value", ""))

    def _input(self, name: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text").lower()
        if kind in ("checkbox", "radio", "submit"):
            self._add(name, kind).options.append(attributes.get("value", "on"))
            return
        self._add(name, kind).value = attributes.get("value", "")

    def _add(self, name: str, kind: str, multiple: bool = False) -> FormField:
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = FormField(name, kind, multiple=multiple)
        return existing

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser drops nothing; a browser drops one newline after <textarea>.
            value = self._textarea.value
            self._textarea.value = value[2:] if value.startswith("\r\n") else (
                value[1:] if value.startswith("\n") else value)
            self._textarea = None


def forms_in(html: str, page_url: str) -> list[Form]:
    """Every form of a page, with absolute actions."""
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


def local_path(url: str) -> str:
    """The path and query of an absolute test-client URL."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
