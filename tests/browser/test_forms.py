"""The case-work forms as people see them: one look for every form, dates, limits and pick lists.

Screenshots of each form at a phone's width (390 px) and a desktop's (1366 px) are saved as
test artefacts (in pytest's temporary folder, `artefacts/forms/`, or CASEWORK_ARTEFACTS).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}
# (name, path under the case, who): every form of the case work.
CASE_FORMS = [
    ("case", "", "socialworker"),
    ("edit", "/edit", "socialworker"),
    ("initial-assessment", "/assessment/initial", "socialworker"),
    ("detailed-assessment", "/assessment/detailed", "socialworker"),
    ("plan", "/plan", "socialworker"),
    ("plan-decision", "/plan/decision", "supervisor"),
    ("closure", "/closure", "socialworker"),
    ("referral", "/referrals/new", "socialworker"),
    ("service", "/services/new", "socialworker"),
]


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("CASEWORK_ARTEFACTS") or
                  tmp_path_factory.getbasetemp() / "artefacts") / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def browser_page(chromium, base_url, viewport, **options):
    context = chromium.new_context(base_url=base_url, viewport=viewport, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def a_case_of(page, sign_in) -> str:
    """The path of the first case on the social worker's caseload."""
    sign_in(page, "socialworker")
    page.goto("/cases/mine")
    href = page.locator("#caseload a[href^='/cases/']").first.get_attribute("href")
    return href


# Each radio button and check box with its label text to its right, on the same line.
LABELS_BESIDE = """() => {
  const wrong = [];
  for (const label of document.querySelectorAll("main label")) {
    const input = label.querySelector("input[type=radio], input[type=checkbox]");
    if (!input || !label.offsetParent) continue;
    const text = label.querySelector("span") || label;
    const box = input.getBoundingClientRect();
    const words = text.getBoundingClientRect();
    const centre = box.top + box.height / 2;
    const beside = words.left >= box.right - 1 && centre >= words.top && centre <= words.bottom;
    if (!beside) wrong.push(input.id || input.name);
  }
  return wrong;
}"""

COUNTS = """() => ({
  radios: document.querySelectorAll("main input[type=radio], main input[type=checkbox]").length,
  bullets: Array.from(document.querySelectorAll("main form ul")).filter(
    (ul) => ul.querySelector("input[type=radio], input[type=checkbox]")).length,
  overflow: document.querySelector("main form") ?
    document.querySelector("main form").getBoundingClientRect().right - window.innerWidth : 0,
})"""


@pytest.mark.parametrize("width", WIDTHS)
def test_case_forms_look_finished_at_both_widths(chromium, base_url, sign_in, artefacts, width):
    pages = {}
    try:
        for who in ("socialworker", "supervisor"):
            pages[who] = browser_page(chromium, base_url, WIDTHS[width])
        case = a_case_of(pages["socialworker"][1], sign_in)
        sign_in(pages["supervisor"][1], "supervisor")
        choices_seen, problems = 0, []
        for name, path, who in CASE_FORMS:
            page = pages[who][1]
            page.goto(case + path)
            if page.locator("main form").count() == 0:
                continue
            page.screenshot(path=str(artefacts / f"{name}-{width}.png"), full_page=True)
            counts = page.evaluate(COUNTS)
            choices_seen += counts["radios"]
            wrong = page.evaluate(LABELS_BESIDE)
            if wrong:
                problems.append(f"{name}: labels not beside {wrong}")
            if counts["bullets"]:
                problems.append(f"{name}: choices in a bulleted list")
            if counts["overflow"] > 1:
                problems.append(f"{name}: form {counts['overflow']:.0f}px wider than the screen")
        assert choices_seen > 0, "no radio button or check box on any form"
        assert problems == []
        assert len(list(artefacts.glob(f"*-{width}.png"))) >= 5
    finally:
        for context, _ in pages.values():
            context.close()


def test_an_impossible_date_is_named_and_the_focus_goes_to_it(page, sign_in):
    case = a_case_of(page, sign_in)
    page.goto(case)
    page.fill("#description", "Gọi lại cho mẹ")
    page.fill("#due_on", "31/02/2026")
    with page.expect_navigation():
        page.click("#add-task")
    assert "không tồn tại" in page.locator("#due_on-error").inner_text()
    assert page.evaluate("document.activeElement.id") == "due_on"
    assert page.locator(".error-summary a[href='#due_on']").count() == 1
    assert page.input_value("#due_on") == "31/02/2026"
    assert page.input_value("#description") == "Gọi lại cho mẹ"


