"""Every center entered before the commune-level centers existed is a district center (its `active_to` is left
as entered: a center is closed by its own data, never by this migration)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Unit = apps.get_model("centers", "Unit")
    Unit.objects.filter(kind="center", center_level="").update(center_level="district")


def backwards(apps, schema_editor):
    # Before 0005 there was no level: every center was a district one. A commune-level center cannot be turned
    # back into the old model's meaning, so refuse rather than silently relabel it.
    Unit = apps.get_model("centers", "Unit")
    if Unit.objects.filter(kind="center", center_level="commune").exists():
        raise RuntimeError("Có trung tâm chính trị xã, phường, đặc khu: không thể quay lại mô hình chỉ có cấp huyện.")
    Unit.objects.filter(kind="center").update(center_level="")


class Migration(migrations.Migration):
    dependencies = [("centers", "0005_unit_levels_served_communes")]

    operations = [migrations.RunPython(forwards, backwards)]
