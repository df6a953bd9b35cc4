from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """Retention of personal data: the policy, the list of records past it, anonymisation after a
    supervisor's approval, and a person's own record on request (開示請求). Builds on cases and
    outreach and writes to them only through its services."""

    name = "retention"
    verbose_name = _("保存期間")

    def ready(self):
        from cases.actions import register_client_action
        from hikikomori.audit import register_targets
        from hikikomori.models import Role

        from . import demo, home  # noqa: F401  (registers the supervisor's panel and the demo's later states)

        register_targets(
            {
                "retention": _("保存期間の満了の一覧"),
                "retention_policy": _("保存期間の設定"),
                "disclosure": _("開示用ファイル"),
                "reservations": _("市町村相談会の予約者名"),
            }
        )
        register_client_action(
            "retention:disclosure",
            _("開示用ファイル（Excel）"),
            lambda user: user.has_role(Role.SUPERVISOR),
            post=True,
        )
