import re
import unicodedata

from django.db import migrations, models

_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    # A copy of courses.text.fold as it was written: a migration must not change when the app's code does.
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()


def fill(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    batch = []
    for course in Course.objects.only("pk", "code", "title").order_by("pk").iterator(chunk_size=2000):
        course.search_key = _fold(f"{course.code} {course.title}")[:300]
        batch.append(course)
        if len(batch) == 2000:
            Course.objects.bulk_update(batch, ["search_key"])
            batch = []
    if batch:
        Course.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="search_key",
            field=models.CharField(default="", editable=False, max_length=300, verbose_name="khóa tìm kiếm"),
        ),
        migrations.AddField(
            model_name="historicalcourse",
            name="search_key",
            field=models.CharField(default="", editable=False, max_length=300, verbose_name="khóa tìm kiếm"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
