"""The cases panels of ホーム: follow-ups due, my recent consultations, dormant clients."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hikikomori.home import register_panel
from hikikomori.scoping import can_read_cases, scope

from .models import Client, Consultation

DORMANT_SHOWN = 10


@register_panel
def follow_ups_and_recent(user, today):
    if not can_read_cases(user):
        return None
    mine = scope(Consultation.objects.current(), user).filter(staff=user).select_related("client", "office")
    due = mine.filter(follow_up_on__isnull=False, follow_up_on__lte=today, follow_up_done=False).order_by(
        "follow_up_on"
    )[:20]
    upcoming = mine.filter(follow_up_on__gt=today, follow_up_done=False).order_by("follow_up_on")[:10]
    recent = mine.order_by("-date", "-id")[:10]
    return {
        "template": "cases/_home_consultations.html",
        "due": due,
        "upcoming": upcoming,
        "recent": recent,
        "actions": [
            {"url": reverse("cases:consultation_create"), "label": _("相談を記録"), "accesskey": "n"}
        ],
    }


@register_panel
def dormant_clients(user, today):
    if not can_read_cases(user):
        return None
    dormant = (
        scope(Client.objects.current(), user).dormant(today).with_last_contact().order_by("last_contact")
    )
    return {
        "template": "cases/_home_dormant.html",
        "clients": dormant[:DORMANT_SHOWN],
        "count": dormant.count(),
        "list_url": reverse("cases:client_list") + "?dormant=true",
    }
