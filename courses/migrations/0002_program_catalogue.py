from django.db import migrations

from courses.catalogue import PROGRAMS, REVISION_2022


def load(apps, schema_editor):
    Program = apps.get_model("courses", "Program")
    for order, code, name, phrase in PROGRAMS:
        Program.objects.update_or_create(
            code=code,
            valid_from=REVISION_2022,
            defaults={"name": name, "briefing_phrase": phrase, "order": order},
        )


def unload(apps, schema_editor):
    Program = apps.get_model("courses", "Program")
    Course = apps.get_model("courses", "Course")
    codes = [code for _, code, _, _ in PROGRAMS]
    # Never remove a program that classes already use.
    Program.objects.filter(code__in=codes, valid_from=REVISION_2022).exclude(
        pk__in=Course.objects.values("program_id")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
