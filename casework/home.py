"""ホーム: support plans whose review (見直し) is due, beside the follow-ups (次回予定)."""

import datetime as dt

from hikikomori.home import register_panel
from hikikomori.scoping import can_read_cases, scope

from .models import CLIENT_OFFICE, MeetingDecision, SupportPlan

SOON = dt.timedelta(days=7)


@register_panel
def reviews_due(user, today):
    if not can_read_cases(user):
        return None
    due = (
        scope(SupportPlan.objects.review_due(today + SOON), user, CLIENT_OFFICE)
        .filter(client__merged_into__isnull=True, client__anonymised_at__isnull=True)
        .select_related("client")
        .order_by("next_review_on", "pk")
    )
    plans = list(due[:20])
    if not plans:
        return None
    return {"template": "casework/_home_reviews.html", "plans": plans, "today": today}


@register_panel
def decisions_due(user, today):
    """Decisions of case meetings the user owns, due within a week or overdue, until done."""
    if not can_read_cases(user):
        return None
    due = MeetingDecision.objects.open().filter(owner=user, due_on__lte=today + SOON).order_by("due_on", "pk")
    decisions = list(scope(due, user, "meeting__office")[:20])
    if not decisions:
        return None
    return {"template": "casework/_home_decisions.html", "decisions": decisions, "today": today}
