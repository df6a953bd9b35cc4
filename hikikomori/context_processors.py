from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .scoping import can_read_cases
from .twofactor import pending_step


def navigation(request):
    """The navigation bar of SPEC §7, showing only what the user's role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or pending_step(user) is not None:
        return {"nav_items": []}
    cases = can_read_cases(user)
    supervisor = user.has_role(Role.SUPERVISOR)
    admin = user.has_role(Role.ADMIN)
    items = [
        ("home", _("ホーム"), True),
        ("cases:client_list", _("利用者"), cases),
        ("cases:consultation_list", _("相談記録"), cases),
        ("outreach:session_list", _("プログラム"), cases),
        ("outreach:day_list", _("市町村相談会"), cases),
        ("reports:annual", _("年次報告"), supervisor),
        ("exchange:import", _("一括登録"), supervisor),
        ("admin:index", _("管理"), admin),
    ]
    nav = []
    for name, label, allowed in items:
        if allowed:
            url = reverse(name)
            active = request.path == url or (url != "/" and request.path.startswith(url))
            nav.append({"url": url, "label": label, "active": active})
    return {"nav_items": nav}
