from django.contrib import admin

from hikikomori.admin import RoleAdmin

from .models import AffiliationCategory, ClosurePeriod, Program


@admin.register(Program)
class ProgramAdmin(RoleAdmin):
    list_display = ["name", "participants", "default_rule", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(ClosurePeriod)
class ClosurePeriodAdmin(RoleAdmin):
    list_display = ["name", "start", "end", "every_year"]


@admin.register(AffiliationCategory)
class AffiliationCategoryAdmin(RoleAdmin):
    list_display = ["label", "sort_order"]
    list_editable = ["sort_order"]
