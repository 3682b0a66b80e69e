"""Coded lists of referrals: service types, referral states, consent rules.

Service types cover the referral services of DOMAIN.md and the DV protective measures worth
recording; the `group` says which (a service to refer to, or a measure applied).
"""

from casework.taxonomy.codes import code_list

SERVICE = "service"
MEASURE = "measure"

SERVICE_TYPE = code_list("service_type", [
    ("health", "Y tế (trạm y tế, bệnh viện)", "Health (health station, hospital)", SERVICE),
    ("forensic", "Giám định pháp y", "Forensic examination", SERVICE),
    ("police", "Công an, bộ đội biên phòng", "Police or border guard", SERVICE),
    ("legal_aid", "Trợ giúp pháp lý nhà nước", "State legal aid", SERVICE),
    ("shelter", "Nơi tạm lánh, địa chỉ tin cậy, Ngôi nhà Bình yên",
     "Shelter, trusted address, Peace House", SERVICE),
    ("psychosocial", "Tư vấn tâm lý, xã hội", "Psychosocial counselling", SERVICE),
    ("social_work_centre", "Trung tâm Công tác xã hội", "Social Work Centre", SERVICE),
    ("womens_union", "Hội Liên hiệp Phụ nữ", "Women's Union", SERVICE),
    ("court_procuracy", "Tòa án, Viện kiểm sát", "Court or procuracy", SERVICE),
    ("school", "Nhà trường", "School", SERVICE),
    ("commune_committee", "Ủy ban nhân dân xã", "Commune People's Committee", SERVICE),
    ("no_contact_order", "Cấm tiếp xúc", "No-contact order", MEASURE),
    ("summon_perpetrator", "Triệu tập người gây bạo lực", "Summoning the perpetrator", MEASURE),
    ("behaviour_change", "Tư vấn thay đổi hành vi", "Behaviour-change counselling", MEASURE),
    ("administrative_handling", "Xử lý hành chính", "Administrative handling", MEASURE),
    ("criminal_handling", "Xử lý hình sự", "Criminal handling", MEASURE),
])
REFERRAL_SERVICE_TYPES = SERVICE_TYPE.in_group(SERVICE)

REFERRAL_STATUS = code_list("referral_status", [
    ("proposed", "Đề xuất", "Proposed"),
    ("consent_refused", "Không đồng ý chuyển gửi", "Consent refused"),
    ("sent", "Đã chuyển gửi", "Sent"),
    ("accepted", "Đơn vị đã tiếp nhận", "Accepted by provider"),
    ("declined", "Đơn vị từ chối", "Declined by provider"),
    ("completed", "Hoàn thành", "Completed"),
])
OPEN_REFERRAL_STATUSES = frozenset({"proposed", "sent", "accepted"})

# Who must agree (Personal Data Protection Law 2025): an adult; a child under 7 through the
# legal representative; a child of 7 or over and the legal representative, both.
CONSENT_RULE = code_list("consent_rule", [
    ("adult", "Người bị hại đồng ý", "The survivor consents"),
    ("child_under_7", "Người đại diện hợp pháp đồng ý", "The legal representative consents"),
    ("child_7_plus", "Trẻ em và người đại diện hợp pháp cùng đồng ý",
     "The child and the legal representative both consent"),
])
