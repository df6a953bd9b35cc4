from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HikikomoriConfig(AppConfig):
    name = "hikikomori"
    verbose_name = _("組織・マスタ")

    def ready(self):
        from . import signals  # noqa: F401  (audit entries for logins and permission changes)
        from .models import Role
        from .navigation import register_nav_item

        register_nav_item(0, "home", _("ホーム"), lambda user: True)
        register_nav_item(90, "admin:index", _("管理"), lambda user: user.has_role(Role.ADMIN))
