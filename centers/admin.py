from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Staff, Unit, UnitName
from .scoping import Scope


class ScopedAdminMixin:
    """Admin lists go through the same scope as every view. `scope_path` names the unit field."""

    scope_path = "center"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = Scope.for_user(request.user)
        if request.user.is_superuser and scope.unit is None:
            return queryset
        return scope.filter(queryset, self.scope_path)


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0
    fields = ["name", "valid_from", "valid_to", "changed_by"]
    readonly_fields = ["changed_by"]


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_path = ""
    list_display = ["code", "name", "kind", "parent", "active_from", "active_to", "merged_into"]
    list_filter = ["kind", "area_kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "area_name"]
    list_select_related = ["parent", "merged_into"]
    autocomplete_fields = ["parent", "merged_into"]
    inlines = [UnitNameInline]

    def has_delete_permission(self, request, obj=None):
        return False  # units are retired or merged, never deleted


@admin.register(Staff)
class StaffAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_path = "unit"
    list_display = ["user", "unit", "role_label", "position", "phone"]
    list_filter = [("unit__kind", admin.AllValuesFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]

    @admin.display(description=_("vai trò"))
    def role_label(self, obj):
        return obj.role.label
