"""The GBVIMS and Child Helpline International crosswalks, as data."""

import pytest

from casework import taxonomy
from casework.taxonomy.crosswalk import CHI_TOPIC_MAP, GBVIMS_MAP


def test_every_mapped_code_exists_in_its_list():
    lists = {code_list.name: code_list for code_list in taxonomy.FIXED_LISTS}
    for gbvims_type, pairs in GBVIMS_MAP.items():
        assert gbvims_type in taxonomy.GBVIMS_TYPE
        for scheme, code in pairs:
            assert code in lists[scheme], (scheme, code)
    for topic, category in CHI_TOPIC_MAP.items():
        assert topic in taxonomy.COUNSELLING_TOPIC and category in taxonomy.CHI_CATEGORY


def test_every_form_of_violence_maps_to_a_gbvims_type():
    for form in taxonomy.VIOLENCE_FORM.codes:
        assert taxonomy.gbvims_type_for({("violence_form", form)}) is not None


@pytest.mark.parametrize(("pairs", "expected"), [
    ({("dv_act", "beating_threats"), ("dv_act", "forced_sex_spouse")}, "rape"),
    ({("violence_form", "physical"), ("child_sexual_abuse_type", "molestation")},
     "sexual_assault"),
    ({("violence_form", "psychological"), ("violence_form", "physical")}, "physical_assault"),
    ({("dv_act", "forced_marriage_divorce"), ("dv_act", "insult_humiliation")},
     "forced_marriage"),
    ({("child_abuse_form", "neglect")}, "denial_of_resources"),
    ({("dv_act", "isolation_pressure")}, "psychological_abuse"),
    (set(), None),
])
def test_an_incident_takes_the_first_gbvims_type_that_applies(pairs, expected):
    assert taxonomy.gbvims_type_for(pairs) == expected


@pytest.mark.parametrize(("call_type", "pairs", "topic", "expected"), [
    ("silent", set(), None, "non_counselling"),
    ("about_other", {("violence_form", "physical")}, None, "violence"),
    ("counselling", set(), "peer_relationships", "relationships"),
    ("counselling", set(), "mental_health", "health"),
    ("information", set(), None, "access_to_services"),
    ("counselling", set(), "other", None),
])
def test_child_helpline_international_category(call_type, pairs, topic, expected):
    assert taxonomy.chi_category_for(call_type, pairs, topic) == expected
