"""Single-object saves of classes, enrolments and learners refresh the maintained aggregates of the cells they
touch, in the same transaction (services, the admin, anything that calls save()). Bulk writes call
reports.aggregates.refresh themselves."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from courses.models import Course, Enrolment, Learner

from . import aggregates


@receiver(pre_save, sender=Course)
def _remember_course_cell(sender, instance, raw=False, **kwargs):
    instance._cell_before = None
    if instance.pk and not raw:
        before = Course.objects.filter(pk=instance.pk).values_list("center_id", "start_date").first()
        instance._cell_before = aggregates.cell(*before) if before else None


@receiver(post_save, sender=Course)
@receiver(post_delete, sender=Course)
def _course_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        now = aggregates.cell(instance.center_id, instance.start_date)
        aggregates.refresh({getattr(instance, "_cell_before", None), now})


@receiver(post_save, sender=Enrolment)
@receiver(post_delete, sender=Enrolment)
def _enrolment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        course = Course.objects.filter(pk=instance.course_id).values_list("center_id", "start_date").first()
        if course:
            aggregates.refresh([aggregates.cell(*course)])


@receiver(pre_save, sender=Learner)
def _remember_learner(sender, instance, raw=False, **kwargs):
    instance._counted_before = None
    if instance.pk and not raw:
        instance._counted_before = Learner.objects.filter(pk=instance.pk).values_list("group", "ethnicity").first()


@receiver(post_save, sender=Learner)
def _learner_changed(sender, instance, created=False, raw=False, **kwargs):
    """A learner's group and ethnicity are counted in every quarter of every class they attended."""
    if raw or created or instance._counted_before == (instance.group, instance.ethnicity):
        return
    cells = Course.objects.filter(enrolments__learner=instance).values_list("center_id", "start_date").distinct()
    aggregates.refresh({aggregates.cell(center_id, day) for center_id, day in cells})
