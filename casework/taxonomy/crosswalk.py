"""International crosswalks as data: GBVIMS core incident types and Child Helpline International.

Each call's classifications are pairs (list name, code), e.g. ("dv_act", "forced_sex_spouse").
An incident gets the first GBVIMS type that applies, in the GBVIMS order.
"""

from __future__ import annotations

from collections.abc import Iterable

from casework.taxonomy.calls import NON_DATA_CALL_TYPES
from casework.taxonomy.codes import code_list

GBVIMS_TYPE = code_list("gbvims_type", [
    ("rape", "Hiếp dâm", "Rape"),
    ("sexual_assault", "Tấn công tình dục", "Sexual assault"),
    ("physical_assault", "Tấn công thể chất", "Physical assault"),
    ("forced_marriage", "Cưỡng ép kết hôn", "Forced marriage"),
    ("denial_of_resources", "Từ chối nguồn lực, cơ hội, dịch vụ",
     "Denial of resources, opportunities or services"),
    ("psychological_abuse", "Bạo hành tâm lý, tinh thần", "Psychological or emotional abuse"),
])

GBVIMS_MAP: dict[str, frozenset[tuple[str, str]]] = {
    "rape": frozenset({
        ("dv_act", "forced_sex_spouse"),
        ("child_sexual_abuse_type", "rape"),
        ("child_sexual_abuse_type", "coerced_sex"),
        ("child_sexual_abuse_type", "intercourse_with_child"),
    }),
    "sexual_assault": frozenset({
        ("violence_form", "sexual"),
        ("dv_act", "forced_pornography"),
        ("dv_act", "forced_pregnancy_abortion"),
        ("child_abuse_form", "sexual_abuse"),
        ("child_sexual_abuse_type", "molestation"),
        ("child_sexual_abuse_type", "prostitution_pornography"),
        ("child_exploitation_type", "prostitution"),
        ("child_exploitation_type", "pornography"),
        ("trafficking_purpose", "sexual_exploitation"),
    }),
    "physical_assault": frozenset({
        ("violence_form", "physical"),
        ("dv_act", "beating_threats"),
        ("dv_act", "confinement"),
        ("child_abuse_form", "violence"),
    }),
    "forced_marriage": frozenset({("dv_act", "forced_marriage_divorce")}),
    "denial_of_resources": frozenset({
        ("violence_form", "economic"),
        ("dv_act", "neglect_dependants"),
        ("dv_act", "property_seizure"),
        ("dv_act", "economic_control"),
        ("dv_act", "forced_eviction"),
        ("dv_act", "obstructing_family_rights"),
        ("child_abuse_form", "abandonment"),
        ("child_abuse_form", "neglect"),
        ("child_abuse_form", "exploitation"),
        ("child_exploitation_type", "illegal_labour"),
        ("trafficking_purpose", "forced_labour"),
    }),
    "psychological_abuse": frozenset({
        ("violence_form", "psychological"),
        ("dv_act", "insult_humiliation"),
        ("dv_act", "forced_witness"),
        ("dv_act", "discrimination"),
        ("dv_act", "isolation_pressure"),
        ("dv_act", "disclosing_private_information"),
    }),
}


def gbvims_type_for(classifications: Iterable[tuple[str, str]]) -> str | None:
    """The first GBVIMS core type, in GBVIMS order, that any classification maps to."""
    present = set(classifications)
    for entry in GBVIMS_TYPE:
        if present & GBVIMS_MAP[entry.code]:
            return entry.code
    return None


CHI_CATEGORY = code_list("chi_category", [
    ("violence", "Bạo lực", "Violence"),
    ("relationships", "Quan hệ gia đình, bạn bè, trường học",
     "Family, peer and school relationships"),
    ("health", "Sức khỏe tâm thần và thể chất", "Mental and physical health"),
    ("sexuality", "Giới tính, tình dục", "Sexuality"),
    ("access_to_services", "Tiếp cận dịch vụ", "Access to services"),
    ("discrimination", "Phân biệt đối xử", "Discrimination"),
    ("missing_children", "Trẻ em mất tích", "Missing children"),
    ("non_counselling", "Cuộc gọi không tư vấn", "Non-counselling contacts"),
])

CHI_TOPIC_MAP: dict[str, str] = {
    "family_relationships": "relationships",
    "peer_relationships": "relationships",
    "school": "relationships",
    "mental_health": "health",
    "physical_health": "health",
    "sexuality": "sexuality",
    "discrimination": "discrimination",
    "missing_child": "missing_children",
    "services_law": "access_to_services",
}


def chi_category_for(call_type: str, classifications: Iterable[tuple[str, str]],
                     counselling_topic: str | None) -> str | None:
    """The Child Helpline International category of a contact, None if nothing applies."""
    if call_type in NON_DATA_CALL_TYPES:
        return "non_counselling"
    if set(classifications):
        return "violence"
    if counselling_topic in CHI_TOPIC_MAP:
        return CHI_TOPIC_MAP[counselling_topic]
    return "access_to_services" if call_type == "information" else None
