"""Every page of every role, in Vietnamese and English, on a phone and on a desktop.

The page list comes from the route table: each role's reachable GET endpoints
(`tests/access_matrix.py`) are found by following the links of the demo instance from the
role's home, so a new page is checked as soon as a link leads to it, and a page no link
reaches fails the coverage test unless `NOT_A_PAGE` or `NOT_LINKED` says why.

On each page: nothing wider than the screen (no horizontal scroll), the heading and the
navigation reachable, and axe-core (shipped inside the `axe-playwright-python` package,
never downloaded) reports no critical or serious violation. Forms are also checked with
their validation errors showing. Screenshots of the main pages at both widths, and a
summary of axe's findings per role, go to the artefacts folder
(`CASEWORK_TEST_ARTIFACTS`, by default `test-artifacts/` in the checkout).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from casework.demo import DEMO_ACCOUNTS
from tests.access_matrix import EXPECTED, PUBLIC, SIGNED_IN
from tests.browser.conftest import TIMEOUT_MS, sign_in

WIDTHS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("vi", "en")
USERS = {role.value: username for username, _, role in DEMO_ACCOUNTS}
FAILING_IMPACTS = ("critical", "serious")
ARTIFACTS = Path(os.environ.get("CASEWORK_TEST_ARTIFACTS")
                 or Path(__file__).resolve().parents[2] / "test-artifacts")

# GET endpoints that answer something other than a page a person reads.
NOT_A_PAGE = {
    "web.healthz": "JSON for monitoring",
    "web.favicon": "an image",
    "web.manifest": "the web app manifest (JSON)",
    "reports.export": "a CSV or XLSX download",
    "intake.repeat_callers": "a fragment fetched by the call form's script",
    "web.index": "a redirect to the role's home",
}
# Pages of a role that no link of the demo instance leads to, and why; each is still
# requested by the route × role matrix.
NOT_LINKED = {
    "accounts.login": "checked signed out (a signed-in user is sent home)",
    "accounts.login_totp": "only during a two-step sign-in (tests/browser/test_demo_accounts.py)",
}
# Forms submitted empty (browser validation switched off) to check the error display.
VALIDATION_FORMS = {
    "accounts.change_password", "admin.create_user", "directory.new_provider",
    "referrals.new_referral", "referrals.record_service", "cases.edit",
    "case_workflow.initial_assessment", "case_workflow.plan", "intake.draft",
}
# The pages whose screenshots are kept (the rest are only checked).
SCREENSHOT_PAGES = {
    "accounts.login", "intake.desk", "intake.draft", "intake.calls", "cases.caseload",
    "cases.overview", "cases.detail", "cases.opened", "reports.board", "admin.users",
    "directory.providers", "referrals.new_referral", "case_workflow.initial_assessment",
    "web.error",
}
MAX_DISCOVERY_PER_ENDPOINT = 25


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


@pytest.fixture(scope="module")
def url_map(app):
    """The app's route table, to name the endpoint behind each link."""
    return app.url_map.bind("localhost")


def match(adapter, path: str) -> tuple[str | None, dict]:
    try:
        return adapter.match(path, method="GET")
    except HTTPException:
        return None, {}


def endpoint_of(adapter, path: str) -> str | None:
    return match(adapter, path)[0]


def may_reach(role: str, endpoint: str) -> bool:
    audience = EXPECTED.get(endpoint, frozenset())
    return audience in (PUBLIC, SIGNED_IN) or role in audience


def get_endpoints(adapter) -> set[str]:
    return {rule.endpoint for rule in adapter.map.iter_rules()
            if "GET" in rule.methods and rule.endpoint != "static"}


