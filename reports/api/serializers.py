"""The API's shapes. Figures are serialised from the same objects the dashboard renders (reports/figures/types.py),
so the API and the pages cannot disagree; no CCCD or other personal number is ever part of a shape."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centers.models import ServedCommune, Unit, UnitName
from centers.scoping import unit_key
from courses.models import Course, Program


class UnitRefSerializer(serializers.Serializer):
    key = serializers.SerializerMethodField(help_text="Khóa công khai của đơn vị: “VN”, “10”, “10-080”.")
    name = serializers.SerializerMethodField(help_text="Tên của đơn vị vào cuối kỳ (tên khi đó, nếu đã đổi tên).")

    @extend_schema_field(OpenApiTypes.STR)
    def get_key(self, unit) -> str:
        return unit_key(unit)

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, unit) -> str:
        day = self.context.get("day")
        return unit.name_on(day) if day else unit.name


def _ref(unit):
    return UnitRefSerializer(unit).data if unit is not None else None


class FormerNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitName
        fields = ["name", "valid_from", "valid_to"]


class ServedCommuneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServedCommune
        fields = ["kind", "name", "code", "active_from", "active_to"]


class UnitSerializer(serializers.ModelSerializer):
    """A unit with its history: former names, the unit it was merged into, the units merged into it, and (for a
    commune-level center) the communes, wards and special zones it serves."""

    key = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    merged_into = serializers.SerializerMethodField()
    predecessors = serializers.SerializerMethodField()
    former_names = FormerNameSerializer(many=True, read_only=True)
    served_communes = ServedCommuneSerializer(many=True, read_only=True)

    class Meta:
        model = Unit
        fields = [
            "key",
            "kind",
            "center_level",
            "code",
            "name",
            "area_name",
            "area_kind",
            "party_committee",
            "parent",
            "active_from",
            "active_to",
            "merged_into",
            "predecessors",
            "former_names",
            "served_communes",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_key(self, unit) -> str:
        return unit_key(unit)

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_parent(self, unit):
        return _ref(unit.parent)

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_merged_into(self, unit):
        return _ref(unit.merged_into)

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_predecessors(self, unit):
        return [_ref(before) for before in unit.merged_from.all()]


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["code", "name", "order", "valid_from", "valid_to"]


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="2023-Q1, 2023-H1, 2023-9M hoặc 2023.")
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class FiguresSerializer(serializers.Serializer):
    classes = serializers.IntegerField()
    enrolments = serializers.IntegerField()
    learners = serializers.IntegerField()
    co_organised_classes = serializers.IntegerField()
    co_organised_enrolments = serializers.IntegerField()
    planned_classes = serializers.IntegerField()
    plan_fulfilment = serializers.FloatField(allow_null=True)
    completion_rate = serializers.FloatField(allow_null=True)
    results = serializers.DictField(child=serializers.IntegerField(), help_text="Số lượt theo kết quả; “” là chưa có.")
    # Classes under the 2025 rules (courses/rules.py: from 1/12/2025), counted apart: the ten-point scale's grades,
    # attendance, certificates.
    scored_classes = serializers.IntegerField(help_text="Lớp theo Quy chế từ 01/12/2025 (chấm điểm thang 10).")
    scored_enrolments = serializers.IntegerField()
    scored_results = serializers.DictField(
        child=serializers.IntegerField(), help_text="Xếp loại của các lớp chấm điểm (có xuất sắc)."
    )
    eligible = serializers.IntegerField(help_text="Học viên đủ điều kiện được cấp giấy chứng nhận.")
    eligible_rate = serializers.FloatField(allow_null=True)
    good_or_better_rate = serializers.FloatField(allow_null=True, help_text="Khá, giỏi trở lên.")
    attendance_rate = serializers.FloatField(allow_null=True, help_text="Số tiết tham dự trên số tiết của lớp.")
    below_attendance = serializers.IntegerField(help_text="Học viên dự dưới mức tối thiểu để làm bài thu hoạch.")
    certificates_issued = serializers.IntegerField()
    certificates_late = serializers.IntegerField(help_text="Cấp sau thời hạn kể từ quyết định công nhận.")
    certificates_pending = serializers.IntegerField(help_text="Đủ điều kiện, chưa được cấp.")


class ChangeSerializer(serializers.Serializer):
    current = serializers.FloatField()
    previous = serializers.FloatField()
    diff = serializers.FloatField()
    ratio = serializers.FloatField(allow_null=True)


class ProgramFiguresSerializer(serializers.Serializer):
    program = serializers.CharField(source="program.code")
    name = serializers.CharField(source="program.name")
    classes = serializers.IntegerField()
    co_organised_classes = serializers.IntegerField()
    enrolments = serializers.IntegerField()
    planned_classes = serializers.IntegerField()


class PartSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    figures = FiguresSerializer()
    previous = FiguresSerializer(allow_null=True)


class RollupSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period = PeriodSerializer()
    basis = serializers.CharField()
    basis_label = serializers.CharField()
    total = FiguresSerializer()
    previous = FiguresSerializer(allow_null=True, help_text="Cùng kỳ năm trước.")
    changes = serializers.DictField(child=ChangeSerializer(allow_null=True))
    programs = ProgramFiguresSerializer(many=True)
    formats = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))
    groups = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))
    lecturers = serializers.DictField(child=serializers.IntegerField())
    parts = PartSerializer(many=True, help_text="Các tỉnh (toàn quốc) hoặc các trung tâm (một tỉnh).")


class CompletenessRowSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    expected = serializers.IntegerField(help_text="Số trung tâm phải báo cáo (đang hoạt động trong kỳ).")
    reported = serializers.IntegerField(help_text="Đã gửi hoặc đã duyệt.")
    approved = serializers.IntegerField()
    status = serializers.CharField(allow_null=True, help_text="Trạng thái báo cáo (một trung tâm).")
    on_time = serializers.BooleanField(allow_null=True)


class CompletenessSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period = PeriodSerializer()
    deadline = serializers.DateField(allow_null=True)
    expected = serializers.IntegerField()
    reported = serializers.IntegerField()
    approved = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    rows = CompletenessRowSerializer(many=True)


class CourseSerializer(serializers.ModelSerializer):
    center = UnitRefSerializer()
    program = serializers.CharField(source="program.code")
    enrolments = serializers.IntegerField(source="n_enrolments")
    results = serializers.DictField(child=serializers.IntegerField(), source="result_counts")

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "title",
            "center",
            "program",
            "start_date",
            "end_date",
            "format",
            "co_organised",
            "status",
            "enrolments",
            "results",
        ]


class CertificateCheckSerializer(serializers.Serializer):
    """What the public verification page shows of a certificate (reports/certificate_views.verify_code): never the
    CCCD nor the date of birth."""

    code = serializers.CharField()
    number = serializers.CharField(source="number_label", help_text="Số vào sổ gốc / năm.")
    full_name = serializers.CharField()
    course_code = serializers.CharField(source="enrolment.course.code")
    course_title = serializers.CharField(source="enrolment.course.title")
    program = serializers.CharField(source="enrolment.course.program.name")
    start_date = serializers.DateField(source="enrolment.course.start_date")
    end_date = serializers.DateField(source="enrolment.course.end_date")
    grade = serializers.CharField(source="get_grade_display")
    issued_on = serializers.DateField()
    center = serializers.SerializerMethodField()
    valid = serializers.BooleanField(source="is_valid")
    revoked_on = serializers.SerializerMethodField()

    def get_center(self, certificate) -> str:
        return certificate.register.center.name_on(certificate.issued_on)

    def get_revoked_on(self, certificate) -> str | None:
        return certificate.revoked_at.date().isoformat() if certificate.revoked_at else None
