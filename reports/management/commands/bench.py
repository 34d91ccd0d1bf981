import platform
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from config.startup import settle
from reports.demo.benchmarks import certificates as certificate_bench
from reports.demo.benchmarks import run as bench
from reports.formatting import vn_int

RESULTS = Path(__file__).resolve().parents[2] / "demo" / "benchmarks" / "results"


class Command(BaseCommand):
    help = "Đo tốc độ các thao tác chính trên dữ liệu quy mô toàn quốc (PostgreSQL) và lưu bảng kết quả."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="Số lần chạy mỗi thao tác chính")
        parser.add_argument(
            "--heavy-runs",
            type=int,
            default=5,
            help="Số lần chạy cho phép đếm thô, warm_figures và chuyển trung tâm sang tỉnh khác",
        )
        parser.add_argument("--import-rows", type=int, default=5000, help="Số dòng của tệp danh sách học viên nhập thử")
        parser.add_argument("--generate-if-empty", action="store_true", help="Sinh dữ liệu nếu cơ sở dữ liệu trống")
        parser.add_argument("--min-enrolments", type=int, default=1_000_000)
        parser.add_argument(
            "--only-certificates",
            action="store_true",
            help="Chỉ đo giấy chứng nhận và sổ gốc (tự tạo dữ liệu rồi hoàn tác, không cần dữ liệu toàn quốc)",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Benchmark chạy trên PostgreSQL: đặt DATABASE_URL=postgres://... (xem README).")
        size = bench.data_size()
        if options["only_certificates"]:
            settle()
            rows = certificate_bench.run(runs=options["heavy_runs"], progress=lambda m: self.stdout.write(f"… {m}"))
            self.stdout.write(bench.as_markdown(rows, header="# Benchmark: certificates and the master register"))
            return
        if size["enrolments"] < options["min_enrolments"]:
            if not options["generate_if_empty"]:
                raise CommandError(f"Chỉ có {vn_int(size['enrolments'])} lượt học viên; chạy generate_load trước.")
            call_command("generate_load", stdout=self.stdout)
            size = bench.data_size()
        settle()  # as config/wsgi.py does in every worker: the timings are those a worker gives
        rows = bench.run(
            runs=options["runs"],
            heavy_runs=options["heavy_runs"],
            import_rows=options["import_rows"],
            progress=lambda m: self.stdout.write(f"… {m}"),
        )
        rows += certificate_bench.run(runs=options["heavy_runs"], progress=lambda m: self.stdout.write(f"… {m}"))
        header = (
            f"# Benchmark {timezone.localtime():%d/%m/%Y %H:%M}\n\n"
            f"PostgreSQL {connection.pg_version // 10000}, Python {platform.python_version()}, "
            f"{platform.machine()}; data: {vn_int(size['centers'])} centers, {vn_int(size['classes'])} classes, "
            f"{vn_int(size['enrolments'])} enrolments, {vn_int(size['learners'])} learners."
        )
        text = bench.as_markdown(rows, header=header)
        self.stdout.write(text)
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{timezone.localtime():%Y-%m-%d-%H%M}.md"
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Đã lưu {path}"))
