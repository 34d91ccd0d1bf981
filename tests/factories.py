"""Factories that keep foreign keys consistent: a class's learners belong to the class's center."""

import datetime

import factory
from django.contrib.auth import get_user_model

from centers.models import Staff, Unit
from courses.models import Course, Enrolment, Learner, Lecturer, Program


def central_unit() -> Unit:
    return Unit.objects.get(code="VN", parent=None)


def program(code: str, day: datetime.date | None = None) -> Program:
    """The program of this code; on `day`, the one in force then, following the catalogue's mapping across a new
    version ("KND" on a day of 2026 is "N1", its counterpart of 1/12/2025)."""
    found = Program.objects.filter(code=code).order_by("valid_from").first()
    if day is None or found.is_in_force_on(day):
        return found
    later = Program.objects.in_force_on(day).filter(continues__earlier=found, continues__retired_at__isnull=True)
    return later.first() or found


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = Unit.Kind.PROVINCE
    parent = factory.LazyFunction(central_unit)
    code = factory.Sequence(lambda n: f"{50 + n % 49:02d}" if n < 49 else f"P{n}")
    name = factory.LazyAttribute(lambda o: f"Ban Tuyên giáo Tỉnh ủy {o.area_name}")
    area_name = factory.Sequence(lambda n: f"Tỉnh {n}")
    area_kind = Unit.AreaKind.PROVINCE
    active_from = datetime.date(2000, 1, 1)


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = Unit.Kind.CENTER
    parent = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"{100 + n:03d}")
    area_name = factory.Sequence(lambda n: f"huyện Số {n}")
    name = factory.LazyAttribute(lambda o: f"Trung tâm chính trị {o.area_name}")
    area_kind = Unit.AreaKind.RURAL_DISTRICT
    active_from = datetime.date(2018, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"canbo{n}")
    first_name = "Hạnh"
    last_name = "Nguyễn Thị"
    password = factory.django.Password("Llct@2026")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(CenterFactory)


class LecturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lecturer

    center = factory.SubFactory(CenterFactory)
    full_name = factory.Sequence(lambda n: f"Giảng viên {n}")
    kind = Lecturer.Kind.FULL_TIME
    qualification = "Thạc sĩ"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    center = factory.SubFactory(CenterFactory)
    program = factory.LazyAttribute(lambda o: program("KND", o.start_date))
    code = factory.Sequence(lambda n: f"L{n:04d}")
    title = factory.Sequence(lambda n: f"Lớp bồi dưỡng số {n}")
    start_date = datetime.date(2023, 2, 6)
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=4))
    status = Course.Status.FINISHED


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    center = factory.SubFactory(CenterFactory)
    full_name = factory.Sequence(lambda n: f"Học viên Số {n}")
    date_of_birth = datetime.date(1990, 5, 17)
    gender = Learner.Gender.FEMALE
    group = Learner.Group.PARTY_MEMBER


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    course = factory.SubFactory(CourseFactory)
    learner = factory.SubFactory(LearnerFactory, center=factory.SelfAttribute("..course.center"))
    result = ""


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.CenterReport"

    center = factory.SubFactory(CenterFactory)
    year = 2023
    quarter = 1
    status = "draft"


def approve(center, year=2023, quarter=1, by=None):
    """Mark a center's quarter approved (as the board would), for tests that read approved data."""
    from django.utils import timezone

    return ReportFactory(
        center=center, year=year, quarter=quarter, status="approved", approved_at=timezone.now(), approved_by=by
    )
