"""Browser tests: a real demo instance served by `casework serve`, driven by headless Chromium.

Per test session (per pytest-xdist worker) one demo instance is created in a temporary
folder with `casework demo --no-serve`, on a scratch PostgreSQL database when
CASEWORK_TEST_DATABASE_URL is set, and served by the production server on a free port.
Chromium is Debian's `/usr/bin/chromium`, driven by Playwright's sync API; nothing is
downloaded. Without Chromium or Playwright the tests skip and say why; under CI (CI=true)
they fail instead, because `.ci/run` installs both.

Fixtures: `base_url`, `page` (a fresh browser context per test, 1366×768), `sign_in`
(the function `sign_in(page, username)`), `demo_instance` (the instance's environment).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casework.demo import DEMO_PASSWORD
from tests.support import databases, servers

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 768}
TIMEOUT_MS = 20_000
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def unavailable(reason: str):
    """Skip on a developer's machine; fail in CI, where the browser must be present."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright, or a skip that says what is missing."""
    if not CHROMIUM.exists():
        unavailable(f"no browser at {CHROMIUM}: apt-get install chromium (.ci/run does this)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory):
    """A demo instance made by the real command; returns the environment that selects it."""
    folder = tmp_path_factory.mktemp("browser")
    with databases.scratch_database(folder) as url:
        env = {"CASEWORK_INSTANCE": str(folder / "instance")}
        if databases.postgres_url():
            env["CASEWORK_DATABASE_URL"] = url
        made = servers.run_casework("demo", "--no-serve", "--instance", env["CASEWORK_INSTANCE"],
                                    env=env)
        assert made.returncode == 0, made.stdout + made.stderr
        yield env


@pytest.fixture(scope="session")
def base_url(demo_instance, tmp_path_factory):
    """The URL of `casework serve` running the demo instance on a free port."""
    port = servers.free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
    command = ["serve", "--port", str(port)]
    if databases.postgres_url():
        command.append("--allow-demo-on-postgresql")  # a synthetic demo on a scratch database
    with servers.running_server(command, env=demo_instance, port=port, log_path=log) as url:
        yield url


@pytest.fixture
def page(chromium, base_url):
    """A page in a fresh browser context: no cookies from other tests."""
    context = chromium.new_context(base_url=base_url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    browser_page = context.new_page()
    yield browser_page
    context.close()


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form and wait for the page that follows."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return sign_in
