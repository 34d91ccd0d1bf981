from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from centers.models import Staff, Unit
from centers.scoping import Scope, unit_from_key
from courses import services
from courses.importing import plan_import
from courses.preview import preview_lines
from courses.workbook import MAX_BYTES, read_workbook


class Command(BaseCommand):
    help = "Nhập lớp học và học viên của một trung tâm từ tệp Excel theo mẫu. Thoát với mã 1 nếu tệp có lỗi."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx theo mẫu (trang “Lớp học” và “Học viên”)")
        parser.add_argument("--center", required=True, help="Mã trung tâm dạng TỈNH-HUYỆN, ví dụ 10-080")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và xem trước, không ghi")

    def handle(self, *args, **options):
        center = unit_from_key(options["center"])
        if center is None or center.kind != Unit.Kind.CENTER:
            raise CommandError(f"Không có trung tâm mã “{options['center']}” (dạng TỈNH-HUYỆN, ví dụ 10-080).")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        # An oversized file is refused by the reader with its message, without reading it all into memory.
        data = b"\0" * (MAX_BYTES + 1) if path.stat().st_size > MAX_BYTES else path.read_bytes()
        parsed = read_workbook(data)
        plan = plan_import(center=center, parsed=parsed)
        for line in preview_lines(plan):
            self.stdout.write(line)
        if not plan.ok:
            raise CommandError(f"Tệp có {len(plan.errors)} lỗi; không ghi gì.", returncode=1)
        if options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
            return
        scope = Scope(level=Staff.Role.CENTER, unit=center)  # the command acts as the center's own staff
        try:
            applied = services.workbook_import(scope=scope, center=center, parsed=parsed)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=1) from error
        s = applied
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi: {s['new_classes']} lớp mới, {s['new_learners']} học viên mới, "
                f"{s['new_enrolments']} lượt học viên mới, {s['result_updates']} kết quả cập nhật."
            )
        )
