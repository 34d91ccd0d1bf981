from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from centers.reorganisation import apply_plan, preview, read_plan
from centers.reorganisation.reading import MAX_BYTES


class Command(BaseCommand):
    help = (
        "Xem trước (--dry-run) hoặc áp dụng (--apply) một phương án sắp xếp tổ chức từ tệp .xlsx theo mẫu "
        "(tải mẫu ở trang “Sắp xếp tổ chức”). Thoát với mã 1 nếu phương án có lỗi hoặc đã được áp dụng."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp phương án .xlsx theo mẫu")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và xem trước, không ghi")
        mode.add_argument("--apply", action="store_true", help="Áp dụng phương án (toàn bộ hoặc không gì)")
        parser.add_argument("--by", help="Tên đăng nhập của người áp dụng (ghi vào phương án và nhật ký tài khoản)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"Không có tài khoản “{options['by']}”.")
        # An oversized file is refused by the reader with its message, without reading it all into memory.
        data = b"\0" * (MAX_BYTES + 1) if path.stat().st_size > MAX_BYTES else path.read_bytes()
        plan = read_plan(data)
        shown = preview(plan)
        self.stdout.write(shown.text())
        if shown.errors:
            raise CommandError(f"Phương án có {len(shown.errors)} lỗi; không ghi gì.", returncode=1)
        if options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
            return
        try:
            record = apply_plan(plan, by=by, file_name=path.name)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=1) from error
        self.stdout.write(self.style.SUCCESS(f"Đã áp dụng phương án “{record.name}” (số {record.pk})."))
