from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.exporters.context import build_context
from reports.exporters.docx import render_docx
from reports.exporters.xlsx import render_workbook
from reports.figures.basis import Basis
from reports.management.commands._arguments import add_boundaries, boundaries, unit_and_period


class Command(BaseCommand):
    help = "Xuất báo cáo của một đơn vị trong một kỳ ra Excel (.xlsx) hoặc Word (.docx)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="VN, mã tỉnh (10) hoặc TỈNH-HUYỆN (10-080)")
        parser.add_argument("--period", required=True, help="2023-Q1, 2023-H1, 2023-9M hoặc 2023")
        parser.add_argument("--format", required=True, choices=["xlsx", "docx"])
        parser.add_argument("--roster", action="store_true", help="Thêm trang danh sách học viên (chỉ .xlsx)")
        add_boundaries(parser)
        parser.add_argument("--basis", choices=Basis.values, help="approved, submitted hoặc all")
        parser.add_argument("--output", required=True, help="Tệp kết quả")

    def handle(self, *args, **options):
        unit, period = unit_and_period(options)
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"Không có thư mục {output.parent}.")
        ctx = build_context(unit=unit, period=period, basis=options["basis"], boundaries=boundaries(options))
        if options["format"] == "xlsx":
            render_workbook(ctx, output, roster=options["roster"])
        else:
            if options["roster"]:
                raise CommandError("--roster chỉ dùng với --format xlsx.")
            render_docx(ctx, output)
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {output} ({output.stat().st_size:,} byte).".replace(",", ".")))
