"""The demo data set: 2022 to today, such that the figures of the seed articles come out of it.

- Lào Cai, quý I/2023: 40 classes, 2.987 enrolments; the centers' own classes by program 8/7/5/5/1/3
  and 11 classes co-organised with the provincial school (seed 001).
- Hà Tĩnh: 775 classes with 129.557 enrolments in 2023, 709 classes in 2022 (seed 004).
- Since 2025 (../shared/domain.md): the provinces merged into the seed provinces on 1/7/2025 (Yên Bái, Hải Dương,
  Bình Dương, Bà Rịa - Vũng Tàu, a few district centers each), every district center until 30/6/2025, the boards
  renamed, and the commune-level centers founded on 1/7/2025 with reports in every state since quý III/2025 and
  classes in the open quarter. The reorganisation itself is applied as users apply one: the shipped plan workbook
  (reports/demo/plan_2025.xlsx) through `centers.reorganisation.apply_plan`.
Everything else is plausible and deterministic (fixed random seeds), so the demo is the same everywhere. The
2022-2024 data of the five seed provinces comes from the first seed alone, drawn in the same order as before 2025
was added: their figures are the same as they always were.

Speed: the big tables go in through reports/demo/fastwrite.py (one executemany on SQLite, COPY on PostgreSQL), no
signal fires for them, and the figures are counted once at the end (`maintained.rebuild`).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from centers.lineage import reorganisation_date
from centers.models import Assignment, Staff, Unit
from centers.periods import Period
from centers.reorganisation import apply_plan, read_plan
from centers.scoping import unit_from_key
from courses.models import Course, Enrolment, Learner, Lecturer, Program, is_ethnic_minority
from courses.services import figures_freeze
from courses.text import course_search_key, name_key, vietnamese_sort_key
from reports.figures import maintained
from reports.formatting import vn_int
from reports.models import CenterReport, PlanLine, Transition, default_deadline

from .fastwrite import analyze, next_ids, reset_sequences, table_writer
from .plan import PLAN_FILE
from .scoring import PROGRAM_DAYS_2025, PROGRAM_TITLE_2025, Scorer, program_on
from .units import COMMUNE_CENTERS, MERGED_PROVINCES, PROVINCES, center_name

YEARS = (2022, 2023, 2024)
DEMO_PASSWORD = "Llct@2026"
DEMO_USERS = [
    # (username, full name, unit key on 1/1/2022, role description today). The reorganisation plan moves the first
    # one from the district center of thành phố Lào Cai to the commune-level center that took it over.
    ("trungtam.laocai", "Nguyễn Thị Hạnh", "10-080", "Cán bộ Trung tâm Chính trị phường Lào Cai (tỉnh Lào Cai)"),
    ("bantuyengiao.laocai", "Trần Văn Hùng", "10", "Cán bộ Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai"),
    ("trunguong", "Lê Minh Tuấn", "VN", "Cán bộ Vụ Lý luận chính trị, Ban Tuyên giáo và Dân vận Trung ương"),
    (
        "trungtam.simacai",
        "Giàng Thị Mỷ",
        "10-084",
        "Cán bộ Trung tâm chính trị huyện Si Ma Cai (ngừng hoạt động từ 01/07/2025: chỉ xem)",
    ),
]
# Accounts the demo has but does not print: the Yên Bái board's, moved to the Lào Cai board by the merger.
OTHER_USERS = [("bantuyengiao.yenbai", "Hoàng Thị Thu", "15", "Cán bộ Ban Tuyên giáo Tỉnh ủy Yên Bái")]
ADMIN_USER = "quantri"
LEARNER_FIELDS = [
    "id",
    "center",
    "full_name",
    "name_key",
    "date_of_birth",
    "gender",
    "ethnicity",
    "party_status",
    "group",
    "workplace",
    "national_id",
    "created_at",
    "updated_at",
    "version",
]

# Per province: (classes per year by year or a default, average enrolments per class)
YEAR_CLASSES = {
    "10": {2022: 168, 2023: 181, 2024: 176},
    "20": {2022: 150, 2023: 158, 2024: 163},
    "31": {2022: 214, 2023: 226, 2024: 231},
    "79": {2022: 288, 2023: 301, 2024: 296},
    "42": {2022: 709, 2023: 775, 2024: 792},
}
AVERAGE_SIZE = {"10": 74, "20": 62, "31": 68, "79": 71}
YEAR_ENROLMENTS = {("42", 2022): 118_304, ("42", 2023): 129_557, ("42", 2024): 133_871}
QUARTER_SHARE = (0.19, 0.30, 0.23, 0.28)

# Lào Cai quý I/2023 exactly as seed 001 reports it.
LAO_CAI_Q1_2023 = {
    "own": {"KND": 8, "DVM": 7, "DT": 5, "CD": 5, "NVTG": 1, "CNKT": 3},
    "co_organised": {"TCLL": 3, "CNKT": 4, "CD": 2, "BTCB": 2},
    "enrolments": 2_987,
}

PROGRAM_WEIGHT = {
    "KND": 14,
    "DVM": 13,
    "BTCB": 6,
    "DT": 10,
    "CD": 12,
    "NVTG": 3,
    "CNKT": 12,
    "TCLL": 4,
    "NQ": 26,
}
PROGRAM_SIZE = {
    "KND": 55,
    "DVM": 60,
    "BTCB": 70,
    "DT": 80,
    "CD": 90,
    "NVTG": 40,
    "CNKT": 120,
    "TCLL": 55,
    "NQ": 320,
}
PROGRAM_DAYS = {"KND": 5, "DVM": 7, "BTCB": 5, "DT": 4, "CD": 3, "NVTG": 4, "CNKT": 2, "TCLL": 120, "NQ": 1}
PROGRAM_DAYS |= PROGRAM_DAYS_2025
PROGRAM_TITLE = {
    "KND": "Lớp bồi dưỡng nhận thức về Đảng",
    "DVM": "Lớp bồi dưỡng lý luận chính trị cho đảng viên mới",
    "BTCB": "Lớp bồi dưỡng nghiệp vụ công tác đảng cho bí thư chi bộ, cấp ủy viên cơ sở",
    "DT": "Lớp bồi dưỡng nghiệp vụ công tác Mặt trận, đoàn thể",
    "CD": "Lớp bồi dưỡng chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "NVTG": "Lớp bồi dưỡng nghiệp vụ công tác tuyên giáo",
    "CNKT": "Lớp bồi dưỡng cập nhật kiến thức cho cán bộ, đảng viên",
    "TCLL": "Lớp trung cấp lý luận chính trị - hành chính",
    "NQ": "Hội nghị học tập, quán triệt nghị quyết của Đảng",
    **PROGRAM_TITLE_2025,
}

ETHNICITY = {
    "10": [("Kinh", 35), ("Mông", 25), ("Tày", 15), ("Dao", 14), ("Giáy", 5), ("Nùng", 4), ("Phù Lá", 2)],
    "20": [("Nùng", 42), ("Tày", 35), ("Kinh", 16), ("Dao", 4), ("Sán Chay", 2), ("Hoa", 1)],
    "31": [("Kinh", 99), ("Hoa", 1)],
    "79": [("Kinh", 93), ("Hoa", 5), ("Khmer", 1), ("Chăm", 1)],
    "42": [("Kinh", 99), ("Chứt", 1)],
    "15": [("Kinh", 50), ("Tày", 18), ("Dao", 12), ("Mông", 12), ("Thái", 6), ("Nùng", 2)],
    "30": [("Kinh", 100)],
    "74": [("Kinh", 95), ("Hoa", 3), ("Khmer", 2)],
    "77": [("Kinh", 96), ("Hoa", 2), ("Chơ Ro", 2)],
}
CCCD_PREFIX = {code: f"0{code}" for code in ETHNICITY}

FAMILY = (
    ["Nguyễn"] * 30
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Phan"] * 4
    + [
        "Vũ",
        "Vũ",
        "Võ",
        "Võ",
        "Đặng",
        "Đặng",
        "Bùi",
        "Bùi",
        "Đỗ",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Huỳnh",
        "Đinh",
    ]
)
FAMILY_MINORITY = [
    "Giàng",
    "Sùng",
    "Vàng",
    "Lù",
    "Thào",
    "Hầu",
    "Lò",
    "Hoàng",
    "Nông",
    "Lương",
    "Vi",
    "Hà",
    "Triệu",
]
MIDDLE = {
    "nam": ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thành", "Xuân", "Công", "Ngọc", "Anh"],
    "nu": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Kim", "Phương"],
}
GIVEN = {
    "nam": [
        "Anh",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Hải",
        "Hùng",
        "Huy",
        "Khang",
        "Khoa",
        "Long",
        "Minh",
        "Nam",
        "Nghĩa",
        "Phong",
        "Phúc",
        "Quân",
        "Sơn",
        "Thắng",
        "Thành",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
        "Hiếu",
        "Lâm",
        "Tài",
        "Toàn",
        "Tú",
        "Kiên",
    ],
    "nu": [
        "An",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hoa",
        "Hương",
        "Huyền",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Thủy",
        "Trang",
        "Uyên",
        "Vân",
        "Yến",
        "Loan",
        "Hiền",
        "Thu",
        "Tâm",
        "Nhàn",
    ],
}
GIVEN_MINORITY = {
    "nam": ["Páo", "Sử", "Chứ", "Dính", "Lử", "Pao", "Dế", "Chơ", "Seo", "Phủ"],
    "nu": ["Mỷ", "Sính", "Dua", "Mai", "Chía", "Pà", "Dở", "Xo", "Lan", "Súa"],
}
GROUPS = [
    ("can_bo", 20),
    ("dang_vien", 25),
    ("doan_vien", 18),
    ("hoi_vien", 15),
    ("nhan_dan", 12),
    ("doanh_nghiep", 6),
    ("hoc_sinh", 4),
]
# The commune-level centers' learners (since 1/7/2025): today's groups too (Quyết định 1147-QĐ/BTGDVTW). The same
# number of draws per learner as GROUPS, so that nothing else the demo draws moves.
GROUPS_2025 = [
    ("can_bo", 14),
    ("cong_chuc", 12),
    ("dang_vien", 22),
    ("bao_cao_vien", 5),
    ("doan_vien", 14),
    ("hoi_vien", 13),
    ("thon_to_dan_pho", 8),
    ("nhan_dan", 8),
    ("doanh_nghiep", 2),
    ("hoc_sinh", 2),
]
PARTY_GROUPS = ("dang_vien", "can_bo", "bao_cao_vien")
WORKPLACES = [
    "UBND xã",
    "Đảng ủy xã",
    "Hội Nông dân xã",
    "Đoàn Thanh niên xã",
    "Trường Tiểu học",
    "Trường THCS",
    "Hội Liên hiệp Phụ nữ xã",
    "Trạm Y tế xã",
    "Công ty Cổ phần",
    "Chi bộ thôn",
]
RESULTS = [("gioi", 30), ("kha", 55), ("trung_binh", 11), ("khong_dat", 1), ("bo_hoc", 3)]
RESULT_VALUES, RESULT_WEIGHTS = (list(x) for x in zip(*RESULTS, strict=True))
CANCEL_REASONS = [
    "Không đủ số lượng học viên đăng ký.",
    "Trùng lịch hội nghị của cấp ủy.",
    "Điều chỉnh kế hoạch theo chỉ đạo của Ban Thường vụ.",
]


@dataclass
class PlannedClass:
    center: Unit
    program: str
    start: datetime.date
    size: int
    co_organised: bool
    cancelled: bool = False


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


class DemoLoader:
    def __init__(self, *, progress: Callable[[str], None] = lambda msg: None, today: datetime.date | None = None):
        self.rng = random.Random(20230412)
        self.progress = progress
        self.today = today or timezone.localdate()
        self.programs = {p.code: p for p in Program.objects.all()}
        self._cccd_seq = 0

    # -- entry point ------------------------------------------------------------------------------
    def already_loaded(self) -> bool:
        return Course.objects.filter(center__parent__code="10", center__parent__kind=Unit.Kind.PROVINCE).exists()

    @transaction.atomic
    def load(self) -> None:
        central = Unit.objects.get(code="VN", parent=None)
        self.now = timezone.now()
        self.ids = next_ids(Learner)
        self.write_learners = table_writer(Learner, LEARNER_FIELDS)
        self.write_links = table_writer(Course.lecturers.through, ["course", "lecturer", "frozen_kind"])
        self.write_enrolments = table_writer(
            Enrolment,
            [
                "course",
                "learner",
                "frozen_group",
                "frozen_minority",
                "result",
                "periods_attended",
                "score",
                "retake_score",
                "class_role",
            ],
            {"certificate_no": "", "enrolled_at": self.now, "version": 1},
        )
        self.learner_counted: dict[int, tuple[str, bool]] = {}
        self.lecturer_kind: dict[int, str] = {}
        self.learner_pools: dict[int, list[int]] = {}
        self.scorer = Scorer(today=self.today, now=self.now)
        self.lecturer_pools: dict[int, list[int]] = {}
        # 2022-2024 of the five seed provinces: the first seed alone, in the order it always had.
        seed_centers = {}
        for province_code, spec in PROVINCES.items():
            seed_centers[province_code] = self._load_province(central, province_code, spec)
        # Everything since: another seed, so that the years above never move.
        self.rng = random.Random(20250701)
        self._finish_2024_review()
        for province_code, centers in seed_centers.items():
            self._load_first_half_2025(province_code, centers)
        for province_code, spec in MERGED_PROVINCES.items():
            self._load_merged_province(central, province_code, spec)
        self._load_users()
        self._reorganise()
        for province_code in COMMUNE_CENTERS:
            self._load_commune_centers(province_code)
        self._sign_lao_cai_approvals()
        reset_sequences(Learner)
        self.progress("Tính bảng tổng hợp...")
        analyze()  # the aggregates' grouped reads need the planner to know the loaded tables' sizes
        maintained.rebuild()

    # -- units ------------------------------------------------------------------------------------
    def _load_province(self, central: Unit, code: str, spec) -> list[Unit]:
        board_name = spec[2]
        centers = self._province_units(central, code, spec)
        self.progress(f"{board_name}: {len(centers)} trung tâm chính trị")
        lecturers = self._load_lecturers(code, centers)
        plan = self._plan_classes(code, centers)
        learners = self._load_learners(code, centers, plan)
        self._load_classes(code, plan, learners, lecturers)
        self._load_reports(code, centers, plan)
        self.learner_pools.update(learners)
        self.lecturer_pools.update(lecturers)
        return centers

    def _province_units(self, central: Unit, code: str, spec) -> list[Unit]:
        """The province as it stood before 2025: its board, its school and its district centers."""
        area, area_kind, board_name, school_name, districts = spec[:5]
        province, _ = Unit.objects.get_or_create(
            parent=central,
            code=code,
            defaults={
                "kind": Unit.Kind.PROVINCE,
                "name": board_name,
                "area_name": area,
                "area_kind": area_kind,
                "active_from": datetime.date(2000, 1, 1),
            },
        )
        Unit.objects.get_or_create(
            parent=province,
            code="TCT",
            defaults={
                "kind": Unit.Kind.SCHOOL,
                "name": school_name,
                "area_name": area,
                "area_kind": area_kind,
            },
        )
        centers = []
        for d_code, d_kind, d_area in districts:
            center, _ = Unit.objects.get_or_create(
                parent=province,
                code=d_code,
                defaults={
                    "kind": Unit.Kind.CENTER,
                    "center_level": Unit.CenterLevel.DISTRICT,
                    "name": center_name(d_area),
                    "area_name": d_area,
                    "area_kind": d_kind,
                    "active_from": datetime.date(2018, 1, 1),
                },
            )
            centers.append(center)
        return centers

    def _person_name(self, province_code: str, gender: str, ethnicity: str) -> str:
        rng = self.rng
        if ethnicity in ("Mông", "Dao", "Giáy", "Phù Lá") or (ethnicity != "Kinh" and rng.random() < 0.5):
            middle = rng.choice(["A", "Seo", "Văn"]) if gender == "nam" else "Thị"
            return f"{rng.choice(FAMILY_MINORITY)} {middle} {rng.choice(GIVEN_MINORITY[gender])}"
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"

    def _load_lecturers(self, province_code: str, centers: list[Unit]) -> dict[int, list[int]]:
        rows = []
        for center in centers:
            for kind, n, qualification in (
                (Lecturer.Kind.FULL_TIME, self.rng.randint(2, 4), "Thạc sĩ, Cao cấp lý luận chính trị"),
                (Lecturer.Kind.CONCURRENT, self.rng.randint(8, 14), "Cử nhân, Cao cấp lý luận chính trị"),
                (Lecturer.Kind.REPORTER, self.rng.randint(2, 5), "Cao cấp lý luận chính trị"),
            ):
                for _ in range(n):
                    gender = self.rng.choice(["nam", "nu"])
                    rows.append(
                        Lecturer(
                            center=center,
                            kind=kind,
                            qualification=qualification,
                            full_name=self._person_name(province_code, gender, "Kinh"),
                        )
                    )
        for lecturer in rows:  # bulk_create does not call save()
            lecturer.sort_key = vietnamese_sort_key(lecturer.full_name)
        Lecturer.objects.bulk_create(rows, batch_size=2000)
        by_center = defaultdict(list)
        for pk, center_id, kind in Lecturer.objects.filter(center__in=centers).values_list("pk", "center_id", "kind"):
            by_center[center_id].append(pk)
            self.lecturer_kind[pk] = kind
        return by_center

    # -- classes ----------------------------------------------------------------------------------
    def _quarter_dates(self, year: int, quarter: int) -> tuple[datetime.date, int]:
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1)
        return start, (end - start).days

    def _sizes(self, programs: list[str], total: int) -> list[int]:
        """Class sizes around each program's typical size, scaled to add up to `total` exactly."""
        base = [PROGRAM_SIZE[p] * self.rng.uniform(0.6, 1.4) for p in programs]
        scale = total / sum(base)
        sizes = [max(12, round(b * scale)) for b in base]
        diff = total - sum(sizes)
        order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
        i = 0
        while diff:
            step = 1 if diff > 0 else -1
            k = order[i % len(order)]
            if sizes[k] + step >= 12:
                sizes[k] += step
                diff -= step
            i += 1
        return sizes

    def _plan_classes(self, code: str, centers: list[Unit]) -> list[PlannedClass]:
        rng = self.rng
        weights = [3.0 if c.area_kind in ("thanh_pho", "thanh_pho_thuoc_tp") else 1.0 for c in centers]
        plan: list[PlannedClass] = []
        for year in YEARS:
            n_year = YEAR_CLASSES[code][year]
            counts = [round(n_year * share) for share in QUARTER_SHARE]
            counts[-1] = n_year - sum(counts[:-1])
            year_total = YEAR_ENROLMENTS.get((code, year))
            quarter_totals = None
            if year_total:
                quarter_totals = [round(year_total * share) for share in QUARTER_SHARE]
                quarter_totals[-1] = year_total - sum(quarter_totals[:-1])
            for quarter in range(1, 5):
                q_start, q_days = self._quarter_dates(year, quarter)
                if code == "10" and (year, quarter) == (2023, 1):
                    programs = [(p, False) for p, n in LAO_CAI_Q1_2023["own"].items() for _ in range(n)]
                    programs += [(p, True) for p, n in LAO_CAI_Q1_2023["co_organised"].items() for _ in range(n)]
                    total = LAO_CAI_Q1_2023["enrolments"]
                    counts[0] = len(programs)
                else:
                    picked = rng.choices(
                        list(PROGRAM_WEIGHT), weights=list(PROGRAM_WEIGHT.values()), k=counts[quarter - 1]
                    )
                    programs = [(p, p == "TCLL" or rng.random() < 0.15) for p in picked]
                    total = quarter_totals[quarter - 1] if quarter_totals else None
                if total is None:
                    total = round(sum(PROGRAM_SIZE[p] for p, _ in programs) / 105 * AVERAGE_SIZE[code])
                sizes = self._sizes([p for p, _ in programs], total)
                for (program, co_org), size in zip(programs, sizes, strict=True):
                    center = rng.choices(centers, weights=weights, k=1)[0]
                    start = q_start + datetime.timedelta(days=rng.randint(3, q_days - 2))
                    plan.append(PlannedClass(center, program, start, size, co_org))
            # A few classes that were cancelled: they stay visible and count nowhere.
            for _ in range(2):
                q_start, q_days = self._quarter_dates(year, rng.randint(1, 4))
                plan.append(
                    PlannedClass(
                        rng.choice(centers),
                        rng.choice(list(PROGRAM_WEIGHT)),
                        q_start + datetime.timedelta(days=rng.randint(3, q_days - 2)),
                        0,
                        False,
                        cancelled=True,
                    )
                )
        return plan

    # -- learners ---------------------------------------------------------------------------------
    def _load_learners(
        self, code: str, centers: list[Unit], plan: list[PlannedClass], groups=GROUPS
    ) -> dict[int, list[int]]:
        rng = self.rng
        per_center_year = defaultdict(int)
        biggest = defaultdict(int)
        for planned in plan:
            per_center_year[(planned.center.pk, planned.start.year)] += planned.size
            biggest[planned.center.pk] = max(biggest[planned.center.pk], planned.size)
        rows = []
        for center in centers:
            busiest = max((v for (c, _), v in per_center_year.items() if c == center.pk), default=0)
            pool = max(300, int(busiest * 0.45), biggest[center.pk] + 50)
            for _ in range(pool):
                gender = rng.choice(["nam", "nu"])
                ethnicity = _weighted(rng, ETHNICITY[code])
                group = _weighted(rng, groups)
                born = datetime.date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
                if group in PARTY_GROUPS:
                    party = "chinh_thuc" if rng.random() < 0.9 else "du_bi"
                else:
                    party = "quan_chung" if rng.random() < 0.85 else "du_bi"
                national_id = None
                if rng.random() < 0.7:
                    self._cccd_seq += 1
                    century = (0 if born.year < 2000 else 2) + (gender == "nu")
                    national_id = f"{CCCD_PREFIX[code]}{century}{born.year % 100:02d}{self._cccd_seq:06d}"
                name = self._person_name(code, gender, ethnicity)
                learner_id = self.ids[Learner]
                self.ids[Learner] += 1
                rows.append(
                    (
                        learner_id,
                        center.pk,
                        name,
                        name_key(name),
                        born,
                        gender,
                        ethnicity,
                        party,
                        group,
                        f"{rng.choice(WORKPLACES)} ({center.area_name})",
                        national_id,
                        self.now,
                        self.now,
                        1,
                    )
                )
        created = self.write_learners(rows)
        by_center = defaultdict(list)
        for row in rows:
            by_center[row[1]].append(row[0])
            self.learner_counted[row[0]] = (row[8], is_ethnic_minority(row[6]))  # (group, ethnic minority)
        self.progress(f"  {vn_int(created)} học viên")
        return by_center

    def _load_classes(self, code, plan, learners, lecturers) -> None:
        rng = self.rng
        seq = defaultdict(int)
        courses = []
        for planned in sorted(plan, key=lambda p: p.start):
            key = (planned.center.pk, planned.start.year, planned.program)
            seq[key] += 1
            days = PROGRAM_DAYS[planned.program]
            end = planned.start + datetime.timedelta(days=max(0, round(days * rng.uniform(0.8, 1.2)) - 1))
            if planned.cancelled:
                status = Course.Status.CANCELLED
            elif end < self.today:
                status = Course.Status.FINISHED
            elif planned.start <= self.today:
                status = Course.Status.RUNNING
            else:
                status = Course.Status.PLANNED
            n = seq[key]
            fmt = _weighted(rng, [("truc_tiep", 75), ("truc_tuyen", 15), ("ket_hop", 10)])
            if planned.program == "NQ" and rng.random() < 0.4:
                fmt = "truc_tuyen"
            courses.append(
                Course(
                    center=planned.center,
                    program=self.programs[planned.program],
                    code=f"{planned.start.year}-{planned.program}-{n:02d}",
                    title=f"{PROGRAM_TITLE[planned.program]} khóa {n} năm {planned.start.year}",
                    start_date=planned.start,
                    end_date=end,
                    format=fmt,
                    co_organised=planned.co_organised,
                    location=("Hội trường " + planned.center.name)
                    if fmt != "truc_tuyen"
                    else "Trực tuyến (điểm cầu xã)",
                    planned_size=max(planned.size, 30) if planned.cancelled else planned.size,
                    status=status,
                    cancel_reason=rng.choice(CANCEL_REASONS) if planned.cancelled else "",
                )
            )
        for course, planned in zip(courses, sorted(plan, key=lambda p: p.start), strict=True):
            course.search_key = course_search_key(course.code, course.title)  # bulk_create does not call save()
            if course.is_scored:
                self.scorer.course_fields(course, planned.program)
        created = Course.objects.bulk_create(courses, batch_size=2000)
        links = []
        enrolments = []
        scored = []
        sizes = {id(c): p.size for c, p in zip(courses, sorted(plan, key=lambda p: p.start), strict=True)}
        for course in created:
            # The quarters that end approved are kept as approved as they go in (figures_freeze's values).
            frozen = self._approved_when_loaded(course.center, course.start_date)
            pool = lecturers[course.center_id]
            teaching = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
            for lecturer_id in teaching:
                links.append((course.pk, lecturer_id, self.lecturer_kind[lecturer_id] if frozen else None))
            rules = course.rules
            if rules.scored:
                course.homeroom_id = self.scorer.homeroom(teaching)
                scored.append(course)
            size = sizes[id(course)]
            if course.status == Course.Status.CANCELLED or size == 0:
                continue
            finished = course.status == Course.Status.FINISHED
            chosen = rng.sample(learners[course.center_id], k=size)
            # One draw per learner, as many draws as `_weighted` one by one (the same sequence).
            results = rng.choices(RESULT_VALUES, weights=RESULT_WEIGHTS, k=size) if finished else [""] * size
            counted = self.learner_counted
            if rules.scored:  # attendance, scores and the result the rules give (drawn apart: see scoring.py)
                details = self.scorer.roster(course, rules, size)
            else:
                details = [(result, None, None, None, "") for result in results]
            enrolments += [
                (course.pk, learner_id, *(counted[learner_id] if frozen else (None, None)), *detail)
                for learner_id, detail in zip(chosen, details, strict=True)
            ]
        self.write_links(links)
        n_enrolments = self.write_enrolments(enrolments)
        if scored:
            Course.objects.bulk_update(scored, ["homeroom"], batch_size=500)
            rules_by_course = {course.pk: course.rules for course in scored}
            self.scorer.decisions(scored, rules_by_course.__getitem__)
        self.progress(f"  {vn_int(len(created))} lớp, {vn_int(n_enrolments)} lượt học viên")

    # -- since 2025 -------------------------------------------------------------------------------------
    def _finish_2024_review(self) -> None:
        """Quý IV/2024 was mid-review when the demo ended in 2024; today it is long approved (January 2025)."""
        pending = list(CenterReport.objects.filter(year=2024, quarter=4).exclude(status="approved"))
        transitions = []
        for report in pending:
            deadline = default_deadline(report.period)
            if report.status in ("draft", "returned"):
                report.submitted_at = _aware(deadline + datetime.timedelta(days=self.rng.randint(1, 8)))
                report.first_submitted_at = report.first_submitted_at or report.submitted_at
                transitions.append(
                    Transition(report=report, action="submit", from_status=report.status, to_status="submitted")
                )
            report.status = "approved"
            report.approved_at = report.submitted_at + datetime.timedelta(days=self.rng.randint(2, 6))
            transitions.append(
                Transition(
                    report=report, action="approve", from_status="submitted", to_status="approved", comment="Nhất trí."
                )
            )
        CenterReport.objects.bulk_update(
            pending, ["status", "submitted_at", "first_submitted_at", "approved_at"], batch_size=500
        )
        _write_transitions(transitions)
        reported = set(CenterReport.objects.filter(year=2024, quarter=4).values_list("center_id", flat=True))
        missing = list(Unit.objects.district_centers().exclude(pk__in=reported).filter(code__regex=r"^\d{3}$"))
        self._write_reports(missing, [(2024, 4)], [], lambda center, year, quarter: ("approved", True))

    def _plan_quarters(self, centers, quarters, per_quarter, average_size, min_size=12) -> list[PlannedClass]:
        """Classes spread over `quarters` ((year, quarter) pairs): `per_quarter(year, quarter)` of them, around
        `average_size` learners, and one cancelled class a year."""
        rng = self.rng
        weights = [3.0 if c.area_kind in ("thanh_pho", "thanh_pho_thuoc_tp", "phuong") else 1.0 for c in centers]
        plan = []
        for year, quarter in quarters:
            q_start, q_days = self._quarter_dates(year, quarter)
            picked = rng.choices(
                list(PROGRAM_WEIGHT), weights=list(PROGRAM_WEIGHT.values()), k=per_quarter(year, quarter)
            )
            for program in picked:
                size = max(min_size, round(PROGRAM_SIZE[program] * average_size / 105 * rng.uniform(0.6, 1.4)))
                plan.append(
                    PlannedClass(
                        rng.choices(centers, weights=weights, k=1)[0],
                        program,
                        q_start + datetime.timedelta(days=rng.randint(3, q_days - 2)),
                        size,
                        program == "TCLL" or rng.random() < 0.15,
                    )
                )
        for year in sorted({year for year, _ in quarters}):
            q_start, q_days = self._quarter_dates(year, rng.choice([q for y, q in quarters if y == year]))
            start = q_start + datetime.timedelta(days=rng.randint(3, q_days - 2))
            plan.append(PlannedClass(rng.choice(centers), rng.choice(list(PROGRAM_WEIGHT)), start, 0, False, True))
        for planned in plan:  # from 1/12/2025 the program of the 2025 catalogue it continues as
            planned.program = program_on(planned.program, planned.start)
        return plan

    def _load_quarters(self, code, centers, quarters, per_quarter, average_size, min_size=12):
        """Lecturers and learners where the centers have none yet (the pools of 2022-2024 otherwise), then the
        classes of `quarters` with their enrolments."""
        plan = self._plan_quarters(centers, quarters, per_quarter, average_size, min_size)
        new = [c for c in centers if c.pk not in self.learner_pools]
        if new:
            self.lecturer_pools.update(self._load_lecturers(code, new))
            groups = GROUPS_2025 if all(c.is_commune_center for c in new) else GROUPS
            self.learner_pools.update(self._load_learners(code, new, [p for p in plan if p.center in new], groups))
        for planned in plan:  # a class never has more learners than its center's pool
            planned.size = min(planned.size, len(self.learner_pools[planned.center.pk]))
        self._load_classes(code, plan, self.learner_pools, self.lecturer_pools)
        return plan

    def _load_first_half_2025(self, code: str, centers: list[Unit]) -> None:
        """The district centers' last two quarters (quý I and II/2025), all approved but for Lào Cai's open work."""
        quarters = [(2025, 1), (2025, 2)]
        size = AVERAGE_SIZE.get(code) or round(YEAR_ENROLMENTS[(code, 2024)] / YEAR_CLASSES[code][2024])
        plan = self._load_quarters(
            code, centers, quarters, lambda y, q: round(YEAR_CLASSES[code][2024] * QUARTER_SHARE[q - 1]), size
        )

        def status(center, year, quarter):
            if code == "10" and (year, quarter) == (2025, 2):
                return LAO_CAI_2025_Q2.get(center.code, ("approved", False))
            return "approved", self.rng.random() < 0.1

        self._write_reports(centers, quarters, plan, status)

    def _load_merged_province(self, central: Unit, code: str, spec) -> None:
        """A province merged into a seed province on 1/7/2025: smaller, 2022 to quý II/2025, all approved."""
        centers = self._province_units(central, code, spec)
        self.progress(f"{spec[2]} (đến 30/06/2025): {len(centers)} trung tâm chính trị")
        quarters = [(y, q) for y in (2022, 2023, 2024, 2025) for q in range(1, 5) if (y, q) <= (2025, 2)]
        plan = self._load_quarters(code, centers, quarters, lambda y, q: 5 * len(centers), 62)
        self._write_reports(centers, quarters, plan, lambda c, y, q: ("approved", self.rng.random() < 0.1))

    def _load_users(self) -> None:
        """The demo accounts where they worked before 2025 (the plan moves them), and the administrator."""
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)  # hashed once: the hash costs as much as a page
        for username, full_name, key, position in [*DEMO_USERS, *OTHER_USERS]:
            family, _, given = full_name.rpartition(" ")
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": given, "last_name": family, "email": f"{username}@example.vn"},
            )
            if created:
                user.password = password
                user.save()
            unit = unit_from_key(key)
            # The demo board's staff manage the accounts of the board and its centers (Staff.manages_accounts).
            Staff.objects.update_or_create(
                user=user,
                defaults={"unit": unit, "position": position, "manages_accounts": unit.kind == Unit.Kind.PROVINCE},
            )
            if not Assignment.objects.filter(user=user, ended_on__isnull=True).exists():
                Assignment.objects.create(user=user, unit=unit, started_on=datetime.date(2022, 1, 1))
        admin, created = User.objects.get_or_create(
            username=ADMIN_USER, defaults={"is_staff": True, "is_superuser": True, "first_name": "Quản trị"}
        )
        if created:
            admin.password = password
            admin.save()

    def _reorganise(self) -> None:
        """The 2025 reorganisation, applied as central staff apply one: the shipped plan, read and applied."""
        plan = read_plan(PLAN_FILE)
        if plan.errors:
            raise ValueError("; ".join(str(problem) for problem in plan.errors))
        record = apply_plan(plan, by=get_user_model().objects.get(username="trunguong"), file_name=PLAN_FILE.name)
        self.progress(f"Áp dụng phương án “{record.name}”")

    def _load_commune_centers(self, code: str) -> None:
        """The commune-level centers of a province, from their founding to today: classes every quarter (the open
        one too), reports in every state since quý III/2025."""
        centers = list(Unit.objects.commune_centers().filter(parent__code=code, parent__kind=Unit.Kind.PROVINCE))
        first = Period.quarter_of(reorganisation_date())
        today = Period.quarter_of(self.today)
        quarters, period = [], first
        while period.start <= today.start:
            quarters.append((period.year, period.index))
            period = period.next_quarter()
        self.progress(f"{Unit.objects.get(code=code, kind=Unit.Kind.PROVINCE).name}: {len(centers)} trung tâm xã")
        plan = self._load_quarters(code, centers, quarters, lambda y, q: 6 * len(centers), 48, min_size=25)
        under_review = quarters[-2] if len(quarters) > 1 else None

        def status(center, year, quarter):
            if (year, quarter) != under_review:
                return "approved", self.rng.random() < 0.12
            if code == "10":
                return LAO_CAI_UNDER_REVIEW.get(center.code, ("approved", False))
            return self.rng.choice(REVIEW_STATES)

        self._write_reports(centers, quarters[:-1], plan, status)

    def _write_reports(self, centers, quarters, plan, status_of) -> None:
        """Reports of `quarters` for each center active in them; `status_of(center, year, quarter)` gives (status or
        None for no report, submitted late). A report's plan for the next quarter follows what the center then did
        (none when the center closed before it)."""
        rng = self.rng
        next_counts = defaultdict(int)
        for planned in plan:
            if not planned.cancelled:
                q = Period.quarter_of(planned.start)
                next_counts[(planned.center.pk, q.year, q.index, planned.program)] += 1
        reports = []
        for center in centers:
            for year, quarter in quarters:
                period = Period(year, "Q", quarter)
                if not center.is_active_between(period.start, period.end):
                    continue
                status, late = status_of(center, year, quarter)
                if status is None:
                    continue
                deadline = default_deadline(period)
                days = rng.randint(1, 9) if late else rng.choice([-4, -3, -2, -1, 0, 0])
                report = CenterReport(
                    center=center,
                    year=year,
                    quarter=quarter,
                    status=status,
                    achievements=rng.choice(ACHIEVEMENTS),
                    shortcomings=rng.choice(SHORTCOMINGS),
                    causes=rng.choice(CAUSES),
                    proposals=rng.choice(PROPOSALS),
                    next_tasks=rng.choice(NEXT_TASKS),
                )
                if status != "draft":
                    report.first_submitted_at = report.submitted_at = _aware(deadline + datetime.timedelta(days=days))
                if status == "approved":
                    report.approved_at = report.submitted_at + datetime.timedelta(days=rng.randint(2, 6))
                if status == "returned":
                    report.return_comment = RETURN_COMMENT
                reports.append(report)
        CenterReport.objects.bulk_create(reports, batch_size=1000)
        lines, transitions = [], []
        closing = reorganisation_date()
        for report in reports:
            nxt = report.period.next_quarter()
            if report.center.center_level == Unit.CenterLevel.DISTRICT and nxt.start >= closing:
                pass  # a district center plans nothing after 30/6/2025
            else:
                for program_code in self._codes_in_force(nxt.start):
                    actual = next_counts.get((report.center_id, nxt.year, nxt.index, program_code), 0)
                    planned = max(0, actual + rng.choice([-1, 0, 0, 0, 1])) if actual else int(rng.random() < 0.05)
                    if planned:
                        lines.append(
                            PlanLine(report=report, program=self.programs[program_code], planned_classes=planned)
                        )
            if report.submitted_at:
                transitions.append(
                    Transition(report=report, action="submit", from_status="draft", to_status="submitted")
                )
            if report.status in ("approved", "returned"):
                action = "approve" if report.status == "approved" else "return"
                comment = "Nhất trí." if report.status == "approved" else RETURN_COMMENT
                transitions.append(
                    Transition(
                        report=report,
                        action=action,
                        from_status="submitted",
                        to_status=report.status,
                        comment=comment,
                    )
                )
        PlanLine.objects.bulk_create(lines, batch_size=2000)
        _write_transitions(transitions)
        self._freeze([r for r in reports if r.status == "approved"])

    # -- quarterly reports ------------------------------------------------------------------------------
    def _report_status(self, code: str, center: Unit, year: int, quarter: int) -> str | None:
        """Every quarter approved, except the last one of the demo, which is mid-review (None: not started)."""
        if (year, quarter) != (2024, 4):
            return "approved"
        if code == "10":
            return LAO_CAI_2024_Q4.get(center.code, "approved")
        return self.rng.choice(["approved", "approved", "approved", "submitted", "draft"])

    def _load_reports(self, code: str, centers: list[Unit], plan: list[PlannedClass]) -> None:
        rng = self.rng
        next_counts = defaultdict(int)
        for planned in plan:
            if not planned.cancelled:
                q = Period.quarter_of(planned.start)
                next_counts[(planned.center.pk, q.year, q.index, planned.program)] += 1
        reports, transitions, lines = [], [], []
        for center in centers:
            for year in YEARS:
                for quarter in range(1, 5):
                    status = self._report_status(code, center, year, quarter)
                    if status is None:
                        continue
                    period = Period(year, "Q", quarter)
                    deadline = default_deadline(period)
                    submitted = _aware(deadline + datetime.timedelta(days=rng.choice([-4, -3, -2, -1, 0, 0, 2])))
                    if (code, center.code, year, quarter) == ("10", "083", 2024, 4):
                        submitted = _aware(deadline + datetime.timedelta(days=3))  # late
                    report = CenterReport(
                        center=center,
                        year=year,
                        quarter=quarter,
                        status=status,
                        achievements=rng.choice(ACHIEVEMENTS),
                        shortcomings=rng.choice(SHORTCOMINGS),
                        causes=rng.choice(CAUSES),
                        proposals=rng.choice(PROPOSALS),
                        next_tasks=rng.choice(NEXT_TASKS),
                    )
                    if status != "draft":
                        report.first_submitted_at = report.submitted_at = submitted
                    if status == "approved":
                        report.approved_at = submitted + datetime.timedelta(days=rng.randint(2, 6))
                    if status == "returned":
                        report.return_comment = RETURN_COMMENT
                    reports.append(report)
        CenterReport.objects.bulk_create(reports, batch_size=1000)
        for report in reports:
            nxt = report.period.next_quarter()
            for program_code in PROGRAM_WEIGHT:
                actual = next_counts.get((report.center_id, nxt.year, nxt.index, program_code), 0)
                planned = max(0, actual + rng.choice([-1, 0, 0, 0, 0, 1])) if actual else int(rng.random() < 0.05)
                if planned:
                    lines.append(PlanLine(report=report, program=self.programs[program_code], planned_classes=planned))
            if report.submitted_at:
                transitions.append(
                    Transition(report=report, action="submit", from_status="draft", to_status="submitted")
                )
            if report.status == "approved":
                transitions.append(
                    Transition(
                        report=report,
                        action="approve",
                        from_status="submitted",
                        to_status="approved",
                        comment="Nhất trí.",
                    )
                )
            if report.status == "returned":
                transitions.append(
                    Transition(
                        report=report,
                        action="return",
                        from_status="submitted",
                        to_status="returned",
                        comment=RETURN_COMMENT,
                    )
                )
        PlanLine.objects.bulk_create(lines, batch_size=2000)
        _write_transitions(transitions)
        self._freeze([r for r in reports if r.status == "approved"])
        self.progress(f"  {vn_int(len(reports))} báo cáo quý")

    def _codes_in_force(self, day: datetime.date) -> list[str]:
        """The programs a plan for the quarter starting on `day` names: the 2022 catalogue's, else those in force."""
        if all(self.programs[code].is_in_force_on(day) for code in PROGRAM_WEIGHT):
            return list(PROGRAM_WEIGHT)
        return [p.code for p in sorted(self.programs.values(), key=lambda p: p.order) if p.is_in_force_on(day)]

    def _approved_when_loaded(self, center: Unit, day: datetime.date) -> bool:
        """Whether the quarter of `day` ends approved in the demo, known before its report is written: every quarter
        before the reorganisation but Lào Cai's open work of quý II/2025. (The commune-level centers' quarters are
        kept as approved when their reports are, `_freeze`.)"""
        if day >= reorganisation_date():
            return False
        if day >= datetime.date(2025, 4, 1) and center.parent.code == "10":
            return LAO_CAI_2025_Q2.get(center.code, ("approved",))[0] == "approved"
        return True

    def _freeze(self, approved) -> None:
        """As the approval does: the approved quarters keep their learners and lecturers as approved (those not
        kept so as their rows went in)."""
        quarters = [
            (r.center_id, r.period.start, r.period.end)
            for r in approved
            if not self._approved_when_loaded(r.center, r.period.start)
        ]
        for i in range(0, len(quarters), 200):
            figures_freeze(quarters=quarters[i : i + 200])

    def _sign_lao_cai_approvals(self) -> None:
        board = get_user_model().objects.get(username=DEMO_USERS[1][0])
        lao_cai = CenterReport.objects.filter(center__parent__code="10", center__parent__kind=Unit.Kind.PROVINCE)
        lao_cai.filter(status="approved").update(approved_by=board)
        Transition.objects.filter(report__in=lao_cai, action__in=["approve", "return"]).update(by=board)


