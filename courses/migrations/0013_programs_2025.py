from django.db import migrations

from courses.catalogue import MAPPING_2025, PROGRAMS, PROGRAMS_2025, REVISION_2022, REVISION_2022_ENDS, REVISION_2025


def load(apps, schema_editor):
    """Close the nine programs of 2022 on 30/11/2025, add the five groups of 1/12/2025 and their mapping."""
    Program = apps.get_model("courses", "Program")
    ProgramMapping = apps.get_model("courses", "ProgramMapping")
    codes_2022 = [code for _, code, _, _ in PROGRAMS]
    Program.objects.filter(code__in=codes_2022, valid_from=REVISION_2022, valid_to__isnull=True).update(
        valid_to=REVISION_2022_ENDS
    )
    for order, code, name, phrase, group in PROGRAMS_2025:
        Program.objects.update_or_create(
            code=code,
            valid_from=REVISION_2025,
            defaults={"name": name, "briefing_phrase": phrase, "order": order, "group": group},
        )
    for earlier, later in MAPPING_2025:
        ProgramMapping.objects.get_or_create(
            earlier=Program.objects.get(code=earlier, valid_from=REVISION_2022),
            later=Program.objects.get(code=later, valid_from=REVISION_2025),
            retired_at=None,
        )


def unload(apps, schema_editor):
    Program = apps.get_model("courses", "Program")
    ProgramMapping = apps.get_model("courses", "ProgramMapping")
    Course = apps.get_model("courses", "Course")
    codes_2025 = [code for _, code, _, _, _ in PROGRAMS_2025]
    ProgramMapping.objects.filter(later__code__in=codes_2025, later__valid_from=REVISION_2025).delete()
    # Never remove a program that classes already use.
    Program.objects.filter(code__in=codes_2025, valid_from=REVISION_2025).exclude(
        pk__in=Course.objects.values("program_id")
    ).delete()
    codes_2022 = [code for _, code, _, _ in PROGRAMS]
    Program.objects.filter(code__in=codes_2022, valid_from=REVISION_2022, valid_to=REVISION_2022_ENDS).update(
        valid_to=None
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0012_teaching_rules_2025")]
    operations = [migrations.RunPython(load, unload)]