def test_the_date_picker_speaks_the_page_language_and_starts_on_monday(page, sign_in,
                                                                       artefacts):
    case = a_case_of(page, sign_in)
    page.goto(case)
    page.fill("#due_on", "15/03/2027")
    toggle = page.locator("#due_on ~ button.date-button")
    toggle.click()
    picker = page.locator(".date-picker:not([hidden])")
    assert "tháng 3" in picker.locator("h2").inner_text().lower()
    assert picker.locator("thead th").first.get_attribute("abbr") == "Thứ Hai"
    assert page.evaluate("document.activeElement.dataset.day") == "15/03/2027"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    assert "tháng 4" in picker.locator("h2").inner_text().lower()
    page.screenshot(path=str(artefacts / "date-picker-desktop.png"))
    page.keyboard.press("Enter")
    assert page.input_value("#due_on") == "23/04/2027"
    assert page.locator(".date-picker:not([hidden])").count() == 0
    # Typed variants stay the main way; the browser's own date input is never used.
    assert page.get_attribute("#due_on", "type") == "text"
    # In English, English names; still Monday first and still dd/mm/yyyy.
    with page.expect_navigation():
        page.select_option("#language", "en")
    try:
        page.fill("#due_on", "1-2-2027")
        page.locator("#due_on ~ button.date-button").click()
        picker = page.locator(".date-picker:not([hidden])")
        assert picker.locator("h2").inner_text() == "February 2027"
        assert picker.locator("thead th").first.get_attribute("abbr") == "Monday"
        page.keyboard.press("Enter")
        assert page.input_value("#due_on") == "01/02/2027"
    finally:  # the choice is kept for the account, which other tests share
        with page.expect_navigation():
            page.select_option("#language", "vi")


def test_a_limited_text_counts_and_warns_before_the_limit(page, sign_in):
    case = a_case_of(page, sign_in)
    page.goto(case)
    counter = page.locator("#description-counter")
    limit = int(counter.get_attribute("data-max"))
    page.fill("#description", "a" * 10)
    shown = counter.get_attribute("data-count-text").format(count=10, max=limit)
    assert counter.inner_text() == shown
    assert page.locator("#description-counter-live").inner_text() == ""
    page.fill("#description", "a" * (limit - 5))
    assert "near" in counter.get_attribute("class")
    assert "5" in page.locator("#description-counter-live").inner_text()
    page.fill("#description", "a" * (limit + 50))  # the browser stops at the limit
    assert "full" in counter.get_attribute("class")
    assert str(limit) in page.locator("#description-counter-live").inner_text()
    assert page.get_attribute("#description-counter-live", "aria-live") == "polite"


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def test_a_commune_is_found_by_typing_without_accents(page, sign_in, artefacts):
    sign_in(page, "operator")
    with page.expect_navigation():
        page.keyboard.press("1")  # a call on 111
    # A commune whose name (after "Xã"/"Phường") carries accents.
    code, name = page.evaluate("""() => Array.from(
        document.querySelectorAll('#survivor_commune option'), (o) => [o.value, o.text])
        .find(([v, t]) => v && /[^\\x00-\\x7f]/.test(t.split(' ').slice(1).join(' ')))""")
    typed = fold(" ".join(name.split(" ")[1:]))  # the bare name without accents
    box = page.locator("#survivor_commune + .combo input[role=combobox]")
    label = page.locator(f"#{box.get_attribute('aria-labelledby')}")
    assert label.inner_text().strip() == "Xã, phường"  # the field's own label names the box
    assert label.get_attribute("for") == box.get_attribute("id")
    box.click()
    box.fill(typed)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    assert box.get_attribute("aria-expanded") == "true"
    assert name in listbox.inner_text()
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(artefacts / "commune-search-desktop.png"))
    box.press("ArrowDown")
    while page.locator(f"#{box.get_attribute('aria-activedescendant')}").inner_text() != name:
        box.press("ArrowDown")
    box.press("Enter")
    assert page.input_value("#survivor_commune") == code
    assert box.input_value() == name
    assert box.get_attribute("aria-expanded") == "false"
    # The example of the people who asked for it (the demo serves An Giang).
    box.fill("phu hoa")
    assert "Xã Phú Hòa" in listbox.all_inner_texts()[0].splitlines()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and box.input_value() == name


def test_pick_lists_and_dates_degrade_to_plain_controls_without_script(chromium, base_url,
                                                                       sign_in):
    context, page = browser_page(chromium, base_url, WIDTHS["desktop"], java_script_enabled=False)
    try:
        case = a_case_of(page, sign_in)
        page.goto("/services/")
        assert page.locator("select#commune_code").is_visible()
        assert page.locator("input[role=combobox]").count() == 0
        page.goto(case)
        assert page.locator("#due_on").is_visible() and page.locator(".date-entry").count() == 0
        assert "500" in page.locator("#description-counter").inner_text()
    finally:
        context.close()


def test_the_directory_filters_by_kind(page, sign_in):
    sign_in(page, "socialworker")
    page.goto("/services/")
    kind, label = page.evaluate("""() => {
        const o = document.querySelector('#service_type option:not([value=""])');
        return [o.value, o.text]; }""")
    box = page.locator("#directory-filters input[role=combobox]").first
    box.click()
    box.fill(fold(label)[:6])
    box.press("ArrowDown")
    while page.locator(f"#{box.get_attribute('aria-activedescendant')}").inner_text() != label:
        box.press("ArrowDown")
    box.press("Enter")
    assert page.input_value("#service_type") == kind
    with page.expect_navigation():
        page.click("#directory-filters button[type=submit]")
    assert f"service_type={kind}" in page.url
    kinds = page.locator("#providers tbody tr td:nth-child(2)").all_inner_texts()
    assert set(kinds) <= {label}
