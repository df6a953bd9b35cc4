from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HikikomoriConfig(AppConfig):
    name = "hikikomori"
    verbose_name = _("組織・マスタ")

    def ready(self):
        from . import (
            access,  # noqa: F401  (the supervisor's panel of access requests)
            signals,  # noqa: F401  (audit entries for logins and permission changes)
        )
        from .audit import register_targets
        from .models import Role
        from .navigation import register_nav_item

        register_targets(
            {
                "user": _("職員アカウント"),
                "membership": _("職員の所属拠点"),
                "password": _("パスワード"),
                "two_factor": _("認証アプリ"),
                "permissions": _("職員の役割"),
                "user_permissions": _("職員の個別の権限"),
            }
        )
        register_nav_item(0, "home", _("ホーム"), lambda user: True)
        register_nav_item(90, "admin:index", _("管理"), lambda user: user.has_role(Role.ADMIN))
