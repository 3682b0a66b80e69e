"""Synthetic calls for demos and benchmarks: realistic Vietnamese content, never real people.

Proportions follow DOMAIN.md: about three calls in four carry no data (silent, hang-up,
prank…), and of the data calls only those reporting harm to someone can become cases.
Rows are built as plain dictionaries with their ciphertexts and blind indexes already
computed, so that `casework.intake.seeding` can insert them in bulk.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from faker import Faker

from casework import taxonomy
from casework.crypto.blind_index import compute_index, index_value
from casework.crypto.envelope import seal
from casework.crypto.fields import Sealed
from casework.crypto.keyring import Keyring
from casework.intake.records import action_deadline, implied_classifications

CALL_TYPE_WEIGHTS = {
    "silent": 24, "hang_up": 20, "prank": 11, "abusive": 3, "wrong_number": 8, "test": 2,
    "thanks": 6, "information": 9, "counselling": 8, "about_other": 5, "about_self": 3,
    "follow_up": 1,
}
CHANNEL_WEIGHTS = {"phone": 85, "zalo": 6, "messenger": 4, "app_111": 2, "walk_in": 2,
                   "referral": 1}
URGENCY_WEIGHTS = {"immediate": 4, "urgent": 18, "routine": 78}
ETHNICITY_WEIGHTS = {"kinh": 90, "khmer": 6, "hoa": 2, "cham": 1, "unknown": 1}
# Calls by hour of the day (Vietnam time): quiet at night, busiest after school and work.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 7, 6, 7, 8, 9, 10, 10, 9, 8, 7, 5, 3, 2]

FEMALE_MIDDLE = ("Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Bảo", "Hồng")
MALE_MIDDLE = ("Văn", "Minh", "Quốc", "Hoàng", "Thanh", "Gia", "Đức", "Hữu")
CHILD_STORIES = (
    "Người gọi cho biết cháu thường xuyên bị {who} đánh, có vết bầm trên tay và lưng.",
    "Cháu bị {who} chửi mắng, đe dọa đuổi ra khỏi nhà, cháu rất sợ không dám về.",
    "Hàng xóm nghe tiếng cháu khóc nhiều đêm liền, nghi cháu bị {who} bạo hành.",
    "Cháu kể có người lạ nhắn tin qua mạng đòi gửi ảnh nhạy cảm, nếu không sẽ đăng lên.",
    "Cô giáo phát hiện cháu nghỉ học nhiều ngày, nhà không có người chăm sóc.",
    "Cháu bị {who} sờ soạng nhiều lần, cháu không dám kể với mẹ.",
)
ADULT_STORIES = (
    "Chị cho biết {who} uống rượu, chửi bới và đánh chị nhiều lần trong tháng qua.",
    "Chị bị {who} kiểm soát toàn bộ tiền lương, không cho đi làm, không cho về nhà mẹ đẻ.",
    "Chị bị {who} ép quan hệ khi không muốn và đe dọa nếu chị báo chính quyền.",
    "Người gọi lo cho em gái bị {who} đuổi ra khỏi nhà lúc nửa đêm cùng hai con nhỏ.",
    "Chị được người quen hứa đưa đi làm ở nước ngoài, nay bị giữ giấy tờ và không liên lạc được.",
)
OTHER_STORIES = (
    "Hỏi về thủ tục xin biện pháp cấm tiếp xúc và nơi tạm lánh gần nhất.",
    "Hỏi địa chỉ Trung tâm Công tác xã hội và giờ làm việc.",
    "Em học sinh buồn vì bị bạn bè cô lập trên lớp, cần được lắng nghe.",
    "Phụ huynh hỏi cách nói chuyện với con tuổi dậy thì về an toàn trên mạng.",
    "Em căng thẳng vì áp lực thi cử, mất ngủ nhiều tuần.",
)
WHO = {"parent_caregiver": "bố dượng", "partner_current": "chồng", "other_family": "chú",
       "teacher_school_staff": "thầy giáo", "neighbour_friend": "người hàng xóm",
       "stranger": "một người lạ", "partner_former": "chồng cũ", "employer": "chủ"}


_CUMULATIVE: dict[int, tuple[list[str], list[int]]] = {}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    """A key drawn in proportion to its weight (the weight tables are constants)."""
    if id(weights) not in _CUMULATIVE:
        _CUMULATIVE[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
    keys, cumulative = _CUMULATIVE[id(weights)]
    return rng.choices(keys, cum_weights=cumulative)[0]


@dataclass
class SeedContext:
    """Everything a batch of synthetic calls needs: keys, staff, places, name pools."""

    keyring: Keyring
    index_bits: int
    operators: list[tuple[uuid.UUID, uuid.UUID | None]]
    communes: tuple[str, ...]
    province_code: int
    deadline_hours: int
    rng: random.Random
    faker: Faker
    last_names: list[str] = field(default_factory=list)
    female_given: list[str] = field(default_factory=list)
    male_given: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)
    recent_survivors: list[tuple[uuid.UUID, uuid.UUID, str | None]] = field(default_factory=list)

    def __post_init__(self):
        self.faker.seed_instance(self.rng.random())
        self.last_names = [self.faker.last_name() for _ in range(200)]
        self.female_given = [self.faker.first_name_female() for _ in range(300)]
        self.male_given = [self.faker.first_name_male() for _ in range(300)]
        self.streets = [self.faker.street_name() for _ in range(300)]

    def seal(self, table: str, column: str, record_id: uuid.UUID, text: str) -> Sealed:
        return Sealed(seal(self.keyring, text, table=table, column=column, record_id=record_id))

    def index(self, kind: str, text: str) -> int | None:
        return compute_index(self.keyring.primary, kind, text, self.index_bits)

    def phone_index(self, phone: str) -> int:
        """The blind index of a phone this module made: its E.164 form is known already."""
        digits = "".join(char for char in phone if char.isdigit())
        e164 = "+" + digits if phone.startswith("+") else "+84" + digits[1:]
        return index_value(self.keyring.primary, "phone", e164, self.index_bits)

    def name(self, sex: str) -> str:
        female = sex == "female"
        middle = self.rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = self.rng.choice(self.female_given if female else self.male_given)
        return f"{self.rng.choice(self.last_names)} {middle} {given}"

    def phone(self) -> str:
        prefix = self.rng.choice(("090", "091", "093", "094", "096", "097", "098", "086",
                                  "088", "070", "076", "077", "079", "081", "083", "085"))
        digits = f"{self.rng.randrange(10_000_000):07d}"
        # Typed as people say them: with spaces, dots or the country code.
        return self.rng.choice((f"{prefix}{digits}", f"{prefix} {digits[:3]} {digits[3:]}",
                                f"+84{prefix[1:]}{digits}", f"{prefix}.{digits[:3]}.{digits[3:]}"))

    def address(self) -> str:
        if self.rng.random() < 0.6:
            return f"Ấp {self.rng.choice(self.streets)}"
        return f"Số {self.rng.randint(1, 300)} đường {self.rng.choice(self.streets)}"


def call_times(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` start times in order between start and end, busier by day than by night."""
    days = max(1, (end - start).days)
    times = []
    for _ in range(count):
        day = start + timedelta(days=rng.randrange(days))
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        local = day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
            hours=hour - 7, seconds=rng.randrange(3600))  # hours are Vietnam time (UTC+7)
        times.append(min(max(local, start), end))
    return sorted(times)


