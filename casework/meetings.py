"""ケース会議 screens: the list of the user's offices' meetings, recording one (from a client's
page or a municipal consultation day), its page, and marking a decision done."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Client
from hikikomori.audit import audit
from hikikomori.models import AuditEvent
from hikikomori.scoping import default_office, get_for_user, require_case_access, scope, visible_offices
from hikikomori.web import add_form_errors
from outreach.models import MunicipalDay

from . import services
from .filters import MeetingFilter
from .forms import DecisionFormSet, ExternalFormSet, MeetingForm
from .models import CaseMeeting, MeetingDecision, MeetingKind

PAGE_SIZE = 50


@require_case_access
def meeting_list(request):
    meetings = scope(CaseMeeting.objects.select_related("office", "municipality"), request.user)
    filterset = MeetingFilter(request.GET or None, queryset=meetings.prefetch_related("clients"))
    filterset.filters["office"].queryset = visible_offices(request.user)
    status = 200 if filterset.is_bound is False or filterset.form.is_valid() else 400
    rows = filterset.qs if status == 200 else meetings.none()
    page = Paginator(rows.order_by("-date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "casework/meeting_list.html", {"filter": filterset, "page": page}, status=status)


def _initial(request) -> tuple[dict, MunicipalDay | None]:
    user = request.user
    initial = {
        "date": timezone.localdate(),
        "office": default_office(user),
        "kind": MeetingKind.IN_HOUSE,
        "staff": [user],
    }
    day = None
    if day_id := request.GET.get("day"):
        day = get_for_user(MunicipalDay.objects.select_related("municipality"), user, pk=day_id)
        initial.update(
            date=day.date, office=day.office, kind=MeetingKind.MUNICIPAL, municipality=day.municipality
        )
    if client_id := request.GET.get("client"):
        client = get_for_user(Client.objects.current(), user, pk=client_id)
        initial["clients"] = client.case_number
        if request.GET.get("decide") == "1":
            initial["decides_plans_of"] = client.case_number
    return initial, day


@require_case_access
def meeting_create(request):
    user = request.user
    initial, day = _initial(request)
    data = request.POST or None
    form = MeetingForm(data, user=user, initial=initial)
    externals = ExternalFormSet(data, prefix="externals")
    decisions = DecisionFormSet(data, prefix="decisions", form_kwargs={"user": user})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and externals.is_valid() and decisions.is_valid():
            try:
                meeting = services.meeting_record(
                    by=user,
                    municipal_day=day,
                    externals=[e for e in externals.cleaned_data if e],
                    decisions=[d for d in decisions.cleaned_data if d],
                    **form.service_fields(),
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("ケース会議を記録しました。"))
                return redirect("casework:meeting_detail", pk=meeting.pk)
    context = {"form": form, "externals": externals, "decisions": decisions, "day": day}
    return render(request, "casework/meeting_form.html", context, status=status)


@require_case_access
def meeting_detail(request, pk):
    meeting = get_for_user(
        CaseMeeting.objects.select_related("office", "municipality", "municipal_day"), request.user, pk=pk
    )
    audit(
        AuditEvent.Action.VIEW,
        user=request.user,
        target="case_meeting",
        target_id=meeting.pk,
        request=request,
    )
    # only the clients the user may open are named; the others are counted
    clients = list(scope(meeting.clients.all(), request.user))
    context = {
        "meeting": meeting,
        "clients": clients,
        "hidden_clients": meeting.clients.count() - len(clients),
        "decisions": meeting.decisions.select_related("owner", "client"),
        "decided_plans": scope(
            meeting.decided_plans.select_related("client"), request.user, "client__office"
        ),
    }
    return render(request, "casework/meeting_detail.html", context)


@require_POST
@require_case_access
def decision_done(request, pk):
    decision = get_for_user(
        MeetingDecision.objects.select_related("meeting"), request.user, office_field="meeting__office", pk=pk
    )
    services.decision_done(by=request.user, decision=decision, on=timezone.localdate())
    messages.success(request, _("決定事項を対応済みにしました。"))
    return redirect("casework:meeting_detail", pk=decision.meeting_id)
