"""A case through its whole life in the browser, the way a supervisor and a social worker work.

The supervisor assigns an unassigned demo case; the social worker records the initial and
detailed assessments and a plan, which the supervisor approves; the social worker refers
the survivor (consent, send, the agency's answer, completion), records a service
delivered, reviews and asks to close; the supervisor approves the closure, then reopens it.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import TIMEOUT_MS, VIEWPORT

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def second_page(chromium, base_url):
    """Another browser of its own, for the second person at work."""
    context = chromium.new_context(base_url=base_url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def status(page) -> str:
    return page.locator("#case-status").get_attribute("data-status")


def open_case(page, case_path: str) -> None:
    page.goto(case_path)
    assert page.locator("body").get_attribute("data-endpoint") == "cases.detail"


def test_a_case_from_assignment_to_closure_and_reopening(page, second_page, sign_in):
    supervisor, worker = page, second_page
    sign_in(supervisor, "supervisor")
    assert supervisor.locator("body").get_attribute("data-endpoint") == "cases.overview"
    assert supervisor.locator("svg#open-by-status").is_visible()
    submit(supervisor, "#unassigned-cases tbody tr[data-case] a >> nth=0")
    case_path = supervisor.url.removeprefix(supervisor.url.split("/cases/")[0])
    supervisor.select_option("#assign-worker", label="Lê Văn Minh")
    submit(supervisor, "#assign-case")
    assert status(supervisor) == "initial_assessment"
    assert "Lê Văn Minh" in supervisor.inner_text("#assigned-worker")

    sign_in(worker, "socialworker")
    assert worker.locator(f"#caseload a[href='{case_path}']").count() == 1
    submit(worker, f"#caseload a[href='{case_path}']")
    assess_and_plan(worker)

    open_case(supervisor, case_path)
    submit(supervisor, "#do-decide-plan")
    supervisor.check("input[name=decision][value=approve]")
    submit(supervisor, "#save-step")
    assert status(supervisor) == "in_support"

    open_case(worker, case_path)
    refer(worker)
    open_case(worker, case_path)
    record_service(worker)
    submit(worker, "#do-start-review")
    assert status(worker) == "review"
    submit(worker, "#do-request-closure")
    worker.select_option("#reason", "goals_met")
    worker.fill("#outcome", "Trẻ an toàn, đã đi học lại; gia đình được Hội Phụ nữ theo dõi.")
    submit(worker, "#save-step")
    assert worker.locator("#case-actions .flash-info").count() >= 1  # waiting for approval

    open_case(supervisor, case_path)
    submit(supervisor, "#do-decide-closure")
    supervisor.check("input[name=decision][value=approve]")
    submit(supervisor, "#save-step")
    assert status(supervisor) == "closed"
    submit(supervisor, "#do-reopen")
    supervisor.fill("#reason", "Người gọi báo bạo lực tái diễn.")
    submit(supervisor, "#save-step")
    assert status(supervisor) == "initial_assessment"
    assert "Người gọi báo bạo lực tái diễn." in supervisor.inner_text("#timeline")
    assert supervisor.locator("#audit-trail tbody tr").count() >= 15


def assess_and_plan(worker) -> None:
    submit(worker, "#do-initial-assessment")
    worker.check("input[name=risk_level][value=high]")
    worker.check("#emergency_measures")
    worker.fill("#findings", "Trẻ có vết bầm, cha thường say rượu.")
    submit(worker, "#save-step")
    assert status(worker) == "detailed_assessment"
    submit(worker, "#do-detailed-assessment")
    worker.check("input[name=risk_level][value=medium]")
    worker.check("input[name=needs][value=safety]")
    worker.check("input[name=needs][value=health]")
    submit(worker, "#save-step")
    assert status(worker) == "plan"
    submit(worker, "#do-plan")
    worker.fill("#goals", "Đưa trẻ đến nhà bà ngoại; khám sức khỏe; tư vấn tâm lý hằng tuần.")
    review_on = datetime.now(VIETNAM).date() + timedelta(days=14)
    worker.fill("#review_on", review_on.isoformat())
    submit(worker, "#save-step")
    assert status(worker) == "plan"
    assert worker.locator("#case-actions .flash-info").count() == 1  # waiting for approval


def refer(worker) -> None:
    submit(worker, "#do-refer")
    worker.select_option("#provider_id", index=1)
    worker.fill("#reason", "Khám và cấp giấy chứng nhận thương tích.")
    submit(worker, "#propose-referral")
    for answer in ("#survivor_consent-0", "#representative_consent-0"):
        if worker.locator(answer).count():
            worker.check(answer)
    submit(worker, "#record-consent")
    submit(worker, "#send-referral")
    worker.check("input[name=response][value=accept]")
    submit(worker, "#record-response")
    worker.fill("#outcome", "Đã khám, có kết luận.")
    submit(worker, "#complete-referral")
    assert worker.locator("#referral-status").get_attribute("data-status") == "completed"


def record_service(worker) -> None:
    submit(worker, "#do-record-service")
    worker.select_option("#service_type", "psychosocial")
    worker.fill("#delivered_on", datetime.now(VIETNAM).date().isoformat())
    submit(worker, "#save-service")
    assert worker.locator("#service-list tbody tr").count() >= 1


def test_countdowns_count_from_the_servers_clock_not_the_browsers(page, sign_in):
    sign_in(page, "supervisor")
    # A browser whose clock is two days ahead (a flat battery, a wrong time zone setting).
    page.clock.set_fixed_time(datetime.now(VIETNAM) + timedelta(days=2))
    with page.expect_response(lambda response: response.url == page.url) as answer:
        page.reload()
    served = re.findall(r'<span class="countdown[^"]*" data-due="[^"]+">([^<]+)</span>',
                        answer.value.text())
    assert served, "the overview shows at least one deadline"
    shown = page.locator(".countdown[data-due]").all_inner_texts()
    assert [html.unescape(text) for text in served] == shown
