"""Every coded list is data: stable codes, a Vietnamese and an English label, no duplicates."""

import re

import pytest

from casework import taxonomy
from casework.taxonomy.codes import Code, CodeList

CODE_PATTERN = re.compile(r"^[a-z0-9_]+$")


@pytest.mark.parametrize("code_list", taxonomy.FIXED_LISTS, ids=lambda c: c.name)
def test_every_entry_has_a_stable_code_and_two_labels(code_list):
    assert len(code_list) > 0
    for entry in code_list:
        assert CODE_PATTERN.match(entry.code), entry
        assert entry.vi.strip() and entry.en.strip(), entry


def test_list_names_are_unique():
    names = [code_list.name for code_list in taxonomy.FIXED_LISTS]
    assert len(names) == len(set(names))


def test_a_duplicate_code_is_refused():
    with pytest.raises(ValueError, match="duplicate"):
        CodeList("broken", [Code("a", "A", "A"), Code("a", "B", "B")])


def test_call_types_split_into_data_and_non_data_as_in_the_domain():
    assert taxonomy.DATA_CALL_TYPES == {"about_self", "about_other", "follow_up", "information",
                                        "counselling"}
    assert taxonomy.NON_DATA_CALL_TYPES == {"silent", "hang_up", "prank", "abusive",
                                            "wrong_number", "test", "thanks"}


def test_the_four_forms_of_violence_and_every_dv_act_counts_under_one():
    assert taxonomy.VIOLENCE_FORM.codes == ("physical", "psychological", "sexual", "economic")
    assert len(taxonomy.DV_ACT) == 16
    assert {act.group for act in taxonomy.DV_ACT} <= set(taxonomy.VIOLENCE_FORM.codes)


def test_the_54_ethnic_groups_split_into_kinh_and_minorities():
    groups = [e for e in taxonomy.ETHNICITY if e.group in ("kinh", "minority")]
    assert len(groups) == 54
    assert taxonomy.ETHNICITY.in_group("kinh") == {"kinh"}
    assert taxonomy.is_ethnic_minority("khmer") is True
    assert taxonomy.is_ethnic_minority("kinh") is False
    assert taxonomy.is_ethnic_minority("unknown") is None
    assert taxonomy.is_ethnic_minority("foreign") is None
    assert taxonomy.is_ethnic_minority("not-a-group") is None


def test_labels_follow_the_language_of_the_request(app):
    with app.test_request_context(headers={"Cookie": ""}):
        from flask import session

        session["locale"] = "en"
        assert taxonomy.SETTING.label("school") == "School"
        assert ("school", "School") in taxonomy.SETTING.choices()
        session["locale"] = "vi"
        from flask_babel import refresh

        refresh()
        assert taxonomy.SETTING.label("school") == "Trường học"


def test_outside_a_request_labels_are_vietnamese_and_a_language_can_be_asked_for():
    assert taxonomy.URGENCY.label("urgent") == "Khẩn cấp"
    assert taxonomy.URGENCY.label("urgent", "en") == "Urgent"


def test_an_unknown_code_is_shown_as_stored_so_old_records_still_display():
    assert taxonomy.SETTING.label("retired_code") == "retired_code"
    assert taxonomy.SETTING.label(None) == ""


def test_choices_of_one_group():
    codes = [code for code, _label in taxonomy.CALL_TYPE.choices("non_data")]
    assert codes == ["silent", "hang_up", "prank", "abusive", "wrong_number", "test", "thanks"]


def test_code_lists_by_name_include_the_configured_bands_and_communes(app):
    with app.app_context():
        lists = taxonomy.code_lists()
    assert "age_band" in lists and "commune" in lists
    assert lists["setting"] is taxonomy.SETTING
