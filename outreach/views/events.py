"""普及啓発・研修: trainings, network meetings, talks, with participants by affiliation."""

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hikikomori.scoping import get_for_user, require_case_access, scope

from .. import services
from ..forms import EventForm, ParticipantFormSet
from ..models import OutreachEvent
from .common import list_filters, year_context


def event_queryset(user):
    return scope(OutreachEvent.objects.filter(archived_at__isnull=True), user)


@require_case_access
def event_list(request):
    filters = list_filters(request)
    fiscal_year = filters.fiscal_year
    events = (
        event_queryset(request.user)
        .in_fiscal_year(fiscal_year)
        .select_related("office", "health_area")
        .annotate(participants=Sum("participant_counts__count"))
        .order_by("date")
    )
    context = {
        "events": events,
        "total": sum(e.participants or 0 for e in events),
        **year_context(fiscal_year),
    }
    return render(request, "outreach/event_list.html", context, status=400 if filters.errors else 200)


def _edit(request, event=None):
    form = EventForm(request.POST or None, instance=event, user=request.user)
    formset = ParticipantFormSet(request.POST or None, instance=event or OutreachEvent())
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        participants: dict = {}
        for row in formset.cleaned_data:
            if row and row.get("category") and not row.get("DELETE"):
                participants[row["category"]] = participants.get(row["category"], 0) + (row.get("count") or 0)
        services.event_save(by=request.user, event=form.instance, participants=participants)
        messages.success(request, _("保存しました。"))
        return redirect("outreach:event_list")
    return render(request, "outreach/event_form.html", {"form": form, "formset": formset, "event": event})


@require_case_access
def event_create(request):
    return _edit(request)


@require_case_access
def event_edit(request, pk):
    return _edit(request, get_for_user(event_queryset(request.user), request.user, pk=pk))
