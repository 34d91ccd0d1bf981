"""The read API's endpoints: glue between the Scope, the selectors and figures, and the serializers."""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, throttling
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from centers.models import Unit
from centers.periods import Period, PeriodError
from courses.models import Program
from courses.selectors import course_list, with_enrolment_counts

from ..certificates import find_certificate
from ..figures import completeness, counting
from ..figures.types import Figures
from ..forms import parse_basis
from . import serializers
from .permissions import InScope, scope_of

CHANGED = ("classes", "enrolments", "learners", "co_organised_classes", "planned_classes")


class Pages(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class UserThrottle(throttling.UserRateThrottle):
    """Each account's requests per period (settings.API_THROTTLE_RATE, read on each request)."""

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", "1200/hour")


class AnonThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return getattr(settings, "API_ANON_THROTTLE_RATE", "60/hour")


class ScopedView:
    permission_classes = [InScope]
    throttle_classes = [UserThrottle, AnonThrottle]

    @property
    def scope(self):
        return scope_of(self.request)

    def period(self, key: str) -> Period:
        try:
            return Period.parse(key)
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from error


UNIT_QUERY = Unit.objects.select_related("parent", "merged_into", "merged_into__parent").prefetch_related(
    "former_names", "served_communes", "merged_from__parent"
)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=Unit.Kind.values, description="Loại đơn vị."),
        OpenApiParameter("active_on", str, description="Chỉ các đơn vị hoạt động vào ngày này (YYYY-MM-DD)."),
    ]
)
class UnitList(ScopedView, generics.ListAPIView):
    """Các đơn vị trong phạm vi của tài khoản, kèm tên cũ, sáp nhập và các xã, phường được phục vụ."""

    serializer_class = serializers.UnitSerializer
    pagination_class = Pages

    def get_queryset(self):
        units = UNIT_QUERY.filter(self.scope.unit_filter()).order_by("kind", "parent__code", "code")
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in Unit.Kind.values:
                raise ValidationError({"kind": [_("Loại đơn vị không hợp lệ.")]})
            units = units.filter(kind=kind)
        day = self.request.query_params.get("active_on")
        if day:
            try:
                day = serializers.serializers.DateField().to_internal_value(day)
            except ValidationError as error:
                raise ValidationError({"active_on": [_("Ngày không hợp lệ: dùng dạng YYYY-MM-DD.")]}) from error
            units = units.active_between(day, day)
        return units


class UnitDetail(ScopedView, generics.RetrieveAPIView):
    """Một đơn vị theo khóa công khai (“VN”, “10”, “10-080”)."""

    serializer_class = serializers.UnitSerializer

    def get_object(self):
        unit = self.scope.get_unit(self.kwargs["key"])
        return UNIT_QUERY.get(pk=unit.pk)


class ProgramList(ScopedView, generics.ListAPIView):
    """Danh mục chương trình, mỗi phiên bản với ngày áp dụng."""

    serializer_class = serializers.ProgramSerializer
    pagination_class = Pages
    queryset = Program.objects.order_by("valid_from", "order", "code")


@extend_schema(
    parameters=[OpenApiParameter("year", int, required=True, description="Năm báo cáo.")],
    responses=serializers.PeriodSerializer(many=True),
)
class PeriodList(ScopedView, APIView):
    """Các kỳ báo cáo của một năm: bốn quý, hai 6 tháng, 9 tháng và cả năm."""

    def get(self, request):
        year = self.period(request.query_params.get("year", "")).year
        periods = Period.of_year(year)
        return Response(serializers.PeriodSerializer([_period(p) for p in periods], many=True).data)


def _period(period: Period) -> dict:
    return {"key": period.key, "label": period.label, "start": period.start, "end": period.end}


@extend_schema(
    parameters=[OpenApiParameter("so_lieu", str, description="Cơ sở số liệu, như trên trang tổng hợp.")],
    responses=serializers.RollupSerializer,
)
class RollupView(ScopedView, APIView):
    """Số liệu tổng hợp của một đơn vị trong một kỳ: đúng các số trên trang tổng hợp."""

    def get(self, request, key, period):
        unit, period = self.scope.get_unit(key), self.period(period)
        if unit.kind not in (Unit.Kind.CENTER, Unit.Kind.PROVINCE, Unit.Kind.CENTRAL):
            raise Http404
        rollup = counting.rollup(unit=unit, period=period, basis=parse_basis(request.query_params.get("so_lieu"), unit))
        previous = rollup.previous.total if rollup.previous else None
        if unit.kind == Unit.Kind.CENTRAL:
            parts = [{"unit": p, "figures": now, "previous": before} for p, now, before in rollup.by_province()]
        elif unit.kind == Unit.Kind.PROVINCE:
            before = rollup.previous.by_center if rollup.previous else {}
            parts = [
                {"unit": c, "figures": rollup.by_center.get(c.pk) or Figures(), "previous": before.get(c.pk)}
                for c in rollup.centers
            ]
        else:
            parts = []
        data = {
            "unit": unit,
            "period": _period(period),
            "basis": rollup.basis,
            "basis_label": rollup.basis_label,
            "total": rollup.total,
            "previous": previous,
            "changes": {name: _change(rollup.change(name)) for name in CHANGED},
            "programs": list(rollup.by_program.values()),
            "formats": {k: list(v) for k, v in rollup.by_format.items()},
            "groups": {k: list(v) for k, v in rollup.by_group.items()},
            "lecturers": rollup.lecturers,
            "parts": parts,
        }
        prefetch_related_objects([unit, *(part["unit"] for part in parts)], "former_names")
        return Response(serializers.RollupSerializer(data, context={"day": period.end}).data)


