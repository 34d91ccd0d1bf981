"""Who changed what and when, read from django-simple-history, in words a user reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.people import person_name

from .models import mask_national_id

ACTIONS = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}
HIDDEN = {"version", "updated_at", "created_at", "name_key", "search_key", "sort_key", "id"}
# What an approval keeps of the learner (courses.services.figures_freeze): bookkeeping of the approval, not an edit.
HIDDEN |= {"frozen_group", "frozen_minority", "frozen_kind"}
REASON_LENGTH = 100  # django-simple-history's reason column


def change_note(text: str) -> str:
    """A change that has no field of the record's own (the class's lecturers, the report's plan), written as the
    history row's reason: cut to the column's length, with an ellipsis that says so."""
    text = " ".join(text.split())
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


# Fields every history shows masked, as the lists and rosters do: a diff is read by the center, the board and the
# central level, and by a center the person has since left; the whole CCCD is on the learner's page only, to the
# scope holding the record. Applied in `_display`, so the activity log, every history page and the "someone else
# saved" message (changes_since) all mask it.
MASKED = {"national_id": mask_national_id}


@dataclass
class Entry:
    when: object
    who: str
    action: str
    subject: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, old, new)
    note: str = ""
    # The reason a service gave for the change (a learner handed to another center); on a row that changed no field
    # of its own, what changed (change_note: the class's lecturers, the report's plan), shown as the change itself.
    reason: str = ""


def _display(record, name: str) -> str:
    value = getattr(record, name, None)
    if name in MASKED:
        return MASKED[name](value) or "—"
    try:
        model_field = record.instance_type._meta.get_field(name)
    except Exception:  # a field of the history model only
        return "" if value is None else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value or ""))
    if value is None or value == "":
        return "—"
    if hasattr(value, "hour"):  # a moment: in the users' time zone, as every page writes it
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%H:%M %d/%m/%Y")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if model_field.is_relation:
        related = getattr(record, name, None)
        if related is None:
            return "—"
        return person_name(related) if isinstance(related, get_user_model()) else str(related)
    return str(value)


def _label(record, name: str) -> str:
    try:
        return str(record.instance_type._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return name


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return str(_("hệ thống"))
    return person_name(user)


def _object_name(record) -> str:
    return str(record.instance)  # the record as the object it was (its own name, not "… as of <date>")


def entries(records: QuerySet, *, limit: int, subject=_object_name) -> list[Entry]:
    """Entries, newest first, of the first `limit` historical records of a queryset ordered newest first, each
    diffed with the record before it of the same object (an activity list interleaves many objects).

    Two queries whatever the number of records: the records with every relation they may show, and the records
    before them that the list does not hold."""
    model = records.model
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    key = model.instance_type._meta.pk.attname
    before = (  # by the records' own order (history ids grow), not their clocks
        model._default_manager.filter(**{key: OuterRef(key)}, history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    listed = list(records.select_related(*relations).annotate(previous_id=Subquery(before))[:limit])
    known = {record.history_id: record for record in listed}
    wanted = {r.previous_id for r in listed if r.history_type == "~" and r.previous_id not in (None, *known)}
    if wanted:
        known |= {
            r.history_id: r for r in model._default_manager.select_related(*relations).filter(history_id__in=wanted)
        }
    result = []
    for record in listed:
        previous = known.get(record.previous_id)
        changes, note = [], ""
        if previous is None and record.history_type == "~":
            note = str(_("Không có bản ghi trước để so sánh: dữ liệu được nạp trước khi có nhật ký."))
        elif record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN:
                    continue
                changes.append(
                    (_label(record, change.field), _display(previous, change.field), _display(record, change.field))
                )
            if not changes and not record.history_change_reason:
                continue  # only bookkeeping fields changed
        result.append(
            Entry(
                record.history_date,
                _who(record),
                str(ACTIONS[record.history_type]),
                subject(record),
                changes,
                note,
                record.history_change_reason or "",
            )
        )
    return result


def changes_since(obj, version: int) -> list[tuple[str, str, str]]:
    """What changed in `obj` since the user loaded it at `version` (for the "someone else saved" message)."""
    then = obj.history.filter(version=version).order_by("-history_id").first()
    now = obj.history.order_by("-history_id").first()
    if then is None or now is None:
        return []
    return [
        (_label(now, c.field), _display(then, c.field), _display(now, c.field))
        for c in now.diff_against(then).changes
        if c.field not in HIDDEN
    ]
