from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """Assessments, support plans and their reviews: the case work around the contacts, built on
    cases and shown on the client's page, its timeline and ホーム."""

    name = "casework"
    verbose_name = _("アセスメント・支援計画")

    def ready(self):
        from cases.actions import register_client_action
        from hikikomori.audit import register_targets
        from hikikomori.navigation import register_nav_item
        from hikikomori.scoping import can_read_cases
        from outreach.actions import register_day_action

        register_targets(
            {
                "assessment": _("アセスメント"),
                "support_plan": _("支援計画"),
                "case_meeting": _("ケース会議"),
                "sharing_consent": _("情報共有の同意"),
            }
        )
        register_nav_item(45, "casework:meeting_list", _("ケース会議"), can_read_cases)
        register_client_action("casework:case_record", _("ケース記録票（印刷）"), can_read_cases)
        register_day_action(
            "casework:meeting_create", _("ケース会議を記録（参加者・検討した利用者・決定事項）")
        )
        from . import caseload, demo, home, supervision, timeline  # noqa: F401  (register demo data, the home panel, timeline entries)
