import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from centers.models import Staff, Unit
from centers.periods import Period
from centers.scoping import unit_key
from courses.locking import lock_reason
from courses.models import Course

PASSWORD = "Tai-thu@2026"


class Command(BaseCommand):
    help = "Tạo tài khoản và danh sách địa chỉ cho kiểm thử tải (make loadtest), trên dữ liệu generate_load."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True)

    def handle(self, *args, **options):
        province = Unit.objects.provinces().annotate(n=Count("children")).order_by("-n", "code").first()
        central = Unit.objects.get(kind=Unit.Kind.CENTRAL, parent=None)
        centers = list(Unit.objects.centers().filter(parent=province).order_by("code")) if province else []
        if not centers:
            raise CommandError("Chưa có dữ liệu: chạy generate_load trước.")
        latest = Course.objects.order_by("-start_date").values_list("start_date", flat=True).first()
        year = latest.year - 1
        # The center staff record results in the classes of the latest quarter still open (not locked by an
        # approved report): each save raises the center's stamp, so its province's figures are counted again.
        center, open_courses, newest = centers[0], [], None
        for candidate in centers:
            recent = (
                Course.objects.counted()
                .filter(center=candidate, enrolments__isnull=False)
                .distinct()
                .order_by("-start_date")[:200]
            )
            unlocked = [c for c in recent if lock_reason(center=candidate, day=c.start_date) is None]
            if unlocked and (newest is None or unlocked[0].start_date > newest):
                quarter = Period.quarter_of(unlocked[0].start_date)
                center, newest = candidate, unlocked[0].start_date
                open_courses = [c.pk for c in unlocked if quarter.start <= c.start_date <= quarter.end][:10]
        current = Period.quarter_of(Course.objects.get(pk=open_courses[0]).start_date) if open_courses else None
        courses = list(Course.objects.filter(center=center, start_date__year=year).values_list("pk", flat=True)[:20])
        users = {}
        for role, unit in (("center", center), ("board", province), ("central", central)):
            user, _ = get_user_model().objects.get_or_create(username=f"tai.{role}")
            user.set_password(PASSWORD)
            user.save()
            Staff.objects.update_or_create(user=user, defaults={"unit": unit})
            users[role] = user.username
        plan = {
            "password": PASSWORD,
            "users": users,
            "province": unit_key(province),
            "center": unit_key(center),
            "year": str(year),
            "quarter": f"{year}-Q2",
            "courses": courses,
            "open_courses": open_courses,
            "current_quarter": current.key if current else f"{year}-Q2",
        }
        Path(options["output"]).write_text(json.dumps(plan, indent=2), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Đã chuẩn bị {options['output']}"))
