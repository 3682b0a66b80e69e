"""The menu and the home page of each role, contributed by each domain's blueprint."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from casework.accounts.roles import Role


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object  # a lazy translated string
    roles: frozenset[Role]
    order: int = 100


_menu: list[MenuItem] = []
_home: dict[Role, str] = {}


def add_menu_item(endpoint: str, label, roles, order: int = 100) -> None:
    """Add an entry to the menu of the given roles (called once per item at import)."""
    if not any(item.endpoint == endpoint for item in _menu):
        _menu.append(MenuItem(endpoint, label, frozenset(roles), order))


def set_home(role: Role, endpoint: str) -> None:
    """Make `endpoint` the page a role lands on after signing in."""
    _home[role] = endpoint


def menu_for(role: str) -> list[MenuItem]:
    return sorted((item for item in _menu if role in item.roles), key=lambda item: item.order)


def home_endpoint(role: str) -> str:
    """The endpoint a role lands on: its registered home, else the shared home page."""
    return _home.get(Role(role), "web.home")


def home_url(role: str) -> str:
    return url_for(home_endpoint(role))
