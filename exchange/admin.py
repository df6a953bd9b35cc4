from django.contrib import admin

from hikikomori.admin import RoleAdmin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(RoleAdmin):
    """Imports are visible to admins; they are a record and cannot be edited."""

    list_display = ["at", "kind", "file_name", "rows", "by", "sha256"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "file_name", "sha256", "size", "rows", "counts", "by", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
