from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from centers.periods import Period, PeriodError
from reports.reminders import overdue_centers, remind


class Command(BaseCommand):
    help = "Gửi thư nhắc các trung tâm chưa gửi báo cáo quý khi đã quá hạn nộp (mỗi trung tâm tối đa một thư mỗi ngày)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Quý cần nhắc, ví dụ 2024-Q4 (mặc định: quý vừa kết thúc)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không gửi thư")

    def handle(self, *args, **options):
        today = timezone.localdate()
        try:
            period = (
                Period.parse(options["period"]) if options["period"] else Period.quarter_of(today).previous_quarter()
            )
        except PeriodError as error:
            raise CommandError(str(error)) from error
        if not period.is_quarter:
            raise CommandError("Chỉ nhắc báo cáo theo quý, ví dụ 2024-Q4.")
        overdue = overdue_centers(period=period, today=today)
        for center, deadline in overdue:
            self.stdout.write(f"{center.name}: hạn {deadline:%d/%m/%Y}")
        done = remind(period=period, overdue=overdue, today=today, dry_run=options["dry_run"])
        if done.already:
            self.stdout.write(f"Đã nhắc hôm nay, không nhắc lại: {len(done.already)} trung tâm.")
        if done.unreachable:
            names = "; ".join(center.name for center in done.unreachable)
            self.stdout.write(f"Không có địa chỉ thư: {names}")
        if options["dry_run"]:
            self.stdout.write(f"Chạy thử: {done.mails} thư sẽ được gửi.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Đã gửi {done.mails} thư nhắc cho {len(overdue)} trung tâm chưa gửi báo cáo.")
        )
