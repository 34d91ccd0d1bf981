import datetime

from django.db import migrations


def load(apps, schema_editor):
    Unit = apps.get_model("centers", "Unit")
    Unit.objects.get_or_create(
        code="VN",
        parent=None,
        defaults={
            "kind": "central",
            "name": "Ban Tuyên giáo Trung ương",
            "area_name": "toàn quốc",
            "area_kind": "nation",
            "active_from": datetime.date(2000, 1, 1),
        },
    )


def unload(apps, schema_editor):
    Unit = apps.get_model("centers", "Unit")
    Unit.objects.filter(code="VN", parent=None, children__isnull=True, staff__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
