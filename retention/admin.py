from django.contrib import admin

from hikikomori.admin import RoleAdmin
from hikikomori.audit import audit
from hikikomori.models import AuditEvent

from .models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(RoleAdmin):
    """One row of settings: it can be changed (audited with old and new values), never added twice."""

    fields = ["years_after_closure", "years_after_last_contact", "years_unregistered"]
    list_display = ["__str__", "years_after_closure", "years_after_last_contact", "years_unregistered"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RetentionPolicy.objects.exists()

    def save_model(self, request, obj, form, change):
        before = RetentionPolicy.objects.filter(pk=obj.pk).values(*self.fields).first() or {}
        super().save_model(request, obj, form, change)
        changes = {
            name: [before.get(name), getattr(obj, name)]
            for name in self.fields
            if before.get(name) != getattr(obj, name)
        }
        audit(
            AuditEvent.Action.UPDATE,
            user=request.user,
            target="retention_policy",
            target_id=obj.pk,
            changes=changes,
        )
