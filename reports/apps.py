from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _kept_totals(user, **filters):
    """The 相談記録 list's totals from the monthly counts (a few hundred rows, however long the
    history) where they can answer its filters."""
    from hikikomori.scoping import scope

    from . import stored
    from .models import MonthlyCount

    return stored.consultation_totals(scope(MonthlyCount.objects.all(), user), **filters)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("年次報告")

    def ready(self):
        from cases.changes import register_totals_provider
        from hikikomori.audit import register_targets
        from hikikomori.models import Role
        from hikikomori.navigation import register_nav_item

        from . import derived

        register_targets({"annual_report": _("年次報告"), "finalized_report": _("確定した年次報告")})
        register_nav_item(50, "reports:annual", _("年次報告"), lambda user: user.has_role(Role.SUPERVISOR))
        derived.connect()
        register_totals_provider(_kept_totals)
