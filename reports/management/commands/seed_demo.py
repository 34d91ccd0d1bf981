import time

from django.core.management.base import BaseCommand

from reports.demo.loader import ADMIN_USER, DEMO_PASSWORD, DEMO_USERS, DemoLoader


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (5 tỉnh, 2022-2024). Chạy lại không nạp trùng."

    def handle(self, *args, **options):
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
