from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hikikomori.admin import RoleAdmin

from .importing.kinds import LABELS
from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(RoleAdmin):
    """Imports are visible to admins; they are a record and cannot be edited."""

    list_display = ["at", "kind_label", "file_name", "rows", "by", "sha256"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "file_name", "sha256", "size", "rows", "counts", "by", "at"]

    @admin.display(description=_("種類"), ordering="kind")
    def kind_label(self, obj):
        return LABELS.get(obj.kind, obj.kind)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
