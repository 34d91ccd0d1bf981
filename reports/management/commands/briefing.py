from django.core.management.base import BaseCommand

from reports import briefing
from reports.figures.basis import Basis
from reports.management.commands._arguments import add_boundaries, boundaries, unit_and_period


class Command(BaseCommand):
    help = "In đoạn tổng hợp của một đơn vị trong một kỳ (ví dụ --unit 10 --period 2023-Q1)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="VN (toàn quốc), mã tỉnh (10) hoặc TỈNH-HUYỆN (10-080)")
        parser.add_argument("--period", required=True, help="2023-Q1, 2023-H1, 2023-9M hoặc 2023")
        add_boundaries(parser)
        parser.add_argument("--basis", choices=Basis.values, help="Số liệu: approved, submitted hoặc all")
        parser.add_argument("--generated", action="store_true", help="Bản tự động, bỏ qua bản Ban cấp tỉnh đã sửa")

    def handle(self, *args, **options):
        unit, period = unit_and_period(options)
        if options["generated"]:
            text = briefing.generate(unit=unit, period=period, basis=options["basis"], boundaries=boundaries(options))
        else:  # the board's edit on this basis (each basis keeps its own), else the generated text
            text = briefing.current(
                unit=unit, period=period, basis=options["basis"], boundaries=boundaries(options)
            ).text
        self.stdout.write(text)
