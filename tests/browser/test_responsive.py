"""The frame on a phone: the folded menu opens by touch and keyboard, and works without script."""

from __future__ import annotations

from tests.browser.conftest import TIMEOUT_MS, sign_in

PHONE = {"width": 390, "height": 844}


def phone_page(chromium, base_url, **options):
    context = chromium.new_context(base_url=base_url, viewport=PHONE, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def test_phone_menu_is_folded_and_opens_by_keyboard(chromium, base_url):
    context, page = phone_page(chromium, base_url)
    try:
        sign_in(page, "supervisor")
        menu = page.locator("nav.menu")
        assert not menu.is_visible() and not page.locator("#logout").is_visible()
        page.locator("details.nav-toggle > summary").focus()
        page.keyboard.press("Enter")
        assert menu.is_visible() and page.locator("#logout").is_visible()
        assert page.locator("#language").is_visible()
        box = page.locator("nav.menu [data-menu]").first.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
        first = page.locator("nav.menu [data-menu]").first.get_attribute("data-menu")
        with page.expect_navigation():
            page.locator("nav.menu [data-menu]").first.click()
        assert page.locator("body").get_attribute("data-endpoint") == first
    finally:
        context.close()


def test_phone_menu_works_without_script(chromium, base_url):
    context, page = phone_page(chromium, base_url, java_script_enabled=False)
    try:
        sign_in(page, "socialworker")
        assert page.locator("nav.menu [data-menu]").first.is_visible()
        assert page.locator("#logout").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        with page.expect_navigation():
            page.click("#logout")
        assert page.locator("body").get_attribute("data-endpoint") == "accounts.login"
    finally:
        context.close()


def test_caseload_cards_show_the_deadline_first_on_a_phone(chromium, base_url):
    context, page = phone_page(chromium, base_url)
    try:
        sign_in(page, "socialworker")
        row = page.locator("#caseload tbody tr[data-case]").first
        cells = row.locator("td")
        deadline = row.locator("td.deadline")
        assert deadline.bounding_box()["y"] < cells.first.bounding_box()["y"]
        assert deadline.evaluate("cell => getComputedStyle(cell, '::before').content") != "none"
    finally:
        context.close()


def test_call_desk_keeps_its_keys_and_open_menu_on_a_desktop(page, sign_in):
    sign_in(page, "operator")
    assert page.locator("body").get_attribute("data-endpoint") == "intake.desk"
    assert page.locator("nav.menu").is_visible()  # not folded at 1366 px
    assert not page.locator("details.nav-toggle > summary").is_visible()
    with page.expect_navigation():
        page.keyboard.press("1")  # start a call on 111, as before
    assert page.locator("body").get_attribute("data-endpoint") == "intake.draft"


def test_tablet_pages_fit_the_screen(chromium, base_url):
    context = chromium.new_context(base_url=base_url, viewport={"width": 768, "height": 1024})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, "supervisor")
        pages = [page.url]
        pages.append(page.locator("main table a[href*='/cases/']").first.get_attribute("href"))
        for address in pages:
            page.goto(address)
            assert page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"), address
            assert page.locator("details.nav-toggle > summary").is_visible()
    finally:
        context.close()
