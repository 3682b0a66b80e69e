"""People: sex, age groups of callers and perpetrators, ethnicity, disability, vulnerability."""

from casework.taxonomy.codes import code_list

SEX = code_list("sex", [
    ("female", "Nữ", "Female"),
    ("male", "Nam", "Male"),
    ("other", "Khác", "Other"),
    ("unknown", "Không rõ", "Unknown"),
])

# An estimated age group for callers and perpetrators, whose exact age is rarely known.
PERSON_AGE_GROUP = code_list("person_age_group", [
    ("under_16", "Dưới 16 tuổi", "Under 16"),
    ("16_17", "16–17 tuổi", "16–17"),
    ("18_59", "18–59 tuổi", "18–59"),
    ("60_plus", "Từ 60 tuổi", "60 and over"),
    ("unknown", "Không rõ", "Unknown"),
])

KINH, MINORITY, OTHER = "kinh", "minority", "other"

# The 54 officially recognised groups in the order of the statistics office's list
# (Decision 121-TCTK/PPCĐ), then a foreigner and an unknown entry, which count as neither.
_GROUPS = [
    ("kinh", "Kinh", "Kinh"), ("tay", "Tày", "Tay"), ("thai", "Thái", "Thai"),
    ("hoa", "Hoa", "Hoa (Chinese)"), ("khmer", "Khmer", "Khmer"), ("muong", "Mường", "Muong"),
    ("nung", "Nùng", "Nung"), ("hmong", "H'Mông", "Hmong"), ("dao", "Dao", "Dao"),
    ("gia_rai", "Gia Rai", "Gia Rai"), ("ngai", "Ngái", "Ngai"), ("e_de", "Ê Đê", "E De"),
    ("ba_na", "Ba Na", "Ba Na"), ("xo_dang", "Xơ Đăng", "Xo Dang"),
    ("san_chay", "Sán Chay", "San Chay"), ("co_ho", "Cơ Ho", "Co Ho"), ("cham", "Chăm", "Cham"),
    ("san_diu", "Sán Dìu", "San Diu"), ("hre", "Hrê", "Hre"), ("mnong", "Mnông", "Mnong"),
    ("ra_glai", "Ra Glai", "Ra Glai"), ("xtieng", "Xtiêng", "Xtieng"),
    ("bru_van_kieu", "Bru - Vân Kiều", "Bru - Van Kieu"), ("tho", "Thổ", "Tho"),
    ("giay", "Giáy", "Giay"), ("co_tu", "Cơ Tu", "Co Tu"),
    ("gie_trieng", "Giẻ Triêng", "Gie Trieng"),
    ("ma", "Mạ", "Ma"), ("kho_mu", "Khơ Mú", "Kho Mu"), ("co", "Co", "Co"),
    ("ta_oi", "Tà Ôi", "Ta Oi"), ("cho_ro", "Chơ Ro", "Cho Ro"), ("khang", "Kháng", "Khang"),
    ("xinh_mun", "Xinh Mun", "Xinh Mun"), ("ha_nhi", "Hà Nhì", "Ha Nhi"),
    ("chu_ru", "Chu Ru", "Chu Ru"),
    ("lao", "Lào", "Lao"), ("la_chi", "La Chí", "La Chi"), ("la_ha", "La Ha", "La Ha"),
    ("phu_la", "Phù Lá", "Phu La"), ("la_hu", "La Hủ", "La Hu"), ("lu", "Lự", "Lu"),
    ("lo_lo", "Lô Lô", "Lo Lo"), ("chut", "Chứt", "Chut"), ("mang", "Mảng", "Mang"),
    ("pa_then", "Pà Thẻn", "Pa Then"), ("co_lao", "Cơ Lao", "Co Lao"), ("cong", "Cống", "Cong"),
    ("bo_y", "Bố Y", "Bo Y"), ("si_la", "Si La", "Si La"), ("pu_peo", "Pu Péo", "Pu Peo"),
    ("brau", "Brâu", "Brau"), ("o_du", "Ơ Đu", "O Du"), ("ro_mam", "Rơ Măm", "Ro Mam"),
]
ETHNICITY = code_list("ethnicity", [
    *((code, vi, en, KINH if code == "kinh" else MINORITY) for code, vi, en in _GROUPS),
    ("foreign", "Người nước ngoài", "Foreign national", OTHER),
    ("unknown", "Không rõ", "Unknown", OTHER),
])
ETHNIC_GROUP_COUNT = len(_GROUPS)


def is_ethnic_minority(ethnicity: str | None) -> bool | None:
    """True for the 53 minority groups, False for Kinh, None when unknown or foreign."""
    entry = ETHNICITY.get(ethnicity)
    if entry is None or entry.group == OTHER:
        return None
    return entry.group == MINORITY


# Kinds of disability of the Law on Persons with Disabilities 2010, Art. 3.
DISABILITY = code_list("disability", [
    ("none", "Không khuyết tật", "No disability"),
    ("mobility", "Khuyết tật vận động", "Mobility"),
    ("hearing_speech", "Khuyết tật nghe, nói", "Hearing or speech"),
    ("visual", "Khuyết tật nhìn", "Visual"),
    ("psychosocial", "Khuyết tật thần kinh, tâm thần", "Psychosocial"),
    ("intellectual", "Khuyết tật trí tuệ", "Intellectual"),
    ("other", "Khuyết tật khác", "Other disability"),
    ("unknown", "Không rõ", "Unknown"),
])
NO_DISABILITY_CODES = frozenset({"none", "unknown"})

# "Children in special circumstances", Law on Children 2016 Art. 10.
VULNERABILITY = code_list("vulnerability", [
    ("orphan", "Mồ côi cả cha và mẹ", "Orphaned of both parents"),
    ("abandoned", "Bị bỏ rơi", "Abandoned"),
    ("no_carer", "Không nơi nương tựa", "Without anyone to rely on"),
    ("disability", "Khuyết tật", "With a disability"),
    ("hiv", "Nhiễm HIV/AIDS", "Living with HIV/AIDS"),
    ("conflict_with_law", "Vi phạm pháp luật", "In conflict with the law"),
    ("drug_use", "Nghiện ma túy", "Using drugs"),
    ("out_of_school_working", "Bỏ học kiếm sống", "Left school to earn a living"),
    ("harmed_by_violence", "Bị tổn hại nghiêm trọng do bạo lực", "Seriously harmed by violence"),
    ("exploited", "Bị bóc lột", "Exploited"),
    ("sexually_abused", "Bị xâm hại tình dục", "Sexually abused"),
    ("trafficked", "Bị mua bán", "Trafficked"),
    ("serious_illness_poor", "Bệnh hiểm nghèo, thuộc hộ nghèo, cận nghèo",
     "Serious illness in a poor household"),
    ("migrant_without_carer", "Di cư, lánh nạn không có người chăm sóc",
     "Migrant or refugee without a carer"),
])
