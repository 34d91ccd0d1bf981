from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ServedCommune, Staff, Unit, UnitName

# The admin is for superusers only (config/admin.py), and a superuser sees every unit: its lists are not scoped.
# What they may change there is the reference data they maintain (units and their former names, staff
# assignments, users, programs); the records users enter in the app are only shown (EnteredInTheAppAdmin).


class EnteredInTheAppAdmin:
    """For a ModelAdmin or an inline of records that users enter in the app (classes, learners, enrolments,
    lecturers, reports and what hangs on them): viewable in the admin, never added, changed or deleted there.

    Their writes go through courses/services.py and reports/services.py, which check the scope, raise `version`
    (the optimistic check against a concurrent edit), refuse an edit in an approved quarter (courses/locking.py,
    reports/locking.py), apply the board's transfer rules and keep the history. An admin ModelForm would do
    none of that, even for a superuser. Without change permission the admin shows the record read-only, with no
    save button, and answers a POST with 403."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0
    fields = ["name", "valid_from", "valid_to", "changed_by"]
    readonly_fields = ["changed_by"]


class ServedCommuneInline(admin.TabularInline):
    """The communes, wards and special zones a commune-level center serves: reference data, like the names."""

    model = ServedCommune
    extra = 0
    fields = ["kind", "name", "code", "active_from", "active_to"]

    def has_delete_permission(self, request, obj=None):
        return False  # a commune no longer served gets an end date, the row stays


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "center_level", "parent", "active_from", "active_to", "merged_into"]
    list_filter = ["kind", "center_level", "area_kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "area_name"]
    list_select_related = ["parent", "merged_into"]
    autocomplete_fields = ["parent", "merged_into"]
    inlines = [UnitNameInline, ServedCommuneInline]

    def get_inlines(self, request, obj):
        if obj is not None and obj.is_commune_center:
            return self.inlines
        return [UnitNameInline]

    def has_delete_permission(self, request, obj=None):
        return False  # units are retired or merged, never deleted


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role_label", "position", "phone"]
    list_filter = [("unit__kind", admin.AllValuesFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]

    @admin.display(description=_("vai trò"))
    def role_label(self, obj):
        return obj.role.label
