"""CCCDs to 12 ASCII digits: the model's validator now refuses what "\\d{12}" let in (full-width, Arabic-Indic,
Devanagari digits), and existing rows are normalised where that is safe.

Safe: the normalised CCCD (courses.text.normalise_cccd: NFKC, spaces and invisible characters out) is 12 ASCII
digits and no other learner holds it. Anything else (Arabic-Indic digits, which NFKC leaves as they are; a twin of
a CCCD another learner holds) is left as it is and printed by learner id, for the center to correct: a record a
user entered is never deleted or merged here. The reverse is a no-op: the rows' old forms are not kept, and the
normalised ones are valid under the old validator too.
"""

from django.db import migrations, models

import courses.validators
from courses.text import CCCD_RE, normalise_cccd


def normalise_cccds(apps, schema_editor) -> list[int]:
    """Normalise the learners' CCCDs that can be; print (and return the ids of) those that cannot."""
    Learner = apps.get_model("courses", "Learner")
    # Only rows that are not already 12 ASCII digits ([0-9] is ASCII in both SQLite's and PostgreSQL's regex).
    suspects = (
        Learner.objects.filter(national_id__isnull=False)
        .exclude(national_id__regex=r"^[0-9]{12}$")
        .order_by("pk")
        .values_list("pk", "national_id")
    )
    left = []
    for pk, national_id in suspects.iterator(chunk_size=2000):
        normalised = normalise_cccd(national_id)
        if normalised is not None and CCCD_RE.fullmatch(normalised):
            if not Learner.objects.filter(national_id=normalised).exclude(pk=pk).exists():
                Learner.objects.filter(pk=pk).update(national_id=normalised)
                continue
            print(
                f"  Học viên #{pk}: số CCCD trùng với học viên khác sau khi chuẩn hóa (…{normalised[-4:]}); chưa sửa."
            )
            left.append(pk)
            continue
        print(f"  Học viên #{pk}: số CCCD không phải 12 chữ số 0-9 (dài {len(national_id)} ký tự); chưa sửa.")
        left.append(pk)
    return left


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_learner_cccd_message"),
    ]

    operations = [
        migrations.RunPython(normalise_cccds, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="historicallearner",
            name="national_id",
            field=models.CharField(
                blank=True,
                max_length=12,
                null=True,
                validators=[courses.validators.validate_cccd],
                verbose_name="số CCCD",
            ),
        ),
        migrations.AlterField(
            model_name="learner",
            name="national_id",
            field=models.CharField(
                blank=True,
                max_length=12,
                null=True,
                validators=[courses.validators.validate_cccd],
                verbose_name="số CCCD",
            ),
        ),
    ]
