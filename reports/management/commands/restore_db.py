from django.core.management.base import BaseCommand, CommandError

from reports.backup import BackupError, restore


class Command(BaseCommand):
    help = "Phục hồi cơ sở dữ liệu từ một tệp sao lưu (thay toàn bộ dữ liệu hiện có)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu do backup_db tạo")
        parser.add_argument("--yes", action="store_true", help="Không hỏi lại")

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input("Toàn bộ dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Gõ 'dong y' để tiếp tục: ")
            if answer.strip().lower() != "dong y":
                raise CommandError("Đã hủy, không phục hồi.")
        try:
            restore(options["file"])
        except BackupError as error:
            raise CommandError(f"Phục hồi không thành công: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Đã phục hồi từ {options['file']}"))
