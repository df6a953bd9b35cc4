"""ケース記録票: a client's case record on paper, for case conferences and the file — フェイスシート
(profile, family), the latest assessment, every support plan with its decision, 同意, モニタリング
and 評価, the case meetings about the client with their decisions, and 経過記録 (consultations and
attendance in a chosen period). Opening it to print is audited."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Client, Consultation, FamilyMember
from hikikomori.audit import audit
from hikikomori.fiscal import add_months
from hikikomori.forms import JapaneseDateField
from hikikomori.models import AuditEvent
from hikikomori.scoping import get_for_user, require_case_access, scope
from outreach.models import Attendance

from . import services


class PeriodForm(forms.Form):
    start = JapaneseDateField(label=_("経過記録の期間（から）"), required=False, help_text="")
    end = JapaneseDateField(label=_("経過記録の期間（まで）"), required=False, help_text="")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or add_months(data["end"], -12) + dt.timedelta(days=1)
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("期間の始めは終わりより前の日付にしてください。"))
        return data


@require_case_access
def case_record(request, pk):
    client = get_for_user(
        Client.objects.current().select_related("office", "municipality", "referral_route", "closure_reason"),
        request.user,
        pk=pk,
    )
    form = PeriodForm(request.GET)  # always bound: an empty period is the last twelve months
    if not form.is_valid():
        return render(request, "casework/case_record.html", {"form": form, "client": client}, status=400)
    period = form.cleaned_data
    consultations = (
        scope(Consultation.objects.current(), request.user)
        .filter(client=client, date__gte=period["start"], date__lte=period["end"])
        .select_related("office", "family_member", "referral_destination")
        .prefetch_related("staff")
        .order_by("date", "start_time", "pk")
    )
    attendance = (
        scope(Attendance.objects.all(), request.user, "session__office")
        .filter(Q(client=client) | Q(family_member__client=client))
        .filter(session__date__gte=period["start"], session__date__lte=period["end"])
        .select_related("session__program", "family_member")
        .order_by("session__date", "pk")
    )
    plans = (
        client.plans.select_related("made_by", "confirmed_by", "decided_at", "review__reviewed_by")
        .prefetch_related(
            "goals__outcome",
            "supports__staff",
            "supports__agency",
            "monitorings__monitored_by",
            "monitorings__goals__goal",
        )
        .order_by("made_on", "pk")
    )
    meetings = (
        scope(client.case_meetings.all(), request.user)
        .select_related("office", "municipality")
        .prefetch_related("staff", "externals", "decisions__owner")
        .order_by("date", "pk")
    )
    audit(
        AuditEvent.Action.PRINT,
        user=request.user,
        target="client",
        target_id=client.pk,
        request=request,
        start=period["start"].isoformat(),
        end=period["end"].isoformat(),
    )
    context = {
        "client": client,
        "form": form,
        "period": period,
        "family": FamilyMember.objects.filter(client=client, archived_at__isnull=True),
        "assessment": client.assessments.select_related("assessed_by").first(),
        "plan": services.current_plan(client),
        "plans": plans,
        "meetings": meetings,
        "consultations": consultations,
        "attendance": attendance,
        "printed_at": timezone.localtime(),
        "age_group": client.age_group(),
    }
    return render(request, "casework/case_record.html", context)
