"""The figures' classes moved from reports/selectors.py to reports/figures/types.py (issue 21): what was stored
pickled under their old path no longer loads, and would never be replaced (a stored province row or a shared
figure under an unchanged key is kept). Both are caches of the maintained aggregates: dropped here, counted again
at their first look (or by `manage.py warm_figures`). Every figure stays the same, so COUNTING_VERSION does not
move. Reversing drops them too: the code before cannot load the new paths either."""

from django.db import migrations


def drop_stored_figures(apps, schema_editor):
    apps.get_model("reports", "ProvinceFigures").objects.all().delete()
    apps.get_model("reports", "SharedFigure").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_province_figures")]

    operations = [migrations.RunPython(drop_stored_figures, drop_stored_figures)]
