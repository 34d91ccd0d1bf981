from django.contrib import admin
from django.db.models import Count, Q

from centers.admin import EnteredInTheAppAdmin

from .models import Course, Enrolment, Learner, Lecturer, Program

# Programs are reference data a superuser maintains; lecturers, classes, learners and enrolments are entered by
# the centers in the app and are read-only here (centers.admin.EnteredInTheAppAdmin says why). The read-only
# admins need no form options (autocomplete, raw ids, a form's checks): they never show a form.


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "briefing_phrase", "valid_from", "valid_to"]
    list_display_links = ["code"]
    search_fields = ["code", "name"]
    list_filter = ["valid_from"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lecturer)
class LecturerAdmin(EnteredInTheAppAdmin, admin.ModelAdmin):
    list_display = ["full_name", "center", "kind", "qualification", "retired_on"]
    list_filter = ["kind", ("center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name", "center__name"]
    list_select_related = ["center"]


class EnrolmentInline(EnteredInTheAppAdmin, admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["learner", "result", "certificate_no", "removed_at"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(EnteredInTheAppAdmin, admin.ModelAdmin):
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


@admin.register(Learner)
class LearnerAdmin(EnteredInTheAppAdmin, admin.ModelAdmin):
    list_display = ["full_name", "date_of_birth", "gender", "ethnicity", "group", "party_status", "center"]
    list_filter = ["gender", "group", "party_status", ("center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name", "national_id", "workplace"]
    list_select_related = ["center"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Enrolment)
class EnrolmentAdmin(EnteredInTheAppAdmin, admin.ModelAdmin):
    list_display = ["learner", "course", "result", "certificate_no", "removed_at"]
    list_filter = ["result", ("course__center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["learner__full_name", "course__code", "course__title"]
    list_select_related = ["learner", "course"]