def discover(request_context, base_url: str, adapter, start: str) -> dict[str, str]:
    """One URL per endpoint, found by following links (HTTP only, nothing rendered)."""
    found: dict[str, str] = {}
    seen_per_endpoint: Counter = Counter()
    known_values: dict[str, list] = {}
    queue, visited = [start, "/home", "/account"], set()
    while queue:
        # Links to endpoints not yet found go first, so every kind of page is reached early.
        queue.sort(key=lambda target: endpoint_of(adapter, urlsplit(target).path) in found)
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        endpoint = endpoint_of(adapter, urlsplit(path).path)
        if endpoint is None or endpoint in NOT_A_PAGE:
            continue
        seen_per_endpoint[endpoint] += 1
        if seen_per_endpoint[endpoint] > MAX_DISCOVERY_PER_ENDPOINT:
            continue
        response = request_context.get(base_url + path, max_redirects=0)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        found.setdefault(endpoint, path)
        for name, value in match(adapter, urlsplit(path).path)[1].items():
            if value not in known_values.setdefault(name, []):
                known_values[name].append(value)
        parser = _Links()
        parser.feed(response.text())
        for href in parser.hrefs:
            absolute = urljoin(base_url + path, href)
            if absolute.startswith(base_url) and "#" not in href:
                target = absolute[len(base_url):]
                if target not in visited:
                    queue.append(target)
    fill_unlinked(request_context, base_url, adapter, found, known_values)
    return found


def borrow_pages(request_context, base_url, found, pages_of_roles) -> None:
    """Pages another role reached by its links that this role may open too.

    A supervisor reaches only the cases its overview lists (overdue, unassigned, awaiting
    approval), so which of them have referrals depends on the day's demo data; the same page
    found by the social worker is checked for the supervisor as well.
    """
    for other in pages_of_roles.values():
        for endpoint, path in other.items():
            if endpoint in found or endpoint == "web.error":
                continue
            if request_context.get(base_url + path, max_redirects=0).status == 200:
                found[endpoint] = path


def fill_unlinked(request_context, base_url, adapter, found, known_values) -> None:
    """Pages only some records offer a link to: try the ids seen while following links."""
    for rule in adapter.map.iter_rules():
        if (rule.endpoint in found or "GET" not in rule.methods or len(rule.arguments) != 1
                or rule.endpoint in NOT_A_PAGE):
            continue
        (name,) = rule.arguments
        for value in known_values.get(name, [])[:MAX_DISCOVERY_PER_ENDPOINT]:
            path = adapter.build(rule.endpoint, {name: value})
            response = request_context.get(base_url + path, max_redirects=0)
            if response.status == 200:
                found[rule.endpoint] = path
                break


def set_language(page, language: str) -> None:
    """Choose the language through the page's own switch (remembered for the account)."""
    with page.expect_navigation():
        page.evaluate("""language => {
            const form = document.querySelector('form.language-switch');
            form.querySelector('select').value = language;
            form.submit();
        }""", language)
    assert page.locator("html").get_attribute("lang") == language


