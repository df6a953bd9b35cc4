from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("利用者・相談")

    def ready(self):
        from hikikomori.audit import register_targets
        from hikikomori.navigation import register_nav_item
        from hikikomori.scoping import can_read_cases

        from . import demo, home  # noqa: F401  (register the home panels and demo data)

        register_targets(
            {
                "client": _("利用者"),
                "consultation": _("相談記録"),
                "consultations": _("相談記録（複数）"),
                "intake": _("受付"),
            }
        )
        register_nav_item(10, "cases:client_list", _("利用者"), can_read_cases)
        register_nav_item(20, "cases:consultation_list", _("相談記録"), can_read_cases)
