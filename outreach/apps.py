from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("プログラム・市町村相談会・普及啓発")

    def ready(self):
        from . import demo, home, timeline  # noqa: F401  (register panels, timeline entries, demo data)
