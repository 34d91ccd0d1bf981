import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from centers.periods import Period, PeriodError
from reports.dashboard import warm
from reports.formatting import vn_decimal, vn_int


class Command(BaseCommand):
    help = (
        "Tính sẵn số liệu các trang tổng quan (toàn quốc, từng tỉnh) để không người dùng nào phải chờ tính lại: "
        "chạy sau mỗi lần triển khai và định kỳ vài phút một lần."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Kỳ cần tính (mặc định: năm mà trang tổng quan của mỗi đơn vị mở ra)")
        parser.add_argument("--centers", action="store_true", help="Tính cả trang của từng trung tâm")
        parser.add_argument("--quiet", action="store_true", help="Không in gì trừ khi có lỗi (cho cron)")

    def handle(self, *args, **options):
        try:
            period = Period.parse(options["period"]) if options["period"] else None
        except PeriodError as error:
            raise CommandError(f"Kỳ báo cáo không hợp lệ: {options['period']} ({error})") from error
        started = time.monotonic()

        def progress(unit, at, ms):
            if not options["quiet"]:
                self.stdout.write(f"{unit.name}, {at.label}: {vn_int(ms)} ms")

        done = warm(today=timezone.localdate(), period=period, centers=options["centers"], progress=progress)
        if options["quiet"]:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính sẵn {len(done)} trang tổng quan trong {vn_decimal(time.monotonic() - started)} giây."
            )
        )
