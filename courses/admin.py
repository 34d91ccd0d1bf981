from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from centers.admin import ScopedAdminMixin

from .models import Course, Enrolment, Learner, Lecturer, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "briefing_phrase", "valid_from", "valid_to"]
    list_display_links = ["code"]
    search_fields = ["code", "name"]
    list_filter = ["valid_from"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lecturer)
class LecturerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "center", "kind", "qualification", "retired_on"]
    list_filter = ["kind", ("center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name", "center__name"]
    list_select_related = ["center"]
    autocomplete_fields = ["center"]

    def get_readonly_fields(self, request, obj=None):
        # A lecturer teaches for one center (their classes and the lecturer counts rely on it): a lecturer who
        # moves is entered again at the new center.
        return ["center"] if obj is not None else []


class CourseAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        center, lecturers = cleaned.get("center"), cleaned.get("lecturers")
        if center is not None and lecturers is not None and any(x.center_id != center.pk for x in lecturers):
            raise ValidationError({"lecturers": _("Chỉ chọn giảng viên của trung tâm mở lớp.")})
        return cleaned


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["learner", "result", "certificate_no", "removed_at"]
    raw_id_fields = ["learner"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ["code", "title", "center", "program", "start_date", "end_date", "format", "status", "n"]
    list_filter = [
        "status",
        "format",
        "co_organised",
        "program",
        ("center", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "title", "center__name"]
    date_hierarchy = "start_date"
    list_select_related = ["center", "program"]
    autocomplete_fields = ["center", "lecturers"]
    inlines = [EnrolmentInline]
    readonly_fields = ["version", "created_at", "updated_at", "created_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_enrolments=Count("enrolments", filter=Q(enrolments__removed_at__isnull=True)))
        )

    @admin.display(description="lượt học viên", ordering="n_enrolments")
    def n(self, obj):
        return obj.n_enrolments

    def has_delete_permission(self, request, obj=None):
        return False  # classes are cancelled, never deleted


@admin.register(Learner)
class LearnerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "date_of_birth", "gender", "ethnicity", "group", "party_status", "center"]
    list_filter = ["gender", "group", "party_status", ("center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name", "national_id", "workplace"]
    list_select_related = ["center"]
    autocomplete_fields = ["center"]
    readonly_fields = ["version", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_path = "course__center"
    list_display = ["learner", "course", "result", "certificate_no", "removed_at"]
    list_filter = ["result", ("course__center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["learner__full_name", "course__code", "course__title"]
    list_select_related = ["learner", "course"]
    raw_id_fields = ["learner", "course"]

    def has_delete_permission(self, request, obj=None):
        return False
