import time

from django.core.management.base import BaseCommand

from reports.demo.loader import ADMIN_USER, DEMO_PASSWORD, DEMO_USERS, DemoLoader
from reports.demo.plan import PLAN_FILE, write_plan


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu (2022 đến nay: 5 tỉnh cùng các tỉnh hợp nhất năm 2025, phương án sắp xếp 2025 áp dụng từ "
        "tệp reports/demo/plan_2025.xlsx). Chạy lại không nạp trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-plan",
            action="store_true",
            help="Chỉ ghi lại tệp phương án mẫu reports/demo/plan_2025.xlsx từ reports/demo/units.py.",
        )

    def handle(self, *args, **options):
        if options["write_plan"]:
            PLAN_FILE.write_bytes(write_plan())
            self.stdout.write(f"Đã ghi {PLAN_FILE}.")
            return
        loader = DemoLoader(progress=self.stdout.write)
        if loader.already_loaded():
            self.stdout.write("Dữ liệu mẫu đã có sẵn, không nạp lại.")
        else:
            started = time.monotonic()
            loader.load()
            self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu trong {time.monotonic() - started:.0f} giây."))
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu cho mọi tài khoản: {DEMO_PASSWORD}):")
        for username, _, _, role in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {role}")
        self.stdout.write(f"  {ADMIN_USER:<22} Quản trị hệ thống (/admin/)")
