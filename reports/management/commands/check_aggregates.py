import time

from django.core.management.base import BaseCommand, CommandError

from reports.figures import maintained
from reports.formatting import vn_decimal


class Command(BaseCommand):
    help = "Tính lại bảng tổng hợp từ dữ liệu gốc và báo mọi chênh lệch (mã thoát 1 nếu có). --rebuild để tính lại."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Tính lại toàn bộ bảng tổng hợp")

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["rebuild"]:
            maintained.rebuild()
            self.stdout.write(f"Đã tính lại bảng tổng hợp trong {vn_decimal(time.monotonic() - started)} giây.")
            return
        found = maintained.differences()
        if found:
            for line in found:
                self.stdout.write(line)
            raise CommandError(f"Bảng tổng hợp lệch với dữ liệu gốc ({len(found)} chỗ).", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(f"Bảng tổng hợp khớp với dữ liệu gốc ({vn_decimal(time.monotonic() - started)} giây).")
        )
