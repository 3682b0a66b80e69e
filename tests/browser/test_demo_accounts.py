"""Each demo account signs in, lands on its role's home, sees only its own menu, signs out."""

from __future__ import annotations

import importlib

import pytest

from casework import BLUEPRINT_MODULES
from casework.demo import DEMO_ACCOUNTS
from casework.web.navigation import home_endpoint, menu_for
from tests.access_matrix import EXPECTED, SIGNED_IN

# The menu and home registry fills as the blueprints are imported, as in the server.
for _module in BLUEPRINT_MODULES:
    importlib.import_module(_module)


def shown_menu(page) -> list[str]:
    return page.locator("nav.menu [data-menu]").evaluate_all(
        "links => links.map(link => link.dataset.menu)"
    )


def may_reach(role: str, endpoint: str) -> bool:
    """What tests/access_matrix.py says; an endpoint missing there counts as unreachable."""
    audience = EXPECTED.get(endpoint, frozenset())
    return audience == SIGNED_IN or role in audience


@pytest.mark.parametrize(("username", "role"), [(name, role) for name, _, role in DEMO_ACCOUNTS])
def test_demo_account_reaches_only_its_own_area(page, sign_in, username, role):
    sign_in(page, username)
    assert page.locator("body").get_attribute("data-endpoint") == home_endpoint(role)
    assert page.locator(".demo-banner").is_visible()

    menu = shown_menu(page)
    assert menu == [item.endpoint for item in menu_for(role)]
    assert [endpoint for endpoint in menu if not may_reach(role, endpoint)] == []
    for endpoint in menu:
        with page.expect_navigation():
            page.click(f"nav.menu [data-menu='{endpoint}']")
        assert page.locator("body").get_attribute("data-endpoint") == endpoint

    with page.expect_navigation():
        page.click("#logout")
    assert page.locator("body").get_attribute("data-endpoint") == "accounts.login"
    page.goto("/home")
    assert page.locator("body").get_attribute("data-endpoint") == "accounts.login"


def test_admin_menu_offers_user_management_and_others_do_not():
    assert "admin.users" in [item.endpoint for item in menu_for("admin")]
    for _name, _display, role in DEMO_ACCOUNTS:
        if role != "admin":
            assert "admin.users" not in [item.endpoint for item in menu_for(role)]
