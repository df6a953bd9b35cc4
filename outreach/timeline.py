"""Program attendance on a client's timeline."""

from django.urls import reverse

from cases.timeline import TimelineEntry, register_timeline_source
from hikikomori.scoping import scope

from .models import Attendance


@register_timeline_source
def attendance(client, user) -> list[TimelineEntry]:
    rows = (
        scope(Attendance.objects.filter(client=client), user, "session__office")
        .select_related("session__program", "session__office", "family_member")
        .order_by("-session__date")[:200]
    )
    return [
        TimelineEntry(
            date=a.session.date,
            kind="program",
            title=f"{a.session.program}{'（' + a.family_member.name + '）' if a.family_member else ''}",
            detail=a.session.theme,
            url=reverse("outreach:session_detail", args=[a.session_id]),
            office=a.session.office.name,
        )
        for a in rows
    ]