def base_call(ctx: SeedContext, started_at: datetime, call_type: str) -> dict:
    """The columns every call has."""
    operator_id, unit_id = ctx.rng.choice(ctx.operators)
    is_data = call_type in taxonomy.DATA_CALL_TYPES
    seconds = ctx.rng.randint(180, 1800) if is_data else ctx.rng.randint(3, 90)
    line = "111" if ctx.rng.random() < 0.6 else "1800"
    service_line = None
    if is_data and line == "111":
        service_line = "trafficking" if ctx.rng.random() < 0.05 else "child_protection"
    return {
        "id": uuid.uuid4(), "line": line, "service_line": service_line,
        "channel": pick(ctx.rng, CHANNEL_WEIGHTS), "call_type": call_type, "is_data_call": is_data,
        "started_at": started_at, "ended_at": started_at + timedelta(seconds=seconds),
        "duration_seconds": seconds, "operator_id": operator_id, "unit_id": unit_id,
        "chi_category": "non_counselling" if not is_data else None,
    }


CHILD_PERPETRATORS = {"parent_caregiver": 40, "other_family": 15, "teacher_school_staff": 5,
                      "schoolmate": 10, "neighbour_friend": 15, "stranger": 10, "unknown": 5}
ADULT_PERPETRATORS = {"partner_current": 60, "partner_former": 10, "other_family": 15,
                      "employer": 5, "stranger": 5, "unknown": 5}
