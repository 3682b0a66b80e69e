"""How a call reached the hotline and what kind of call it was (DOMAIN.md, lines and call types)."""

from casework.taxonomy.codes import code_list

LINE = code_list("line", [
    ("1800", "Đường dây nóng 1800", "1800 hotline"),
    ("111", "Tổng đài 111", "111 child line"),
])

# Since Decree 162/2025 the 111 line also serves trafficking: a 111 contact carries one of these.
SERVICE_LINE = code_list("service_line", [
    ("child_protection", "Bảo vệ trẻ em", "Child protection", "111"),
    ("trafficking", "Phòng, chống mua bán người", "Anti-trafficking", "111"),
])

CHANNEL = code_list("channel", [
    ("phone", "Điện thoại", "Phone"),
    ("zalo", "Zalo", "Zalo"),
    ("messenger", "Facebook Messenger", "Facebook Messenger"),
    ("app_111", "Ứng dụng 111", "111 mobile app"),
    ("walk_in", "Đến trực tiếp", "Walk-in"),
    ("referral", "Cơ quan khác chuyển đến", "Referral from another agency"),
])

DATA = "data"
NON_DATA = "non_data"

CALL_TYPE = code_list("call_type", [
    ("about_self", "Tự báo về bản thân", "About themself", DATA),
    ("about_other", "Báo về người khác", "About someone else", DATA),
    ("follow_up", "Theo dõi vụ việc đã có", "Follow-up of a case", DATA),
    ("information", "Hỏi thông tin", "Information request", DATA),
    ("counselling", "Tư vấn (không báo bạo lực)", "Counselling (no violence reported)", DATA),
    ("silent", "Im lặng", "Silent", NON_DATA),
    ("hang_up", "Gác máy", "Hung up", NON_DATA),
    ("prank", "Gọi đùa", "Prank", NON_DATA),
    ("abusive", "Quấy rối, lăng mạ", "Abusive", NON_DATA),
    ("wrong_number", "Nhầm số", "Wrong number", NON_DATA),
    ("test", "Gọi thử", "Test call", NON_DATA),
    ("thanks", "Cảm ơn", "Thanks", NON_DATA),
])

DATA_CALL_TYPES = CALL_TYPE.in_group(DATA)
NON_DATA_CALL_TYPES = CALL_TYPE.in_group(NON_DATA)
# Call types that report a person who was harmed, so a survivor is recorded.
SURVIVOR_CALL_TYPES = frozenset({"about_self", "about_other", "follow_up"})

URGENCY = code_list("urgency", [
    ("immediate", "Nguy hiểm tức thời", "Immediate danger"),
    ("urgent", "Khẩn cấp", "Urgent"),
    ("routine", "Thông thường", "Routine"),
])
URGENT_LEVELS = frozenset({"immediate", "urgent"})

CALLER_RELATIONSHIP = code_list("caller_relationship", [
    ("self", "Chính người bị hại", "The survivor themself"),
    ("parent_caregiver", "Cha mẹ, người chăm sóc", "Parent or caregiver"),
    ("other_family", "Người thân khác", "Other family member"),
    ("friend_peer", "Bạn bè", "Friend or peer"),
    ("teacher_school", "Giáo viên, nhà trường", "Teacher or school"),
    ("neighbour", "Hàng xóm", "Neighbour"),
    ("health_worker", "Nhân viên y tế", "Health worker"),
    ("police_authority", "Công an, chính quyền", "Police or local authority"),
    ("social_worker", "Cán bộ xã hội", "Social worker"),
    ("other", "Khác", "Other"),
    ("unknown", "Không rõ", "Unknown"),
])

INCIDENT_WHEN = code_list("incident_when", [
    ("within_24h", "Trong 24 giờ qua", "In the last 24 hours"),
    ("within_week", "Trong tuần qua", "In the last week"),
    ("within_month", "Trong tháng qua", "In the last month"),
    ("over_month", "Hơn một tháng trước", "More than a month ago"),
    ("unknown", "Không rõ", "Unknown"),
])

# What a counselling or information call was about, for the Child Helpline International map.
COUNSELLING_TOPIC = code_list("counselling_topic", [
    ("family_relationships", "Quan hệ gia đình", "Family relationships"),
    ("peer_relationships", "Quan hệ bạn bè", "Peer relationships"),
    ("school", "Học tập, nhà trường", "School and education"),
    ("mental_health", "Sức khỏe tâm thần", "Mental health"),
    ("physical_health", "Sức khỏe thể chất", "Physical health"),
    ("sexuality", "Giới tính, tình dục", "Sexuality"),
    ("discrimination", "Phân biệt đối xử", "Discrimination"),
    ("missing_child", "Trẻ em mất tích", "Missing child"),
    ("services_law", "Dịch vụ, pháp luật, thủ tục", "Services, law and procedure"),
    ("other", "Khác", "Other"),
])

# A yes/no answer; blank means not asked or not known.
YES_NO = code_list("yes_no", [
    ("yes", "Có", "Yes"),
    ("no", "Không", "No"),
])
