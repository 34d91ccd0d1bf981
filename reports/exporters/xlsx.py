"""The review-meeting workbook: one small Sheet class per sheet, rendered by exporters.base."""

from __future__ import annotations

from courses.models import Enrolment, Learner, Lecturer

from .. import briefing, selectors
from ..figures.types import RESULTS, Change, Figures, result_scales, results_of
from ..formatting import vn_int, vn_percent
from .base import DATE, INTEGER, PERCENT, Column, Renderer, Sheet
from .context import ExportContext

NO_HISTORY = "chưa có số liệu cùng kỳ"


class SummarySheet(Sheet):
    title = "Tổng hợp"
    heading = "TỔNG HỢP KẾT QUẢ CÔNG TÁC GIÁO DỤC LÝ LUẬN CHÍNH TRỊ"

    def __init__(self, ctx: ExportContext):
        self.ctx = ctx
        earlier = ctx.period.year_earlier().label
        self.columns = [
            Column("STT", 6),
            Column("Chương trình", 48, wrap=True),
            Column("Số lớp", 10, INTEGER),
            Column("Trong đó phối hợp Trường Chính trị", 14, INTEGER),
            Column("Lượt học viên", 13, INTEGER),
            Column(f"Số lớp {earlier}", 13, INTEGER),
            Column(f"Lượt học viên {earlier}", 15, INTEGER),
            Column("Tăng/giảm số lớp", 12, INTEGER),
            Column("Tăng/giảm (%)", 11, PERCENT),
            Column("Kế hoạch (lớp)", 11, INTEGER),
        ]

    def _earlier(self, now, before) -> list:
        """The year-earlier columns and the change: blank and "chưa có số liệu cùng kỳ" for a unit founded since
        (never a rise from zero)."""
        if self.ctx.no_history:
            return [None, None, NO_HISTORY, None]
        change = Change(now.classes, before.classes)
        return [before.classes, before.enrolments, change.diff, change.ratio]

    def rows(self):
        for number, line in enumerate(self.ctx.programs, start=1):
            now, before = line.now, line.before
            yield [
                number,
                line.name,
                now.classes,
                now.co_organised_classes,
                now.enrolments,
                *self._earlier(now, before),
                now.planned_classes,
            ]

    def totals(self):
        total, previous = self.ctx.rollup.total, self.ctx.rollup.previous.total
        return [
            None,
            "Tổng cộng",
            total.classes,
            total.co_organised_classes,
            total.enrolments,
            *self._earlier(total, previous),
            total.planned_classes,
        ]

    def notes(self):
        """The year-earlier columns compare code by code; across a change of the catalogue, the comparison through
        the program mapping follows, as the dashboard and the briefing give it."""
        across = "" if self.ctx.no_history else briefing.program_comparison(self.ctx.rollup)
        return ["Các cột năm trước so sánh theo từng mã chương trình.", across] if across else []


class UnitsSheet(Sheet):
    title = "Theo đơn vị"
    heading = "SỐ LIỆU THEO ĐƠN VỊ"
    columns = [
        Column("STT", 6),
        Column("Đơn vị", 44, wrap=True),
        Column("Số lớp", 10, INTEGER),
        Column("Lượt học viên", 13, INTEGER),
        Column("Học viên (không tính trùng)", 14, INTEGER),
        Column("Tỷ lệ hoàn thành", 12, PERCENT),
        Column("Thực hiện kế hoạch", 12, PERCENT),
        Column("Báo cáo", 20, wrap=True),
    ]

    def __init__(self, ctx: ExportContext):
        self.ctx = ctx

    def rows(self):
        ctx, rollup = self.ctx, self.ctx.rollup
        if ctx.unit.kind == "central":
            rates = ctx.rate.province_totals(rollup.centers, rollup.province_key)
            for number, (province, figures, _before) in enumerate(rollup.by_province(), start=1):
                reported, expected = rates.get(province.pk, (0, 0))
                yield self._row(number, province.name_on(ctx.period.end), figures, f"{reported}/{expected} lượt đã gửi")
            return
        for number, center in enumerate(rollup.listed_centers(), start=1):
            figures = rollup.by_center.get(center.pk, Figures())
            yield self._row(
                number, center.name_on(ctx.period.end), figures, ctx.rate.status_label(center.pk, ctx.period)
            )

    @staticmethod
    def _row(number, name, figures: Figures, status):
        return [
            number,
            name,
            figures.classes,
            figures.enrolments,
            figures.learners,
            figures.completion_rate,
            figures.plan_fulfilment,
            status,
        ]

    def totals(self):
        total = self.ctx.rollup.total
        return [
            None,
            "Tổng cộng",
            total.classes,
            total.enrolments,
            total.learners,
            total.completion_rate,
            total.plan_fulfilment,
            f"Tỷ lệ báo cáo {vn_percent(self.ctx.rate.rate)}" if self.ctx.rate.rate is not None else "",
        ]


