from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("年次報告")

    def ready(self):
        from hikikomori.audit import register_targets
        from hikikomori.models import Role
        from hikikomori.navigation import register_nav_item

        from . import derived

        register_targets({"annual_report": _("年次報告"), "finalized_report": _("確定した年次報告")})
        register_nav_item(50, "reports:annual", _("年次報告"), lambda user: user.has_role(Role.SUPERVISOR))
        derived.connect()
