from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HikikomoriConfig(AppConfig):
    name = "hikikomori"
    verbose_name = _("組織・マスタ")

    def ready(self):
        from . import signals  # noqa: F401  (audit entries for logins and permission changes)