def _change(change):
    if change is None:
        return None
    return {"current": change.current, "previous": change.previous, "diff": change.diff, "ratio": change.ratio}


@extend_schema(responses=serializers.CompletenessSerializer)
class CompletenessView(ScopedView, APIView):
    """Tình hình báo cáo của một quý: các trung tâm của một tỉnh, hoặc các tỉnh (toàn quốc)."""

    def get(self, request, key, period):
        unit, period = self.scope.get_unit(key), self.period(period)
        if not period.is_quarter:
            raise ValidationError({"period": [_("Tình hình báo cáo lập theo quý, ví dụ 2023-Q1.")]})
        if unit.kind == Unit.Kind.PROVINCE:
            table = completeness.completeness(province=unit, period=period)
            rows = [
                {
                    "unit": row.center,
                    "expected": int(row.expected),
                    "reported": int(row.counts),
                    "approved": int(row.expected and row.status == "approved"),
                    "status": row.status,
                    "on_time": row.on_time,
                }
                for row in table.rows
            ]
            data = {"deadline": table.deadline, "rate": table.rate}
            totals = {"expected": table.expected, "reported": table.reported, "approved": table.approved}
        elif unit.kind == Unit.Kind.CENTRAL:
            provinces = completeness.national_completeness(period=period)
            rows = [
                {
                    "unit": row.province,
                    "expected": row.expected,
                    "reported": row.reported,
                    "approved": row.approved,
                    "status": None,
                    "on_time": None,
                }
                for row in provinces
                if row.expected or row.reported
            ]
            total = completeness.ProvinceCompleteness.total(provinces)
            data = {"deadline": None, "rate": total.rate}
            totals = {"expected": total.expected, "reported": total.reported, "approved": total.approved}
        else:
            raise Http404(_("Tình hình báo cáo chỉ có ở cấp tỉnh và toàn quốc."))
        data.update(totals, unit=unit, period=_period(period), rows=rows)
        prefetch_related_objects([unit, *(row["unit"] for row in rows)], "former_names")
        return Response(serializers.CompletenessSerializer(data, context={"day": period.end}).data)


@extend_schema(
    parameters=[
        OpenApiParameter("trung_tam", str, description="Khóa của trung tâm, ví dụ “10-080”."),
        OpenApiParameter("ky", str, description="Lớp bắt đầu trong kỳ này, ví dụ 2023-Q1 hoặc 2023."),
        OpenApiParameter("chuong_trinh", str, description="Mã chương trình."),
        OpenApiParameter("trang_thai", str, description="Trạng thái lớp."),
        OpenApiParameter("q", str, description="Tìm theo mã, tên lớp (có hoặc không dấu)."),
    ]
)
class CourseList(ScopedView, generics.ListAPIView):
    """Các lớp trong phạm vi của tài khoản, với số lượt học viên và kết quả (không có số CCCD)."""

    serializer_class = serializers.CourseSerializer
    pagination_class = Pages

    def get_queryset(self):
        params, filters = self.request.query_params, {"q": self.request.query_params.get("q", "")}
        if params.get("trung_tam"):
            filters["trung_tam"] = self.scope.get_unit(params["trung_tam"])
        if params.get("ky"):
            filters["ky"] = self.period(params["ky"])
        if params.get("chuong_trinh"):
            filters["chuong_trinh"] = Program.objects.filter(code=params["chuong_trinh"]).first()
            if filters["chuong_trinh"] is None:
                raise ValidationError({"chuong_trinh": [_("Không có chương trình mã này.")]})
        for name in ("trang_thai", "hinh_thuc"):
            filters[name] = params.get(name) or None
        return course_list(self.scope, filters)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        with_enrolment_counts(page)
        return page


class CertificateCheck(ScopedView, APIView):
    """A certificate by the code printed under its QR code: what the public verification page shows (never the
    CCCD), for the systems that check certificates in bulk. Any account may ask; an unknown or malformed code is one
    404."""

    @extend_schema(responses=serializers.CertificateCheckSerializer, summary="Xác minh giấy chứng nhận theo mã")
    def get(self, request, code):
        certificate = find_certificate(code)
        if certificate is None:
            raise Http404(_("Không tìm thấy giấy chứng nhận có mã này."))
        return Response(serializers.CertificateCheckSerializer(certificate).data)
