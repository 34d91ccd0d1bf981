from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.backup import BackupError, dump


class Command(BaseCommand):
    help = "Sao lưu toàn bộ cơ sở dữ liệu ra một tệp (pg_dump trên PostgreSQL, bản sao tệp trên SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Tệp sao lưu (mặc định backups/llct-NGÀY-GIỜ.backup)")

    def handle(self, *args, **options):
        from pathlib import Path

        output = Path(options["output"] or f"backups/llct-{timezone.localtime():%Y%m%d-%H%M%S}.backup")
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            dump(output)
        except BackupError as error:
            raise CommandError(f"Sao lưu không thành công: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {output}"))
