import time

from django.core.management.base import BaseCommand

from reports.demo.loadgen import LoadGenerator
from reports.formatting import vn_int


class Command(BaseCommand):
    help = "Sinh dữ liệu thử nghiệm quy mô toàn quốc (mặc định 63 tỉnh × 11 trung tâm × 5 năm ≈ 4 triệu lượt học viên)."

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=63)
        parser.add_argument("--centers-per-province", type=int, default=11)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--first-year", type=int, default=2020)
        parser.add_argument("--classes-per-center-year", type=int, default=12)
        parser.add_argument("--class-size", type=int, default=100, help="Số học viên bình quân mỗi lớp")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = LoadGenerator(
            provinces=options["provinces"],
            centers_per_province=options["centers_per_province"],
            years=options["years"],
            first_year=options["first_year"],
            classes_per_center_year=options["classes_per_center_year"],
            class_size=options["class_size"],
            seed=options["seed"],
            progress=self.stdout.write,
        ).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong trong {time.monotonic() - started:.0f} giây: {counts['provinces']} tỉnh, {counts['centers']} "
                f"trung tâm, {vn_int(counts['learners'])} học viên, {vn_int(counts['classes'])} lớp, "
                f"{vn_int(counts['enrolments'])} lượt học viên, {vn_int(counts['reports'])} báo cáo."
            )
        )