CHILD_ABUSE_WEIGHTS = {"violence": 50, "neglect": 15, "sexual_abuse": 15, "exploitation": 5,
                       "abandonment": 5, "other": 5}
DV_ACT_WEIGHTS = {"beating_threats": 35, "insult_humiliation": 25, "economic_control": 10,
                  "isolation_pressure": 10, "forced_sex_spouse": 5, "neglect_dependants": 5,
                  "property_seizure": 5, "forced_eviction": 5}


@dataclass
class SyntheticCall:
    """The rows of one call: the call, perhaps a new survivor, and the child-table rows."""

    call: dict
    survivor: dict | None = None
    vulnerabilities: list[dict] = field(default_factory=list)
    classifications: list[dict] = field(default_factory=list)


def survivor_row(ctx: SeedContext, call: dict) -> tuple[dict, list[dict], str | None]:
    """A new survivor for a call reporting harm, with a plausible age for the line."""
    rng, survivor_id = ctx.rng, uuid.uuid4()
    is_child = rng.random() < (0.85 if call["line"] == "111" else 0.15)
    age = None if rng.random() < 0.1 else (rng.randint(2, 17) if is_child else rng.randint(18, 75))
    sex = "female" if rng.random() < 0.7 else "male"
    phone = ctx.phone() if age is None or age >= 12 and rng.random() < 0.6 else None
    ethnicity, name = pick(rng, ETHNICITY_WEIGHTS), ctx.name(sex)
    row = {
        "id": survivor_id, "name": ctx.seal("survivors", "name", survivor_id, name),
        "name_index": ctx.index("name", name),
        "phone": ctx.seal("survivors", "phone", survivor_id, phone) if phone else None,
        "phone_index": ctx.phone_index(phone) if phone else None,
        "address": ctx.seal("survivors", "address", survivor_id, ctx.address()),
        "sex": sex, "age": age, "birth_date": None, "age_band": taxonomy.age_band(age),
        "is_child_vn": taxonomy.is_child_vn(age), "is_minor": taxonomy.is_minor(age),
        "ethnicity": ethnicity, "is_ethnic_minority": taxonomy.is_ethnic_minority(ethnicity),
        "disability": rng.choices(("none", "unknown", "mobility", "intellectual", "hearing_speech"),
                                  weights=(88, 6, 2, 2, 2))[0],
        "province_code": ctx.province_code, "commune_code": rng.choice(ctx.communes),
        "created_at": call["started_at"], "updated_at": call["started_at"],
    }
    flags = rng.sample(taxonomy.VULNERABILITY.codes, 1) if age and age < 16 and \
        rng.random() < 0.2 else []
    return row, [{"survivor_id": survivor_id, "code": code} for code in flags], phone


def what_happened(ctx: SeedContext, call: dict, is_child: bool) -> dict[str, list[str]]:
    """Classifications of a report of harm: child abuse forms, or domestic violence acts."""
    rng = ctx.rng
    chosen: dict[str, list[str]] = {}
    if call["service_line"] == "trafficking":
        chosen["trafficking_purpose"] = [rng.choice(taxonomy.TRAFFICKING_PURPOSE.codes)]
    if is_child:
        form = pick(rng, CHILD_ABUSE_WEIGHTS)
        chosen["child_abuse_form"] = [form]
        if form == "sexual_abuse":
            chosen["child_sexual_abuse_type"] = [rng.choice(taxonomy.CHILD_SEXUAL_ABUSE_TYPE.codes)]
        if form == "violence":
            chosen["violence_form"] = rng.sample(["physical", "psychological"], rng.randint(1, 2))
    else:
        chosen["dv_act"] = list({pick(rng, DV_ACT_WEIGHTS) for _ in range(rng.randint(1, 2))})
    return chosen


FAMILY = {"parent_caregiver", "other_family", "partner_current", "partner_former"}
RECENT_SURVIVORS = 500


def _caller(ctx: SeedContext, result: SyntheticCall, relationship: str, phone: str | None):
    call, rng = result.call, ctx.rng
    call["caller_relationship"] = relationship
    call["caller_sex"] = "female" if rng.random() < 0.7 else "male"
    call["caller_age_group"] = rng.choice(("under_16", "16_17", "18_59", "18_59", "unknown"))
    if phone:
        call["caller_phone"] = ctx.seal("calls", "caller_phone", call["id"], phone)
        call["caller_phone_index"] = ctx.phone_index(phone)
    if rng.random() < 0.3:
        call["caller_name"] = ctx.seal("calls", "caller_name", call["id"],
                                       ctx.name(call["caller_sex"]))


