import re
import unicodedata

from django.db import migrations
from django.utils import timezone


def fold(text):
    """centers.people.fold as it was when this migration was written (a migration keeps its own copy)."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def open_assignments(apps, schema_editor):
    """Every existing account gets its current unit as an open assignment, from the day the account was made, and
    its search key (name, username, email without diacritics)."""
    Staff = apps.get_model("centers", "Staff")
    for staff in Staff.objects.select_related("user"):
        user = staff.user
        name = f"{user.last_name} {user.first_name}".strip() or user.username
        staff.search_key = fold(f"{name} {user.username} {user.email}")[:300]
        staff.save(update_fields=["search_key"])
    Assignment = apps.get_model("centers", "Assignment")
    have = set(Assignment.objects.filter(ended_on__isnull=True).values_list("user_id", flat=True))
    Assignment.objects.bulk_create(
        Assignment(
            user_id=staff.user_id,
            unit_id=staff.unit_id,
            started_on=timezone.localdate(staff.user.date_joined),
        )
        for staff in Staff.objects.select_related("user")
        if staff.user_id not in have
    )


class Migration(migrations.Migration):
    dependencies = [("centers", "0003_accounts")]
    operations = [migrations.RunPython(open_assignments, migrations.RunPython.noop)]
