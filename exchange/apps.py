from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Moving records in and out: imports (一括登録) and exports in the import formats. It writes
    cases and outreach records through their services; the reports app only reads."""

    name = "exchange"
    verbose_name = _("移行・一括登録")

    def ready(self):
        from hikikomori.audit import register_targets
        from hikikomori.models import Role
        from hikikomori.navigation import register_nav_item

        from .importing.kinds import LABELS

        register_targets({"all_records": _("全記録"), **{kind: f"{label}" for kind, label in LABELS.items()}})
        register_nav_item(60, "exchange:import", _("一括登録"), lambda user: user.has_role(Role.SUPERVISOR))