class ResultsSheet(Sheet):
    """Xuất sắc only where a scored class is counted; a period holding classes of both rule sets says, under the
    table, which grades come from which."""

    title = "Kết quả học tập"
    heading = "KẾT QUẢ HỌC TẬP THEO CHƯƠNG TRÌNH"

    def __init__(self, ctx: ExportContext):
        self.ctx = ctx
        self.shown = results_of(ctx.rollup.total)
        self.columns = (
            [Column("STT", 6), Column("Chương trình", 48, wrap=True)]
            + [Column(str(label), 11, INTEGER) for _, label in self.shown]
            + [
                Column("Chưa có kết quả", 11, INTEGER),
                Column("Tổng lượt học viên", 12, INTEGER),
                Column("Tỷ lệ hoàn thành", 12, PERCENT),
            ]
        )

    def _values(self, results: dict, total: int):
        finished = sum(n for key, n in results.items() if key)
        passed = sum(results[key] for key in Enrolment.PASSING)
        return [results[key] for key, _ in self.shown] + [
            results[""],
            total,
            passed / finished if finished else None,
        ]

    def rows(self):
        for number, line in enumerate(self.ctx.programs, start=1):
            yield [number, line.name, *self._values(line.now.results, line.now.enrolments)]

    def totals(self):
        total = self.ctx.rollup.total
        return [None, "Tổng cộng", *self._values(total.results, total.enrolments)]

    def notes(self):
        scales = result_scales(self.ctx.rollup.total)
        if len(scales) < 2:
            return []
        return ["Xếp loại theo từng quy định (không cộng chung hai thang):"] + [
            f"- {caption}: " + ", ".join(f"{str(label).lower()} {vn_int(n)}" for label, n in counts)
            for caption, counts in scales
        ]


class CertificatesSheet(Sheet):
    """The classes under the 2025 rules by unit: learners eligible for a certificate, the grades, certificates
    issued, late, not yet issued and past due, attendance (only in a file whose period has such classes)."""

    title = "Giấy chứng nhận"
    heading = "LỚP THEO QUY CHẾ BỒI DƯỠNG, GIẢNG DẠY: GIẤY CHỨNG NHẬN, XẾP LOẠI, CHUYÊN CẦN"
    columns = [
        Column("STT", 6),
        Column("Đơn vị", 40, wrap=True),
        Column("Số lớp", 9, INTEGER),
        Column("Lượt học viên", 11, INTEGER),
        Column("Đủ điều kiện cấp GCN", 12, INTEGER),
        Column("Tỷ lệ đủ điều kiện", 11, PERCENT),
        Column("Khá, giỏi trở lên", 11, PERCENT),
        Column("Xuất sắc", 9, INTEGER),
        Column("GCN đã cấp", 10, INTEGER),
        Column("Cấp quá thời hạn", 10, INTEGER),
        Column("Chưa được cấp", 10, INTEGER),
        Column("Quá hạn chưa cấp", 10, INTEGER),
        Column("Tỷ lệ tham dự (số tiết)", 11, PERCENT),
        Column("Không đủ số tiết", 10, INTEGER),
    ]

    def __init__(self, ctx: ExportContext):
        self.ctx = ctx

    def _row(self, number, name, figures: Figures):
        return [
            number,
            name,
            figures.scored_classes,
            figures.scored_enrolments,
            figures.eligible,
            figures.eligible_rate,
            figures.good_or_better_rate,
            figures.scored_results.get("xuat_sac", 0),
            figures.certificates_issued,
            figures.certificates_late,
            figures.certificates_pending,
            figures.certificates_past_due(self.ctx.made_on),
            figures.attendance_rate,
            figures.below_attendance,
        ]

    def rows(self):
        ctx, rollup = self.ctx, self.ctx.rollup
        if ctx.unit.kind == "central":
            units = [(p.name_on(ctx.period.end), figures) for p, figures, _before in rollup.by_province()]
        else:
            units = [
                (c.name_on(ctx.period.end), rollup.by_center.get(c.pk, Figures())) for c in rollup.listed_centers()
            ]
        number = 0
        for name, figures in units:
            if figures.scored_classes:
                number += 1
                yield self._row(number, name, figures)

    def totals(self):
        return self._row(None, "Tổng cộng", self.ctx.rollup.total)


