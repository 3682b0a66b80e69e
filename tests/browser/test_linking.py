"""A mother calls 1800 about herself, then 111 about her son from the same phone: linking
the calls never rewrites what the first call recorded about her."""

from __future__ import annotations

from casework.demo import DEMO_PASSWORD


def _start(page, key: str) -> None:
    page.goto("/calls/desk")
    with page.expect_navigation():
        page.keyboard.press(key)


def _fill_person(page, *, name: str, sex: str, age: str, commune: str) -> None:
    page.fill("#survivor_name", name)
    page.select_option("#survivor_sex", sex)
    page.fill("#survivor_age", age)
    page.select_option("#survivor_commune", commune)


def _log(page) -> None:
    with page.expect_navigation():
        page.click("#log-call")


def test_linking_a_childs_call_to_his_mothers_call_keeps_hers_as_recorded(page, sign_in):
    sign_in(page, "operator", DEMO_PASSWORD)
    _start(page, "8")  # the 1800 line
    page.check("#call_type-0")  # about themself
    page.check("#urgency-2")  # routine
    page.fill("#caller_phone", "+84912345678")
    _fill_person(page, name="Trần Thị Mai", sex="female", age="34", commune="30307")
    page.fill("#survivor_address", "12 Đường Lê Lợi")
    page.check("#violence_forms-0")
    _log(page)
    assert page.locator("body").get_attribute("data-endpoint") == "intake.call_detail"
    mothers_call = page.url

    _start(page, "1")  # the 111 line, the same phone typed another way
    page.check("#call_type-1")  # about someone else
    page.check("#urgency-2")
    page.fill("#caller_phone", "091 234 5678")
    panel = page.locator(".repeat-callers")
    panel.wait_for()
    earlier = panel.locator("label.earlier-call").first
    text = earlier.inner_text()
    assert "T.T.M." in text and "Trần Thị Mai" not in text  # initials only
    assert "Nữ" in text and "18–59" in text  # sex and age band to judge by
    assert "số điện thoại người gọi" in text  # what matched
    earlier.locator("input").check()
    _fill_person(page, name="Nguyễn Văn Nam", sex="male", age="9", commune="30985")
    page.check("#violence_forms-0")
    _log(page)
    # The caller's phone alone is no proof: the operator must confirm, nothing is lost.
    assert page.locator("#confirm_same_survivor-error").is_visible()
    assert page.input_value("#survivor_name") == "Nguyễn Văn Nam"

    page.locator("label.earlier-call input").first.check()
    page.check("#confirm_same_survivor")
    _log(page)
    boy = page.locator("#survivor-facts").inner_text()
    assert "Nguyễn Văn Nam" in boy and "12 Đường Lê Lợi" not in boy

    page.goto(mothers_call)
    mother = page.locator("#survivor-facts").inner_text()
    assert "Trần Thị Mai" in mother and "34" in mother and "12 Đường Lê Lợi" in mother
    assert "Nguyễn Văn Nam" not in mother
