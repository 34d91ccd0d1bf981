"""Single-object saves of classes, enrolments and learners refresh the maintained aggregates of the cells they
touch, in the same transaction (services, the admin, anything that calls save()). Bulk writes in
courses/services.py send courses.signals.bulk_written, which refreshes the cells they touched here. Changes to
what else the figures read (report statuses, plans, lecturers, the organisation chain) raise the stamps behind
the cached figures and count the provinces' figures again."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from centers.models import Unit, UnitName
from courses.models import (
    Certificate,
    CompletionDecision,
    Course,
    Enrolment,
    Learner,
    Lecturer,
    Program,
    ProgramMapping,
)
from courses.signals import bulk_written

from .figures import cache, maintained
from .models import CenterReport, LecturerAggregate, PlanLine, planned_quarter


@dataclass
class _Pending:
    cells: set = field(default_factory=set)
    lecturer_years: set = field(default_factory=set)
    changed_years: set = field(default_factory=set)


_pending: ContextVar[_Pending | None] = ContextVar("figures_pending", default=None)


@contextmanager
def counting_once() -> Iterator[None]:
    """Many writes counted once: inside, the receivers below only note what each save touched; on the way out the
    cells, lecturer years and changed years are counted in one go, in one transaction. For code that saves rows one
    by one in bulk (test fixtures, data loaders), never for a user's request: figures read inside are stale."""
    if _pending.get() is not None:  # nested: the outer block counts
        yield
        return
    pending = _Pending()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending.cells or pending.lecturer_years or pending.changed_years:
        with transaction.atomic():
            maintained.refresh(pending.cells)
            maintained.refresh_lecturers(pending.lecturer_years)
            maintained.figures_changed(pending.changed_years)


def _refresh(cells: Iterable) -> None:
    pending = _pending.get()
    if pending is None:
        maintained.refresh(cells)
    else:
        pending.cells.update(cell for cell in cells if cell is not None)


def _refresh_lecturers(center_years: Iterable[tuple[int, int]]) -> None:
    pending = _pending.get()
    if pending is None:
        maintained.refresh_lecturers(center_years)
    else:
        pending.lecturer_years.update(center_years)


def _figures_changed(center_years: Iterable[tuple[int, int]]) -> None:
    pending = _pending.get()
    if pending is None:
        maintained.figures_changed(center_years)
    else:
        pending.changed_years.update(center_years)


def _stored(instance, raw: bool, *fields: str):
    """The values of these fields as the database holds them before a save (None for a new row or a fixture)."""
    if not instance.pk or raw:
        return None
    return type(instance).objects.filter(pk=instance.pk).values_list(*fields).first()


@receiver(pre_save, sender=Course)
def _remember_course_cell(sender, instance, raw=False, **kwargs):
    before = _stored(instance, raw, "center_id", "start_date")
    instance._cell_before = maintained.cell(*before) if before else None


@receiver(post_save, sender=Course)
@receiver(post_delete, sender=Course)
def _course_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        now = maintained.cell(instance.center_id, instance.start_date)
        _refresh({getattr(instance, "_cell_before", None), now})


@receiver(post_save, sender=Enrolment)
@receiver(post_delete, sender=Enrolment)
def _enrolment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        course = Course.objects.filter(pk=instance.course_id).values_list("center_id", "start_date").first()
        if course:
            _refresh([maintained.cell(*course)])


def _course_cells(**lookup) -> set:
    return {maintained.cell(*row) for row in Course.objects.filter(**lookup).values_list("center_id", "start_date")}


@receiver(post_save, sender=CompletionDecision)
@receiver(post_delete, sender=CompletionDecision)
def _decision_changed(sender, instance, raw=False, **kwargs):
    """A decision's day sets its certificates' due day (issued late, awaiting past due): the class's cell again."""
    if not raw:
        _refresh(_course_cells(pk=instance.course_id))


@receiver(m2m_changed, sender=CompletionDecision.enrolments.through)
def _decision_learners_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """The learners a decision covers (awaiting their certificates)."""
    if not action.startswith("post_") or pk_set == set():
        return
    if reverse:  # enrolment.completion_decisions changed
        _refresh(_course_cells(enrolments=instance.pk))
    else:
        _refresh(_course_cells(pk=instance.course_id))


@receiver(post_save, sender=Certificate)
@receiver(post_delete, sender=Certificate)
def _certificate_changed(sender, instance, raw=False, **kwargs):
    """A certificate issued, revoked or its day changed: the figures of its class's cell."""
    if not raw:
        _refresh(_course_cells(enrolments=instance.enrolment_id))


@receiver(bulk_written)
def _bulk_written(sender, touched, **kwargs):
    """A bulk write in courses/services.py (no model signals): refresh the cells of the (center, day) pairs."""
    _refresh({maintained.cell(center_id, day) for center_id, day in touched})


@receiver(pre_save, sender=Learner)
def _remember_learner(sender, instance, raw=False, **kwargs):
    instance._counted_before = _stored(instance, raw, "group", "ethnicity")