def _survivor_for(ctx: SeedContext, result: SyntheticCall) -> tuple[str | None, bool]:
    """A new survivor, or (for follow-ups and some others) one from an earlier call."""
    call, rng = result.call, ctx.rng
    if ctx.recent_survivors and (call["call_type"] == "follow_up" or rng.random() < 0.1):
        survivor_id, previous_id, phone, is_child = rng.choice(ctx.recent_survivors)
        call["previous_call_id"] = previous_id
    else:
        result.survivor, result.vulnerabilities, phone = survivor_row(ctx, call)
        survivor_id, is_child = result.survivor["id"], bool(result.survivor["is_child_vn"])
    call["survivor_id"] = survivor_id
    ctx.recent_survivors.append((survivor_id, call["id"], phone, is_child))
    del ctx.recent_survivors[:-RECENT_SURVIVORS]
    return phone, is_child


def report_of_harm(ctx: SeedContext, result: SyntheticCall) -> set[tuple[str, str]]:
    """Caller, survivor, perpetrator, danger and story of a call reporting harm."""
    call, rng = result.call, ctx.rng
    phone, is_child = _survivor_for(ctx, result)
    about_self = call["call_type"] == "about_self"
    _caller(ctx, result, "self" if about_self else rng.choice(
        ("parent_caregiver", "other_family", "neighbour", "teacher_school", "friend_peer")),
        phone if about_self else (ctx.phone() if rng.random() < 0.8 else None))
    perpetrator = pick(rng, CHILD_PERPETRATORS if is_child else ADULT_PERPETRATORS)
    call.update(
        urgency=pick(rng, URGENCY_WEIGHTS), perpetrator_relationship=perpetrator,
        perpetrator_sex="male" if rng.random() < 0.85 else "female",
        perpetrator_age_group="18_59" if perpetrator != "schoolmate" else "under_16",
        setting="family" if perpetrator in FAMILY else rng.choice(
            ("school", "community", "online", "workplace")),
        incident_when=rng.choice(taxonomy.INCIDENT_WHEN.codes), is_ongoing=rng.random() < 0.6,
        consent_referral=rng.choice((True, True, True, False, None)),
        consent_data_sharing=rng.choice((True, True, False, None)),
    )
    story = rng.choice(CHILD_STORIES if is_child else ADULT_STORIES)
    call["narrative"] = ctx.seal("calls", "narrative", call["id"],
                                 story.format(who=WHO.get(perpetrator, "người đó")))
    call["action_deadline_at"] = action_deadline(call["started_at"], call["urgency"], is_child,
                                                 ctx.deadline_hours)
    return implied_classifications(what_happened(ctx, call, is_child))


def counselling_call(ctx: SeedContext, result: SyntheticCall) -> set[tuple[str, str]]:
    """An information or counselling call: a topic, a caller, no survivor."""
    call, rng = result.call, ctx.rng
    _caller(ctx, result, "self" if rng.random() < 0.6 else "parent_caregiver",
            ctx.phone() if rng.random() < 0.5 else None)
    call["urgency"] = "routine"
    call["counselling_topic"] = rng.choice(taxonomy.COUNSELLING_TOPIC.codes)
    call["narrative"] = ctx.seal("calls", "narrative", call["id"], rng.choice(OTHER_STORIES))
    return set()


def synthetic_call(ctx: SeedContext, started_at: datetime) -> SyntheticCall:
    """One call of a type drawn with realistic proportions."""
    call_type = pick(ctx.rng, CALL_TYPE_WEIGHTS)
    result = SyntheticCall(base_call(ctx, started_at, call_type))
    if call_type not in taxonomy.DATA_CALL_TYPES:
        return result
    reports = call_type in taxonomy.SURVIVOR_CALL_TYPES
    pairs = report_of_harm(ctx, result) if reports else counselling_call(ctx, result)
    call = result.call
    call["gbvims_type"] = taxonomy.gbvims_type_for(pairs)
    call["chi_category"] = taxonomy.chi_category_for(call_type, pairs,
                                                     call.get("counselling_topic"))
    result.classifications = [{"call_id": call["id"], "scheme": scheme, "code": code}
                              for scheme, code in sorted(pairs)]
    return result
