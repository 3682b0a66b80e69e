"""Every coded list of DOMAIN.md as data: stable codes with Vietnamese and English labels.

Forms take their choices from here, validation checks membership here, reports translate
codes here. Look a list up by name with `code_lists()["setting"]` or import it directly.
"""

from __future__ import annotations

from casework.taxonomy.ages import (
    DEFAULT_AGE_BANDS,
    AgeBandError,
    age_band,
    age_band_list,
    age_on,
    configured_age_bands,
    is_child_vn,
    is_minor,
    parse_age_bands,
)
from casework.taxonomy.calls import (
    CALL_TYPE,
    CALLER_RELATIONSHIP,
    CHANNEL,
    COUNSELLING_TOPIC,
    DATA_CALL_TYPES,
    INCIDENT_WHEN,
    LINE,
    NON_DATA_CALL_TYPES,
    SERVICE_LINE,
    SURVIVOR_CALL_TYPES,
    URGENCY,
    URGENT_LEVELS,
    YES_NO,
)
from casework.taxonomy.codes import Code, CodeList, current_language
from casework.taxonomy.crosswalk import (
    CHI_CATEGORY,
    GBVIMS_MAP,
    GBVIMS_TYPE,
    chi_category_for,
    gbvims_type_for,
)
from casework.taxonomy.locations import commune_label, communes, configured_communes
from casework.taxonomy.people import (
    DISABILITY,
    ETHNICITY,
    PERSON_AGE_GROUP,
    SEX,
    VULNERABILITY,
    is_ethnic_minority,
)
from casework.taxonomy.violence import (
    CHILD_ABUSE_FORM,
    CHILD_EXPLOITATION_TYPE,
    CHILD_SEXUAL_ABUSE_TYPE,
    DV_ACT,
    PERPETRATOR_RELATIONSHIP,
    SETTING,
    TRAFFICKING_PURPOSE,
    TRAFFICKING_STATUS,
    VIOLENCE_FORM,
)

FIXED_LISTS: tuple[CodeList, ...] = (
    LINE, SERVICE_LINE, CHANNEL, CALL_TYPE, URGENCY, CALLER_RELATIONSHIP, INCIDENT_WHEN,
    COUNSELLING_TOPIC, YES_NO, VIOLENCE_FORM, DV_ACT, CHILD_ABUSE_FORM, CHILD_SEXUAL_ABUSE_TYPE,
    CHILD_EXPLOITATION_TYPE, TRAFFICKING_PURPOSE, TRAFFICKING_STATUS, SETTING,
    PERPETRATOR_RELATIONSHIP, SEX, PERSON_AGE_GROUP, ETHNICITY, DISABILITY, VULNERABILITY,
    GBVIMS_TYPE, CHI_CATEGORY,
)


def code_lists() -> dict[str, CodeList]:
    """Every list by name, including the configured age bands and communes."""
    lists = {code_list.name: code_list for code_list in FIXED_LISTS}
    lists["age_band"] = age_band_list()
    lists["commune"] = configured_communes()
    return lists


__all__ = [
    "CALLER_RELATIONSHIP",
    "CALL_TYPE",
    "CHANNEL",
    "CHILD_ABUSE_FORM",
    "CHILD_EXPLOITATION_TYPE",
    "CHILD_SEXUAL_ABUSE_TYPE",
    "CHI_CATEGORY",
    "COUNSELLING_TOPIC",
    "DATA_CALL_TYPES",
    "DEFAULT_AGE_BANDS",
    "DISABILITY",
    "DV_ACT",
    "ETHNICITY",
    "FIXED_LISTS",
    "GBVIMS_MAP",
    "GBVIMS_TYPE",
    "INCIDENT_WHEN",
    "LINE",
    "NON_DATA_CALL_TYPES",
    "PERPETRATOR_RELATIONSHIP",
    "PERSON_AGE_GROUP",
    "SERVICE_LINE",
    "SETTING",
    "SEX",
    "SURVIVOR_CALL_TYPES",
    "TRAFFICKING_PURPOSE",
    "TRAFFICKING_STATUS",
    "URGENCY",
    "URGENT_LEVELS",
    "VIOLENCE_FORM",
    "VULNERABILITY",
    "YES_NO",
    "AgeBandError",
    "Code",
    "CodeList",
    "age_band",
    "age_band_list",
    "age_on",
    "chi_category_for",
    "code_lists",
    "commune_label",
    "communes",
    "configured_age_bands",
    "configured_communes",
    "current_language",
    "gbvims_type_for",
    "is_child_vn",
    "is_ethnic_minority",
    "is_minor",
    "parse_age_bands",
]