@receiver(post_save, sender=Learner)
def _learner_changed(sender, instance, created=False, raw=False, **kwargs):
    """A learner's group and ethnicity are counted in every quarter of every class they attended."""
    if raw or created or instance._counted_before == (instance.group, instance.ethnicity):
        return
    cells = Course.objects.filter(enrolments__learner=instance).values_list("center_id", "start_date").distinct()
    _refresh({maintained.cell(center_id, day) for center_id, day in cells})


# -- the stamps behind cached figures (reports/figures/cache.py) ---------------------------------------------------
_ADMITTING = ("center_id", "year", "quarter", "status")  # what of a report decides the quarters a basis admits


@receiver(pre_save, sender=CenterReport)
def _remember_report(sender, instance, raw=False, **kwargs):
    instance._admitting_before = _stored(instance, raw, *_ADMITTING)


@receiver(post_save, sender=CenterReport)
def _report_saved(sender, instance, raw=False, **kwargs):
    """A report's status decides which quarters the approved and submitted bases admit: a change of it counts
    the province again; any other save (the narrative, which figures pages show) raises the stamps only."""
    if raw:
        return
    before, pairs = instance._admitting_before, {(instance.center_id, instance.year)}
    if before == tuple(getattr(instance, name) for name in _ADMITTING):
        cache.touch(pairs)
    else:  # new, or its status (or period) changed
        _figures_changed(pairs | {before[:2]} if before else pairs)


@receiver(post_delete, sender=CenterReport)
def _report_deleted(sender, instance, **kwargs):
    _figures_changed([(instance.center_id, instance.year)])


@receiver(post_save, sender=PlanLine)
@receiver(post_delete, sender=PlanLine)
def _plan_changed(sender, instance, raw=False, **kwargs):
    """A plan line counts in the quarter after its report's: the next year's after a fourth quarter."""
    if raw:
        return
    report = CenterReport.objects.filter(pk=instance.report_id).values_list("center_id", "year", "quarter").first()
    if report:
        center_id, year, quarter = report
        _figures_changed([(center_id, year), (center_id, planned_quarter(year, quarter)[0])])


@receiver(pre_save, sender=Lecturer)
def _remember_lecturer(sender, instance, raw=False, **kwargs):
    before = _stored(instance, raw, "kind")
    instance._kind_before = before[0] if before else None


@receiver(post_save, sender=Lecturer)
def _lecturer_saved(sender, instance, raw=False, created=False, **kwargs):
    """Lecturers are counted by kind in every year they taught; their names show in the exports."""
    if raw:
        return
    cache.touch_all_years([instance.center_id])
    if not created and instance._kind_before != instance.kind:
        _recount_lecturers(instance.center_id)


@receiver(post_delete, sender=Lecturer)
def _lecturer_deleted(sender, instance, **kwargs):
    cache.touch_all_years([instance.center_id])
    _recount_lecturers(instance.center_id)


def _recount_lecturers(center_id: int) -> None:
    years = LecturerAggregate.objects.filter(center_id=center_id).values_list("year", flat=True).distinct()
    _refresh_lecturers({(center_id, year) for year in years})


@receiver(m2m_changed, sender=Course.lecturers.through)
def _course_lecturers_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") or pk_set == set():  # nothing added or removed (a link that existed)
        return
    if reverse:  # lecturer.courses changed: the classes are pk_set, or every class of the lecturer on clear
        courses = Course.objects.filter(pk__in=pk_set) if pk_set else Course.objects.filter(center=instance.center_id)
        _refresh_lecturers({(c, d.year) for c, d in courses.values_list("center_id", "start_date")})
    else:
        _refresh_lecturers([(instance.center_id, instance.start_date.year)])


@receiver(pre_save, sender=Unit)
def _remember_parent(sender, instance, raw=False, **kwargs):
    before = _stored(instance, raw, "parent_id", "active_to")
    instance._parent_before, instance._active_to_before = before if before else (None, None)


@receiver(post_save, sender=Unit)
def _unit_saved(sender, instance, raw=False, created=False, **kwargs):
    """A center moved to another province: both provinces' maintained figures are counted again. A center closed
    (or its close moved): its province's too, since a plan it wrote for a quarter after its close no longer counts
    (reports/figures/basis.plan_center_active)."""
    if raw or created:
        return
    if instance._parent_before != instance.parent_id:
        maintained.recount_provinces({instance._parent_before, instance.parent_id})
    elif instance.kind == Unit.Kind.CENTER and instance._active_to_before != instance.active_to:
        maintained.recount_provinces({instance.parent_id})


@receiver(post_save, sender=Unit)
@receiver(post_delete, sender=Unit)
@receiver(post_save, sender=UnitName)  # the names units had: the centers lists cached per epoch carry them
@receiver(post_delete, sender=UnitName)
@receiver(post_save, sender=Program)
@receiver(post_delete, sender=Program)
@receiver(post_save, sender=ProgramMapping)  # the programs compared with a year earlier (reports/figures/programs.py)
@receiver(post_delete, sender=ProgramMapping)
def _structure_changed(sender, raw=False, **kwargs):
    """Which centers make up a unit, and the programs' order: rare changes that reach every figure."""
    if not raw:
        cache.new_epoch()
