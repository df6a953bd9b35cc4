from django.contrib import admin

from hikikomori.admin import RoleAdmin

from .models import ClosureReason, ReferralDestination, ReferralRoute


@admin.register(ReferralRoute, ReferralDestination, ClosureReason)
class ChoiceListAdmin(RoleAdmin):
    list_display = ["label", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
