"""The supervisor's panel on ホーム: records past their retention period wait for approval."""

from django.urls import reverse

from hikikomori.home import register_panel
from hikikomori.models import Role

from .models import Candidate


@register_panel
def expired_records(user, today):
    if not user.has_role(Role.SUPERVISOR):
        return None
    count = Candidate.objects.filter(decided_at__isnull=True).count()
    if not count:
        return None
    return {"template": "retention/_home_expired.html", "count": count, "url": reverse("retention:expired")}
