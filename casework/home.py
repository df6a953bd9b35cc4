"""ホーム: support plans whose review (見直し) is due, beside the follow-ups (次回予定)."""

import datetime as dt

from hikikomori.home import register_panel
from hikikomori.models import Role
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


@register_panel
def plans_to_settle(user, today):
    """A supervisor's list: 案 waiting for 確認 (or a meeting), and decided plans in force whose
    同意 is not recorded, the oldest first. A supervisor does not confirm their own 案."""
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR):
        return None
    live = {"client__merged_into__isnull": True, "client__anonymised_at__isnull": True}
    base = (
        scope(SupportPlan.objects.all(), user, CLIENT_OFFICE)
        .filter(**live)
        .select_related("client", "made_by")
    )
    drafts = base.drafts().order_by("made_on", "pk")
    unagreed = base.without_consent().order_by("decided_on", "pk")
    panel = {
        "template": "casework/_home_plans.html",
        "drafts": list(drafts[:20]),
        "drafts_total": drafts.count(),
        "unagreed": list(unagreed[:20]),
        "unagreed_total": unagreed.count(),
        "order": 30,
    }
    return panel if panel["drafts_total"] or panel["unagreed_total"] else None
