"""The coordinators' panel on ホーム: new Web相談 for their offices, and how many are overdue."""

from django.urls import reverse

from hikikomori.home import register_panel
from hikikomori.scoping import can_read_cases, scope

from .models import RequestStatus, WebRequest


@register_panel
def new_requests(user, today):
    if not can_read_cases(user):
        return None
    waiting = scope(WebRequest.objects.filter(status=RequestStatus.NEW), user)
    count = waiting.count()
    overdue = waiting.filter(due_on__lt=today).count() if count else 0
    return {
        "template": "webconsult/_home_panel.html", "count": count, "overdue": overdue,
        "url": reverse("webconsult:inbox"), "order": 20,
    }  # fmt: skip
