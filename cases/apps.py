from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("利用者・相談")

    def ready(self):
        from . import demo, home  # noqa: F401  (register the home panels and demo data)