def _write_transitions(transitions: list) -> None:
    """Write a report's history dated as its header says: sent when it was sent, approved when it was approved, a
    return three days after it was sent (the column fills itself with the moment of writing otherwise)."""
    Transition.objects.bulk_create(transitions, batch_size=2000)
    for transition in transitions:
        report = transition.report
        transition.at = {
            "submit": report.submitted_at,
            "approve": report.approved_at,
            "return": report.submitted_at + datetime.timedelta(days=3) if report.submitted_at else None,
        }.get(transition.action) or transition.at
    Transition.objects.bulk_update(transitions, ["at"], batch_size=2000)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


# Lào Cai, quý IV/2024: the review the demo board user is in the middle of.
LAO_CAI_2024_Q4 = {"080": "draft", "082": "submitted", "083": "submitted", "084": "returned", "085": None}
# Lào Cai, quý II/2025: the district center of thành phố Lào Cai closed with its report submitted, not yet approved
# (open work the commune-level center of phường Lào Cai took over); Mường Khương's came late.
LAO_CAI_2025_Q2 = {"080": ("submitted", False), "083": ("approved", True)}
# Lào Cai's commune-level centers in the quarter under review today (quý III/2026): (status or None, late).
LAO_CAI_UNDER_REVIEW = {
    "02644": ("returned", False),
    "02671": ("submitted", False),
    "02683": ("submitted", True),
    "03013": ("approved", False),
    "02875": ("draft", False),
    "04249": (None, False),
}
REVIEW_STATES = [
    ("approved", False),
    ("approved", True),
    ("submitted", False),
    ("submitted", True),
    ("returned", False),
    ("draft", False),
    (None, False),
]
RETURN_COMMENT = "Đề nghị bổ sung kết quả học tập của lớp cập nhật kiến thức và làm rõ nguyên nhân hạn chế."
ACHIEVEMENTS = [
    "Trung tâm đã chủ động phối hợp với các ban xây dựng Đảng, Mặt trận Tổ quốc và các đoàn thể mở các lớp theo "
    "kế hoạch; nội dung bám sát chương trình của Ban Tuyên giáo Trung ương, học viên tham gia đầy đủ.",
    "Các lớp được tổ chức đúng kế hoạch, đảm bảo chất lượng; phương pháp giảng dạy tiếp tục được đổi mới, tăng "
    "cường liên hệ thực tiễn địa phương.",
    "Công tác quản lý học viên được thực hiện chặt chẽ; tỷ lệ học viên đạt loại khá, giỏi được nâng lên.",
]
SHORTCOMINGS = [
    "Một số lớp tổ chức theo hình thức trực tuyến, đường truyền tại các điểm cầu xã chưa ổn định.",
    "Đội ngũ giảng viên kiêm chức còn thiếu, ít thời gian đầu tư cho bài giảng.",
    "Cơ sở vật chất, trang thiết bị phục vụ giảng dạy còn thiếu, một số hạng mục xuống cấp.",
    "Một số học viên còn vắng buổi do bận công tác tại cơ sở.",
]
CAUSES = [
    "Kinh phí bảo đảm cho hoạt động của trung tâm còn hạn hẹp.",
    "Địa bàn rộng, giao thông đi lại khó khăn vào mùa mưa.",
    "Giảng viên kiêm chức chủ yếu là lãnh đạo các ban, ngành, thời gian tham gia giảng dạy còn hạn chế.",
]
PROPOSALS = [
    "Đề nghị Ban Tuyên giáo Tỉnh ủy tiếp tục tổ chức bồi dưỡng nghiệp vụ cho đội ngũ giảng viên kiêm chức.",
    "Đề nghị tỉnh quan tâm đầu tư trang thiết bị phục vụ dạy học trực tuyến cho trung tâm.",
    "Đề nghị Trường Chính trị tỉnh phối hợp mở thêm lớp trung cấp lý luận chính trị - hành chính tại địa phương.",
]
NEXT_TASKS = [
    "Tiếp tục mở các lớp bồi dưỡng theo kế hoạch năm; tăng cường kiểm tra, đánh giá chất lượng giảng dạy.",
    "Tổ chức học tập, quán triệt các nghị quyết mới của Trung ương và của tỉnh; chuẩn bị tốt các lớp quý tới.",
]
