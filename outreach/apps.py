from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("プログラム・市町村相談会・普及啓発")

    def ready(self):
        from hikikomori.navigation import register_nav_item
        from hikikomori.scoping import can_read_cases

        from . import demo, home, timeline  # noqa: F401  (register panels, timeline entries, demo data)

        register_nav_item(30, "outreach:session_list", _("プログラム"), can_read_cases)
        register_nav_item(40, "outreach:day_list", _("市町村相談会"), can_read_cases)
