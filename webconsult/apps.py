from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebconsultConfig(AppConfig):
    """Web相談: the public intake (the only pages open without a login, under /public/) and the
    coordinators' inbox. A request becomes a 受付 and a consultation through cases' services."""

    name = "webconsult"
    verbose_name = _("Web相談")

    def ready(self):
        from hikikomori.audit import register_targets

        from . import demo, home  # noqa: F401  (registers the coordinators' panel and the demo's requests)

        register_targets({"web_request": _("Web相談")})
