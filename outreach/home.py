"""ホーム: today's sessions and municipal consultation days in my offices."""

from hikikomori.home import register_panel
from hikikomori.scoping import can_read_cases, scope

from .models import MunicipalDay, Session


@register_panel
def today(user, today):
    if not can_read_cases(user):
        return None
    sessions = scope(Session.objects.filter(archived_at__isnull=True, date=today), user).select_related(
        "program", "office"
    )
    days = scope(MunicipalDay.objects.filter(archived_at__isnull=True, date=today), user).select_related(
        "municipality", "office"
    )
    return {"template": "outreach/_home_today.html", "sessions": sessions, "days": days}
