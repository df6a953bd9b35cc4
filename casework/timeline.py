"""The client's page: the latest assessment and the current plan, and their entries on the timeline."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import register_client_panel
from cases.timeline import TimelineEntry, register_timeline_source
from hikikomori.scoping import scope

from . import services


@register_client_panel
def casework_panel(client, user):
    return {
        "template": "casework/_client_panel.html",
        "assessment": client.assessments.select_related("assessed_by").first(),
        "plan": services.current_plan(client),
        "draft": client.plans.drafts().first(),
        "plans": client.plans.select_related("review").order_by("-made_on", "-id")[:10],
        "consents": client.sharing_consents.select_related("recorded_by")[:20],
        "today": timezone.localdate(),
        "can_write": client.anonymised_at is None,
        "meetings": scope(client.case_meetings.all(), user).order_by("-date", "-id")[:10],
    }


@register_timeline_source
def casework_entries(client, user) -> list[TimelineEntry]:
    # Reached only from a client page the user may open: the records follow the client.
    entries = [
        TimelineEntry(
            date=a.assessed_on,
            kind=_("アセスメント"),
            title=_("アセスメント（%(method)s）") % {"method": a.get_method_display()},
            detail=a.person_wishes[:120],
            url=reverse("casework:assessment_detail", args=[a.pk]),
        )
        for a in client.assessments.all()[:50]
    ]
    for plan in (
        client.plans.select_related("review").prefetch_related("monitorings").order_by("-made_on")[:50]
    ):
        url = reverse("casework:plan_detail", args=[plan.pk])
        entries.append(
            TimelineEntry(
                date=plan.made_on,
                kind=_("支援計画"),
                title=_("支援計画を作成"),
                detail=plan.long_term_goal[:120],
                url=url,
            )
        )
        if plan.decided_on and plan.decided_via != "以前の記録":
            entries.append(
                TimelineEntry(
                    date=plan.decided_on,
                    kind=_("支援計画"),
                    title=_("支援計画を決定（%(via)s）") % {"via": plan.get_decided_via_display()},
                    detail="",
                    url=url,
                )
            )
        if plan.agreed_on:
            entries.append(
                TimelineEntry(
                    date=plan.agreed_on,
                    kind=_("支援計画"),
                    title=_("同意（%(how)s）") % {"how": plan.consent_method or plan.agreed_with},
                    detail="",
                    url=url,
                )
            )
        for monitoring in plan.monitorings.all():
            entries.append(
                TimelineEntry(
                    date=monitoring.monitored_on,
                    kind=_("モニタリング"),
                    title=_("支援計画のモニタリング"),
                    detail=monitoring.comment[:120],
                    url=url,
                )
            )
        review = getattr(plan, "review", None)
        if review is not None:
            entries.append(
                TimelineEntry(
                    date=review.reviewed_on,
                    kind=_("見直し"),
                    title=_("支援計画の見直し"),
                    detail=review.comment[:120],
                    url=url,
                )
            )
    for meeting in scope(client.case_meetings.all(), user)[:50]:
        entries.append(
            TimelineEntry(
                date=meeting.date,
                kind=_("ケース会議"),
                title=_("ケース会議（%(kind)s）") % {"kind": meeting.get_kind_display()},
                detail=meeting.summary[:120],
                url=reverse("casework:meeting_detail", args=[meeting.pk]),
            )
        )
    return entries
