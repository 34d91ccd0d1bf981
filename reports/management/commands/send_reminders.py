from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from centers.models import Staff
from centers.periods import Period, PeriodError
from reports.reminders import overdue_centers


class Command(BaseCommand):
    help = "Gửi thư nhắc các trung tâm chưa gửi báo cáo quý khi đã quá hạn nộp."

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
        staff = Staff.objects.filter(unit__in=[center for center, _ in overdue]).select_related("user", "unit")
        emails = {}
        for member in staff:
            if member.user.email and member.user.is_active:
                emails.setdefault(member.unit_id, []).append(member.user.email)
        messages = []
        for center, deadline in overdue:
            recipients = emails.get(center.pk, []) + ([center.email] if center.email else [])
            self.stdout.write(f"{center.name}: hạn {deadline:%d/%m/%Y}, {len(recipients)} người nhận")
            if recipients:
                messages.append(
                    (
                        f"Nhắc gửi báo cáo {period.label}",
                        f"Kính gửi {center.name},\n\nĐến nay trung tâm chưa gửi báo cáo kết quả công tác giáo dục lý "
                        f"luận chính trị {period.title_label} (hạn nộp {deadline:%d/%m/%Y}). Đề nghị đồng chí hoàn "
                        f"thiện và gửi báo cáo trên hệ thống.\n\n{center.parent.name}",
                        None,
                        sorted(set(recipients)),
                    )
                )
        if options["dry_run"]:
            self.stdout.write(f"Chạy thử: {len(messages)} thư sẽ được gửi.")
            return
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        self.stdout.write(self.style.SUCCESS(f"Đã gửi {sent} thư nhắc cho {len(overdue)} trung tâm chưa gửi báo cáo."))
