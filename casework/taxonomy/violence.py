"""What happened: forms and acts of violence, child abuse, trafficking, setting, perpetrator."""

from casework.taxonomy.codes import code_list

PHYSICAL, PSYCHOLOGICAL, SEXUAL, ECONOMIC = "physical", "psychological", "sexual", "economic"

# The four columns of Vietnamese domestic-violence reports.
VIOLENCE_FORM = code_list("violence_form", [
    (PHYSICAL, "Thể chất", "Physical"),
    (PSYCHOLOGICAL, "Tinh thần", "Psychological"),
    (SEXUAL, "Tình dục", "Sexual"),
    (ECONOMIC, "Kinh tế", "Economic"),
])

# Law 13/2022/QH15 Art. 3(1); the group is the form of violence the act counts under.
# The last four acts are marked "verify" in DOMAIN.md: keep their codes stable if labels change.
DV_ACT = code_list("dv_act", [
    ("beating_threats", "Hành hạ, ngược đãi, đánh đập, đe dọa",
     "Torture, ill-treatment, beating, threats", PHYSICAL),
    ("insult_humiliation", "Lăng mạ, chì chiết, xúc phạm danh dự",
     "Insult and humiliation", PSYCHOLOGICAL),
    ("forced_witness", "Cưỡng ép chứng kiến bạo lực",
     "Forcing someone to witness violence", PSYCHOLOGICAL),
    ("neglect_dependants", "Bỏ mặc, không nuôi dưỡng, chăm sóc, giáo dục",
     "Neglect of dependants, failure to raise or educate children", PSYCHOLOGICAL),
    ("discrimination", "Kỳ thị, phân biệt đối xử", "Discrimination", PSYCHOLOGICAL),
    ("isolation_pressure", "Cô lập, gây áp lực thường xuyên về tâm lý",
     "Isolation and constant psychological pressure", PSYCHOLOGICAL),
    ("obstructing_family_rights", "Ngăn cản quyền, nghĩa vụ trong gia đình",
     "Obstructing family rights and duties", PSYCHOLOGICAL),
    ("disclosing_private_information", "Tiết lộ, phát tán thông tin riêng tư",
     "Disclosing private information", PSYCHOLOGICAL),
    ("forced_sex_spouse", "Cưỡng ép quan hệ tình dục với vợ hoặc chồng",
     "Forced sex between spouses", SEXUAL),
    ("forced_pornography", "Cưỡng ép trình diễn, xem nội dung khiêu dâm",
     "Forced pornography", SEXUAL),
    ("forced_marriage_divorce", "Cưỡng ép tảo hôn, kết hôn, ly hôn",
     "Forced child marriage, marriage or divorce", PSYCHOLOGICAL),
    ("forced_pregnancy_abortion", "Cưỡng ép mang thai, phá thai, lựa chọn giới tính thai nhi",
     "Forced pregnancy, abortion or sex selection", SEXUAL),
    ("property_seizure", "Chiếm đoạt, hủy hoại tài sản",
     "Seizing or destroying property", ECONOMIC),
    ("economic_control", "Cưỡng ép lao động, kiểm soát thu nhập",
     "Economic coercion and control of income", ECONOMIC),
    ("confinement", "Cô lập, giam cầm", "Confinement", PHYSICAL),
    ("forced_eviction", "Cưỡng ép ra khỏi chỗ ở hợp pháp",
     "Forced eviction from the home", ECONOMIC),
])

# Law on Children 2016 Art. 4.
CHILD_ABUSE_FORM = code_list("child_abuse_form", [
    ("violence", "Bạo lực", "Violence"),
    ("exploitation", "Bóc lột", "Exploitation"),
    ("sexual_abuse", "Xâm hại tình dục", "Sexual abuse"),
    ("trafficking", "Mua bán", "Trafficking"),
    ("abandonment", "Bỏ rơi", "Abandonment"),
    ("neglect", "Bỏ mặc", "Neglect"),
    ("other", "Khác", "Other"),
])

CHILD_SEXUAL_ABUSE_TYPE = code_list("child_sexual_abuse_type", [
    ("rape", "Hiếp dâm", "Rape"),
    ("coerced_sex", "Cưỡng dâm", "Coerced sex"),
    ("intercourse_with_child", "Giao cấu với trẻ em", "Sexual intercourse with a child"),
    ("molestation", "Dâm ô", "Molestation"),
    ("prostitution_pornography", "Sử dụng vào mại dâm, khiêu dâm",
     "Use in prostitution or pornography"),
])

CHILD_EXPLOITATION_TYPE = code_list("child_exploitation_type", [
    ("illegal_labour", "Lao động trái pháp luật", "Illegal labour"),
    ("prostitution", "Mại dâm", "Prostitution"),
    ("pornography", "Khiêu dâm", "Pornography"),
])

# Law 53/2024/QH15 on Prevention and Control of Human Trafficking.
TRAFFICKING_PURPOSE = code_list("trafficking_purpose", [
    ("sexual_exploitation", "Bóc lột tình dục", "Sexual exploitation"),
    ("forced_labour", "Cưỡng bức lao động", "Forced labour"),
    ("organ_removal", "Lấy bộ phận cơ thể", "Organ removal"),
    ("other_inhumane", "Mục đích vô nhân đạo khác", "Other inhumane purposes"),
])

TRAFFICKING_STATUS = code_list("trafficking_status", [
    ("victim", "Nạn nhân", "Victim"),
    ("being_verified", "Đang xác minh là nạn nhân", "Being verified as a victim"),
])

SETTING = code_list("setting", [
    ("family", "Gia đình", "Family"),
    ("school", "Trường học", "School"),
    ("workplace", "Nơi làm việc", "Workplace"),
    ("community", "Cộng đồng", "Community"),
    ("online", "Trên mạng", "Online"),
    ("institution", "Cơ sở trợ giúp, nuôi dưỡng", "Institution"),
    ("other", "Khác", "Other"),
])

PERPETRATOR_RELATIONSHIP = code_list("perpetrator_relationship", [
    ("partner_current", "Chồng, vợ, bạn tình hiện tại", "Current intimate partner"),
    ("partner_former", "Chồng, vợ, bạn tình cũ", "Former intimate partner"),
    ("parent_caregiver", "Cha mẹ, người chăm sóc", "Parent or caregiver"),
    ("other_family", "Thành viên gia đình khác", "Other family member"),
    ("teacher_school_staff", "Giáo viên, nhân viên nhà trường", "Teacher or school staff"),
    ("employer", "Chủ sử dụng lao động, cấp trên", "Employer or supervisor"),
    ("schoolmate", "Bạn học", "Schoolmate"),
    ("neighbour_friend", "Hàng xóm, bạn của gia đình", "Neighbour or family friend"),
    ("stranger", "Người lạ", "Stranger"),
    ("other", "Khác", "Other"),
    ("unknown", "Không rõ", "Unknown"),
])