class LecturersSheet(Sheet):
    title = "Giảng viên"
    heading = "GIẢNG VIÊN THAM GIA GIẢNG DẠY TRONG KỲ"
    columns = [
        Column("STT", 6),
        Column("Họ và tên", 28),
        Column("Trung tâm", 40, wrap=True),
        Column("Loại giảng viên", 20),
        Column("Trình độ", 30, wrap=True),
        Column("Số lớp đã dạy", 11, INTEGER),
    ]

    def __init__(self, ctx: ExportContext):
        self.ctx = ctx
        self.lecturers = list(
            selectors.lecturers_in_period(unit=ctx.unit, period=ctx.period, basis=ctx.basis, bounds=ctx.bounds)
        )

    def rows(self):
        for number, lecturer in enumerate(self.lecturers, start=1):
            yield [
                number,
                lecturer.full_name,
                lecturer.center.name,
                lecturer.get_kind_display(),
                lecturer.qualification,
                lecturer.n_classes,
            ]

    def notes(self):
        counts = {kind: 0 for kind in Lecturer.Kind.values}
        for lecturer in self.lecturers:
            counts[lecturer.kind] += 1
        return [
            "Tổng số: " + ", ".join(f"{label.lower()} {counts[value]}" for value, label in Lecturer.Kind.choices) + "."
        ]


class NotesSheet(Sheet):
    title = "Nhận định"
    heading = "NHẬN ĐỊNH"
    columns = [Column("Nội dung", 120, wrap=True)]

    def __init__(self, ctx: ExportContext):
        self.ctx = ctx

    def rows(self):
        for paragraph in self.ctx.briefing_text.split("\n"):
            if paragraph.strip():
                yield [paragraph]
        # The briefing (which the board may edit) has the shortcomings and proposals; the rest of what the
        # centers wrote follows it.
        for name, heading in (
            ("achievements", "Kết quả đạt được (trung tâm nêu):"),
            ("causes", "Nguyên nhân của tồn tại, hạn chế:"),
            ("next_tasks", "Phương hướng nhiệm vụ:"),
        ):
            if self.ctx.points[name]:
                yield [heading]
                for line in self.ctx.points[name]:
                    yield [line]


GROUP_LABELS = dict(Learner.Group.choices)
GENDER_LABELS = dict(Learner.Gender.choices)
RESULT_LABELS = dict(RESULTS)


class RosterSheet(Sheet):
    """Every enrolment of the period, streamed row by row (a province-year is about 130.000 rows)."""

    title = "Danh sách học viên"
    heading = "DANH SÁCH HỌC VIÊN"
    plain = True
    columns = [
        Column("Trung tâm", 36),
        Column("Mã lớp", 16),
        Column("Tên lớp", 64),  # "Bồi dưỡng lý luận chính trị cho đảng viên mới, khóa 3 năm 2024" and longer
        Column("Ngày bắt đầu", 12, DATE),
        Column("Họ và tên", 26),
        Column("Ngày sinh", 12, DATE),
        Column("Giới tính", 9),
        Column("Dân tộc", 10),
        Column("Đối tượng", 20),  # "Học sinh - sinh viên"
        Column("Kết quả", 12),
    ]

    def __init__(self, ctx: ExportContext):
        self.ctx = ctx

    def rows(self):
        # Labels translated once, not three times a row.
        genders, groups = _translated(GENDER_LABELS), _translated(GROUP_LABELS)
        results = {**_translated(RESULT_LABELS), "": ""}
        for center, code, title, start, name, born, gender, ethnicity, group, result in selectors.roster(
            unit=self.ctx.unit, period=self.ctx.period, basis=self.ctx.basis, bounds=self.ctx.bounds
        ):
            yield [
                center,
                code,
                title,
                start,
                name,
                born,
                genders.get(gender, gender),
                ethnicity,
                groups.get(group, group),
                results.get(result, ""),
            ]


def _translated(labels: dict) -> dict[str, str]:
    return {key: str(label) for key, label in labels.items()}


def render_workbook(ctx: ExportContext, target, *, roster: bool = False) -> None:
    """Write the workbook of a unit and period to `target` (a path or a binary file)."""
    title_lines = [
        f"Đơn vị: {ctx.unit_title}",
        f"Kỳ báo cáo: {ctx.period.label}",
        f"Ngày lập: {ctx.made_on:%d/%m/%Y} · Số liệu: {ctx.basis_label.lower()}"
        + (f" · {ctx.boundaries_label}" if ctx.boundaries_label else ""),
    ]
    renderer = Renderer(title_lines=title_lines)
    sheets = [SummarySheet(ctx), UnitsSheet(ctx), ResultsSheet(ctx)]
    if ctx.rollup.total.scored_classes:
        sheets.append(CertificatesSheet(ctx))
    sheets += [LecturersSheet(ctx), NotesSheet(ctx)]
    if roster:
        sheets.append(RosterSheet(ctx))
    for sheet in sheets:
        renderer.add(sheet)
    renderer.save(target)
