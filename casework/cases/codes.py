"""The coded lists of a case: status, risk, needs, closure reasons, note kinds.

Stored as stable English codes; labels in Vietnamese and English (casework.taxonomy.codes).
"""

from casework.taxonomy.codes import code_list

OPEN = "open"
CLOSED = "closed"

CASE_STATUS = code_list("case_status", [
    ("new", "Mới tiếp nhận", "New", OPEN),
    ("initial_assessment", "Đánh giá ban đầu", "Initial assessment", OPEN),
    ("detailed_assessment", "Đánh giá chi tiết", "Detailed assessment", OPEN),
    ("plan", "Lập kế hoạch hỗ trợ", "Support plan", OPEN),
    ("in_support", "Đang hỗ trợ, can thiệp", "In support", OPEN),
    ("review", "Rà soát, đánh giá lại", "Review", OPEN),
    ("closed", "Đã đóng", "Closed", CLOSED),
])
OPEN_STATUSES = CASE_STATUS.in_group(OPEN)

# Initial risk assessment (Decree 56/2017, Form 02).
RISK_LEVEL = code_list("risk_level", [
    ("low", "Thấp", "Low"),
    ("medium", "Trung bình", "Medium"),
    ("high", "Cao", "High"),
    ("severe", "Nghiêm trọng, đang bị tổn hại", "Severe: being harmed now"),
])

# Needs found by the detailed assessment (Form 03).
NEED = code_list("need", [
    ("safety", "An toàn, bảo vệ", "Safety and protection"),
    ("health", "Chăm sóc y tế", "Health care"),
    ("psychosocial", "Hỗ trợ tâm lý", "Psychosocial support"),
    ("legal", "Trợ giúp pháp lý", "Legal aid"),
    ("shelter", "Chỗ ở tạm thời", "Temporary shelter"),
    ("education", "Học tập", "Education"),
    ("livelihood", "Sinh kế, kinh tế", "Livelihood and income"),
    ("family", "Hỗ trợ gia đình", "Family support"),
    ("other", "Khác", "Other"),
])

# DOMAIN.md closure reasons. ANY_STAGE reasons may close a case at any stage; the others
# only after a review, once the plan has been carried out.
ANY_STAGE = "any_stage"
AFTER_REVIEW = "after_review"

CLOSURE_REASON = code_list("closure_reason", [
    ("safe_stable", "An toàn và ổn định", "Safe and stable", AFTER_REVIEW),
    ("goals_met", "Đạt mục tiêu kế hoạch", "Plan goals met", AFTER_REVIEW),
    ("transferred", "Chuyển cơ quan khác", "Transferred to another agency", ANY_STAGE),
    ("lost_contact", "Chuyển đi nơi khác, mất liên lạc", "Moved away or lost contact",
     ANY_STAGE),
    ("declined", "Người bị hại từ chối hỗ trợ tiếp", "Survivor declined further support",
     ANY_STAGE),
    ("duplicate", "Trùng vụ việc", "Duplicate", ANY_STAGE),
    ("died", "Đã qua đời", "Died", ANY_STAGE),
])
ANY_STAGE_CLOSURE_REASONS = CLOSURE_REASON.in_group(ANY_STAGE)

# Emergency measures for a child facing serious harm (Decree 56/2017 Art. 25): recording one
# stops the case's 12-hour clock.
EMERGENCY_MEASURE = code_list("emergency_measure", [
    ("removed_to_safety", "Đưa trẻ ra khỏi nơi có nguy cơ, đến nơi an toàn",
     "Child taken out of danger to a safe place"),
    ("emergency_medical", "Chăm sóc y tế khẩn cấp", "Emergency medical care"),
    ("police_intervention", "Công an can thiệp", "Police intervened"),
    ("separated_from_perpetrator", "Cách ly khỏi người gây tổn hại",
     "Separated from the person causing harm"),
    ("temporary_care", "Bố trí chăm sóc thay thế tạm thời", "Temporary alternative care"),
    ("commune_intervention", "UBND xã can thiệp khẩn cấp",
     "Commune People's Committee intervened"),
    ("other", "Biện pháp khác", "Other measure"),
])

NOTE_KIND = code_list("note_kind", [
    ("note", "Ghi chép", "Note"),
    ("reopen", "Lý do mở lại", "Reason for reopening"),
])

DECISION = code_list("decision", [
    ("submitted", "Chờ duyệt", "Awaiting approval"),
    ("approved", "Đã duyệt", "Approved"),
    ("returned", "Trả lại", "Returned"),
])
