from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """Assessments, support plans and their reviews: the case work around the contacts, built on
    cases and shown on the client's page, its timeline and ホーム."""

    name = "casework"
    verbose_name = _("アセスメント・支援計画")

    def ready(self):
        from . import demo, home, timeline  # noqa: F401  (register demo data, the home panel, timeline entries)