@pytest.fixture(scope="module")
def role_pages(chromium, base_url, url_map):
    """For each role: {endpoint: path} of the pages its links lead to."""
    pages, contexts = {}, {}
    for role, username in USERS.items():
        context = contexts[role] = chromium.new_context(base_url=base_url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        sign_in(page, username)
        home = urlsplit(page.url).path
        if role == "operator":  # a call in progress, so the call form has a link
            with page.expect_navigation():
                page.locator("#start-form button[type=submit]").first.click()
        found = discover(context.request, base_url, url_map, home)
        found.setdefault("accounts.profile", "/account")
        found["web.error"] = f"/cases/{uuid.uuid4()}"  # the "not found" page
        pages[role] = found
    for role, context in contexts.items():
        borrow_pages(context.request, base_url, pages[role], pages)
        context.close()
    pages["anonymous"] = {"accounts.login": "/login", "web.error": f"/cases/{uuid.uuid4()}"}
    return pages


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is missing: pip install -e '.[test]'")
    return Axe()


def run_axe(axe, page) -> list[dict]:
    """axe's violations on the current page, WCAG 2.x A/AA and best practices."""
    results = axe.run(page, options={"resultTypes": ["violations"]})
    return results.response["violations"]


def layout_problems(page) -> list[str]:
    problems = []
    scroll, inner = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        wide = page.evaluate("""inner => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > inner + 1)
            .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? '.' +
            String(el.className).split(' ').join('.') : ''))""", inner)
        problems.append(f"{scroll}px wide on a {inner}px screen (e.g. {wide})")
    if page.locator("main h1").count() and not page.locator("main h1").first.is_visible():
        problems.append("the page heading is not visible")
    if page.locator("#language").count() and not _reachable(page, "#language"):
        problems.append("the language switch cannot be reached")
    if page.locator("#logout").count() and not _reachable(page, "#logout"):
        problems.append("sign-out cannot be reached")
    return problems


def _reachable(page, selector: str) -> bool:
    """Visible, or shown by opening the collapsed menu."""
    if page.locator(selector).is_visible():
        return True
    toggle = page.locator("details.nav-toggle > summary")
    if toggle.count() and toggle.is_visible():
        toggle.click()
        shown = page.locator(selector).is_visible()
        toggle.click()
        return shown
    return False


def submit_empty(page) -> bool:
    """Submit the page's main form with browser validation off; True if errors show."""
    # The form with the most fields (not a one-button form such as "discard").
    index = page.evaluate("""() => {
        const forms = [...document.querySelectorAll('main form[method=post]')];
        const size = form => form.querySelectorAll(
            'input:not([type=hidden]), select, textarea').length;
        let best = -1;
        forms.forEach((form, i) => { if (best < 0 || size(form) > size(forms[best])) best = i; });
        return best < 0 || size(forms[best]) === 0 ? -1 : best;
    }""")
    if index < 0:
        return False
    form = page.locator("main form[method=post]").nth(index)
    form.evaluate("form => form.noValidate = true")
    for field in form.locator("input[type=text], textarea").all():
        if field.is_visible():
            field.fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]:not([formaction]):visible").last.click()
    return page.locator(".error, .error-summary").count() > 0


def record(summary_name: str, entry: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / summary_name).open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")


def check_page(page, axe, role, language, width_name, endpoint, label) -> list[str]:
    problems = [f"{endpoint}{label}: {problem}" for problem in layout_problems(page)]
    violations = run_axe(axe, page)
    for violation in violations:
        record("axe-violations.jsonl", {
            "role": role, "language": language, "width": width_name,
            "page": endpoint + label, "rule": violation["id"], "impact": violation["impact"],
            "nodes": len(violation["nodes"]),
        })
        if violation["impact"] in FAILING_IMPACTS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            problems.append(f"{endpoint}{label}: axe {violation['impact']} {violation['id']} "
                            f"({violation['help']}) at {targets}")
    record("axe-pages.jsonl", {"role": role, "language": language, "width": width_name,
                               "page": endpoint + label})
    if endpoint in SCREENSHOT_PAGES:
        shots = ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^a-z0-9_.-]+", "-", f"{role}-{endpoint}{label}-{language}-{width_name}")
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    return problems


ROLES = [*USERS, "anonymous"]


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_and_passes_axe(chromium, base_url, role_pages, axe, role, language,
                                        width_name):
    context = chromium.new_context(base_url=base_url, viewport=WIDTHS[width_name])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = []
    try:
        if role == "anonymous":
            page.goto("/login")
        else:
            sign_in(page, USERS[role])
        set_language(page, language)
        for endpoint, path in sorted(role_pages[role].items()):
            page.goto(path)
            problems += check_page(page, axe, role, language, width_name, endpoint, "")
            if endpoint in VALIDATION_FORMS or (role == "anonymous"
                                                and endpoint == "accounts.login"):
                if submit_empty(page):
                    problems += check_page(page, axe, role, language, width_name, endpoint,
                                           "+errors")
        if role != "anonymous":
            set_language(page, "vi")
    finally:
        context.close()
    for problem in problems:
        record("problems.jsonl", {"role": role, "language": language, "width": width_name,
                                  "problem": problem})
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_of_each_role_is_checked(role_pages, url_map, role):
    """Each GET page the role may reach is visited, or listed with a reason above."""
    reachable = {endpoint for endpoint in get_endpoints(url_map) if may_reach(role, endpoint)}
    missing = reachable - set(role_pages[role]) - set(NOT_A_PAGE) - set(NOT_LINKED)
    assert not missing, ", ".join(sorted(missing))
