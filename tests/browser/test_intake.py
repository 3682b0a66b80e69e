"""An operator at the call desk in Chromium, with the keyboard: silent call, data call, repeat
caller, case, and a draft that survives a closed tab.

Keystrokes and seconds are counted and printed (run with -s). The seconds are the machine's
(Playwright types instantly): they show what the software adds, not how fast a person is.
A typed character counts as one key, as on a keyboard with a Vietnamese input method's
precomposed characters; Telex typing takes a few more.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD

PHONE = "0939 417 562"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Keyboard:
    """The page's keyboard, counting every key pressed (a typed character is one key)."""

    page: object
    keys: int = 0
    typed: int = 0
    started: float = field(default_factory=time.perf_counter)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.keys += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)
        self.typed += len(text)

    def summary(self) -> str:
        return (f"{self.keys} keystrokes ({self.typed} typed characters, "
                f"{self.keys - self.typed} keys to move and choose), {self.seconds:.2f} s")

    def tab(self, times: int = 1) -> None:
        self.press("Tab", times)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


def endpoint(page) -> str:
    return page.locator("body").get_attribute("data-endpoint")


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name")


def tab_to(keyboard: Keyboard, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element has the focus, as an operator would."""
    for _ in range(limit):
        if focused(keyboard.page) == element_id:
            return
        keyboard.tab()
    raise AssertionError(f"{element_id} never received the focus")


@pytest.fixture
def desk(page, sign_in):
    sign_in(page, "operator", DEMO_PASSWORD)
    assert endpoint(page) == "intake.desk"
    return page


def test_a_silent_call_takes_two_keys(desk):
    keyboard = Keyboard(desk)
    with desk.expect_navigation():
        keyboard.press("1")  # start a call on 111
    assert endpoint(desk) == "intake.draft"
    with desk.expect_navigation():
        keyboard.press("s")  # silent
    assert endpoint(desk) == "intake.desk"
    assert "Im lặng" in desk.locator(".flash-success").inner_text()
    print(f"\nSilent call: {keyboard.summary()}")
    assert keyboard.keys == 2


def log_routine_call_with_the_keyboard(page) -> Keyboard:
    """A routine report about a child, typed with the keyboard only, most important first."""
    keyboard = Keyboard(page)
    with page.expect_navigation():
        keyboard.press("1")
    keyboard.press("d")  # to the form: the first kind of call
    keyboard.press("ArrowDown")  # about someone else
    keyboard.tab()
    keyboard.press("ArrowDown", 2)  # danger: routine (third choice)
    keyboard.tab()
    keyboard.type(PHONE)
    keyboard.tab()
    keyboard.press("ArrowDown", 2)  # caller is: parent or caregiver
    tab_to(keyboard, "survivor_name")
    keyboard.type("Lâm Thị Kiều")
    tab_to(keyboard, "survivor_sex")
    keyboard.press("ArrowDown")  # female
    keyboard.tab()
    keyboard.type("10")
    tab_to(keyboard, "violence_forms-0")
    keyboard.press("Space")  # physical
    tab_to(keyboard, "setting")
    keyboard.press("ArrowDown")  # family
    keyboard.tab()
    keyboard.press("ArrowDown", 3)  # by a parent or caregiver
    tab_to(keyboard, "narrative")
    keyboard.type("Mẹ kể cháu bị bố dượng đánh.")
    with page.expect_navigation():
        keyboard.press("Control+Enter")
    return keyboard


def test_a_routine_data_call_repeat_caller_and_case_with_the_keyboard(desk):
    first = log_routine_call_with_the_keyboard(desk)
    assert endpoint(desk) == "intake.call_detail"
    facts = desk.locator("#call-facts").inner_text()
    assert "Báo về người khác" in facts and "Thông thường" in facts
    assert "Lâm Thị Kiều" in desk.locator("#survivor-facts").inner_text()
    print(f"\nRoutine data call: {first.summary()}")
    first_call = desk.url

    # The same caller again, the number typed differently: the form recognises them.
    desk.goto("/calls/desk")
    keyboard = Keyboard(desk)
    with desk.expect_navigation():
        keyboard.press("1")
    desk.focus("#caller_phone")
    keyboard.type("+84 939 417 562")
    panel = desk.locator(".repeat-callers")
    panel.wait_for()
    earlier = panel.locator("input[name=previous_call_id]:not([value=''])")
    assert earlier.count() >= 1
    desk.focus("input[name=previous_call_id][value='']")
    keyboard.press("ArrowDown")  # link to the most recent earlier call: ours
    assert earlier.first.is_checked()
    assert first_call.endswith(earlier.first.get_attribute("value"))
    desk.focus("#confirm_same_survivor")  # only the caller's phone matched: confirm the person
    keyboard.press("Space")
    desk.focus("#call_type-2")  # follow-up
    keyboard.press("Space")
    desk.focus("#urgency-1")  # urgent
    keyboard.press("Space")
    with desk.expect_navigation():
        keyboard.press("Control+Enter")
    assert endpoint(desk) == "intake.call_detail"
    assert first_call.endswith(desk.locator("#previous-call a").get_attribute("href"))

    # From call to case.
    desk.focus("#open-case")
    with desk.expect_navigation():
        keyboard.press("Enter")
    assert re.search(r"AG-\d{4}-\d+", desk.locator(".flash-success").inner_text())
    assert desk.locator(".linked-case").count() == 1


def test_a_closed_tab_loses_nothing(desk):
    with desk.expect_navigation():
        desk.keyboard.press("8")  # start a call on 1800
    draft_url = desk.url
    desk.focus("#survivor_name")
    desk.keyboard.type("Châu Ngọc Hân")
    desk.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes(':')"
        " && !document.getElementById('autosave-status').classList.contains('failed')")
    desk.wait_for_timeout(1500)  # let the save that follows the last key land
    desk.goto("/calls/desk")
    resume = desk.locator(f"#open-drafts a[href$='{draft_url.split('/calls')[-1]}']")
    with desk.expect_navigation():
        resume.click()
    assert desk.locator("#survivor_name").input_value() == "Châu Ngọc Hân"
    desk.once("dialog", lambda dialog: dialog.accept())
    with desk.expect_navigation():
        desk.click("button[formaction$='/discard']")
    assert endpoint(desk) == "intake.desk"


HOLD_BEACONS = """(() => {
  navigator.sendBeacon = (url, body) => {
    const held = JSON.parse(sessionStorage.getItem("held-beacons") || "[]");
    held.push(Array.from(body).filter(([, value]) => typeof value === "string"));
    sessionStorage.setItem("held-beacons", JSON.stringify(held));
    return true;
  };
})()"""


def _start_call(desk) -> str:
    with desk.expect_navigation():
        desk.keyboard.press("8")  # start a call on 1800
    return desk.url


def _is_save(response) -> bool:
    """An answer to the page's own save (a beacon carries no header)."""
    return (response.url.endswith("/autosave")
            and response.request.headers.get("x-requested-with") == "fetch")


def _type_and_wait_for_the_answer(tab, selector: str, text: str):
    tab.focus(selector)
    with tab.expect_response(_is_save) as answer:
        tab.keyboard.type(text)
    return answer.value


def test_a_call_open_in_two_tabs_is_told_and_neither_overwrites_the_other(desk):
    url = _start_call(desk)
    second = desk.context.new_page()
    second.goto(url)
    # Each tab learns of the other as soon as the second one opens.
    for tab in (desk, second):
        tab.wait_for_selector("#draft-notice:not([hidden])")
        assert "tab" in tab.inner_text("#draft-notice") or "thẻ" in tab.inner_text("#draft-notice")
    # The browser is set to another time zone: the page still shows the server's time in Vietnam.
    desk.context.new_cdp_session(desk).send("Emulation.setTimezoneOverride",
                                            {"timezoneId": "Europe/Paris"})
    first_save = _type_and_wait_for_the_answer(desk, "#narrative", "Gõ ở thẻ thứ nhất")
    assert first_save.status == 200
    saved_at = datetime.fromisoformat(first_save.json()["saved_at"]).astimezone(VIETNAM)
    # The page shows the answer once its script has read it, a moment after it arrives.
    expect(desk.locator("#autosave-status")).to_have_text(f"Đã lưu nháp lúc {saved_at:%H:%M:%S}")

    refused = _type_and_wait_for_the_answer(second, "#narrative", "Gõ ở thẻ thứ hai")
    assert refused.status == 409
    status = second.locator("#autosave-status")
    expect(status).to_contain_text("Chưa lưu")
    assert "Chưa lưu" in status.inner_text() and "Đã lưu" not in status.inner_text()
    assert "failed" in status.get_attribute("class")
    assert second.input_value("#narrative") == "Gõ ở thẻ thứ hai"  # kept on the page
    notice = second.locator("#draft-notice")  # announced: an alert, beside the polite status
    assert notice.get_attribute("role") == "alert" and "Chưa lưu" in notice.inner_text()
    assert status.get_attribute("role") == "status"
    third = desk.context.new_page()
    third.goto(url)
    assert third.input_value("#narrative") == "Gõ ở thẻ thứ nhất"
    third.close()

    # The operator chooses the second tab's text, knowingly; now the first tab is the one told.
    with second.expect_response(_is_save) as kept:
        second.click("#draft-keep-mine")
    assert kept.value.status == 200
    expect(second.locator("#autosave-status")).to_have_text(re.compile("^Đã lưu nháp lúc"))
    late = _type_and_wait_for_the_answer(desk, "#narrative", " và thêm")
    assert late.status == 409
    expect(desk.locator("#autosave-status")).to_contain_text("Chưa lưu")
    second.close()


def test_a_reload_right_after_typing_keeps_the_last_words_and_a_late_beacon_never_wins(desk):
    url = _start_call(desk)
    assert _type_and_wait_for_the_answer(desk, "#narrative", "Cháu bị đánh").status == 200
    # The beacon the page sends as it unloads is held back (kept in the tab, not sent), to land
    # only after the reloaded page has saved: the late arrival once seen on a slow network.
    desk.evaluate(HOLD_BEACONS)
    desk.context.add_init_script(HOLD_BEACONS)
    desk.keyboard.type(" khi mẹ đi vắng")
    with desk.expect_response(_is_save) as restored_save:
        desk.reload()  # at once: the save that follows typing has not been sent
    assert desk.input_value("#narrative") == "Cháu bị đánh khi mẹ đi vắng"
    assert restored_save.value.status == 200
    assert _type_and_wait_for_the_answer(desk, "#narrative", ", lần thứ hai").status == 200
    newest = "Cháu bị đánh khi mẹ đi vắng, lần thứ hai"

    held = desk.evaluate("JSON.parse(sessionStorage.getItem('held-beacons') || '[]')")
    assert len(held) == 1, "the page sent its unsent words as it unloaded"
    late = desk.context.request.post(f"{url}/autosave", multipart=dict(held[0]))
    assert late.status == 409 and late.json()["saved"] is False
    desk.goto(url)
    assert desk.input_value("#narrative") == newest

    # Leaving the call screen at once for another page leaves nothing typed behind in the tab.
    desk.focus("#narrative")
    desk.keyboard.type(" x")
    desk.goto("/calls/desk")
    kept = desk.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('casework.'))")
    assert kept == []


def test_a_failed_repeat_caller_lookup_says_so_instead_of_showing_no_earlier_calls(desk):
    _start_call(desk)
    desk.route("**/repeat-callers", lambda route: route.fulfill(status=503, body="unavailable"))
    with desk.expect_response(lambda response: response.url.endswith("/repeat-callers")):
        desk.fill("#caller_phone", "0912345678")
    alert = desk.locator("#repeat-callers [role=alert]")
    alert.wait_for()
    assert "không có nghĩa là không có" in alert.inner_text()
