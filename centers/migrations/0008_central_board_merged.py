"""The central board this project created (0002) has been Ban Tuyên giáo và Dân vận Trung ương since the merger
announced on 3/2/2025: its current name, and the old one kept with the days it was used (`Unit.name_on`), so a
2023 report still shows Ban Tuyên giáo Trung ương. A name a superuser already changed is left as it is."""

import datetime

from django.db import migrations

OLD, NEW = "Ban Tuyên giáo Trung ương", "Ban Tuyên giáo và Dân vận Trung ương"
LAST_DAY_OF_OLD = datetime.date(2025, 2, 2)


def forwards(apps, schema_editor):
    Unit, UnitName = apps.get_model("centers", "Unit"), apps.get_model("centers", "UnitName")
    central = Unit.objects.filter(code="VN", parent=None, name=OLD).first()
    if central is None or central.active_from > LAST_DAY_OF_OLD:
        return
    UnitName.objects.create(unit=central, name=OLD, valid_from=central.active_from, valid_to=LAST_DAY_OF_OLD)
    central.name = NEW
    central.save(update_fields=["name"])


def backwards(apps, schema_editor):
    Unit, UnitName = apps.get_model("centers", "Unit"), apps.get_model("centers", "UnitName")
    central = Unit.objects.filter(code="VN", parent=None, name=NEW).first()
    if central is None:
        return
    rows = UnitName.objects.filter(unit=central, name=OLD, valid_to=LAST_DAY_OF_OLD)
    if rows.exists():
        rows.delete()  # only the row forwards() wrote
        central.name = OLD
        central.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("centers", "0007_unit_center_level_constraint")]

    operations = [migrations.RunPython(forwards, backwards)]
