"""市町村相談会: days per fiscal year, reservations against slots, outcome."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hikikomori.scoping import get_for_user, require_case_access, scope, visible_offices
from hikikomori.web import add_form_errors

from .. import services
from ..actions import day_actions
from ..forms import CaseConferenceForm, MunicipalDayForm, OutcomeForm, ReservationForm
from ..models import HostType, MunicipalDay, Reservation
from .common import list_filters, pk_text, year_context


def day_queryset(user):
    return scope(MunicipalDay.objects.filter(archived_at__isnull=True), user)


@require_case_access
def day_list(request):
    filters = list_filters(request)
    fiscal_year = filters.fiscal_year
    days = (
        day_queryset(request.user)
        .in_fiscal_year(fiscal_year)
        .select_related("municipality", "office")
        .order_by("date")
    )
    office, host_type = filters.value("office"), filters.value("host_type")
    if office:
        days = days.filter(office=office)
    if host_type:
        days = days.filter(host_type=host_type)
    totals = {
        "days": len(days),
        "municipalities": len({d.municipality_id for d in days}),
        "reserved": sum(d.reserved for d in days),
        "consulted": sum(d.consulted for d in days),
    }
    context = {
        "days": days,
        "totals": totals,
        **year_context(fiscal_year),
        "offices": visible_offices(request.user),
        "office": pk_text(office),
        "host_types": HostType.choices,
        "host_type": host_type,
    }
    return render(request, "outreach/day_list.html", context, status=400 if filters.errors else 200)


@require_case_access
def day_create(request):
    form = MunicipalDayForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            day = services.day_save(by=request.user, day=form.instance)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("市町村相談会を登録しました。"))
            return redirect("outreach:day_detail", pk=day.pk)
    return render(request, "outreach/day_form.html", {"form": form}, status=400 if form.errors else 200)


@require_case_access
def day_edit(request, pk):
    day = get_for_user(day_queryset(request.user), request.user, pk=pk)
    form = MunicipalDayForm(request.POST or None, instance=day, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.day_save(by=request.user, day=form.instance)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("市町村相談会を更新しました。"))
            return redirect("outreach:day_detail", pk=pk)
    status = 400 if form.errors else 200
    return render(request, "outreach/day_form.html", {"form": form, "day": day}, status=status)


def _day_page(request, day, status=200, **forms):
    """The day's page; a refused form comes back bound, its input kept and its errors beside it."""
    reservations = list(
        day.reservations.filter(cancelled_at__isnull=True).select_related(
            "client", "family_member", "consultation"
        )
    )
    free_times = day.free_times(reservations)
    if form := forms.get("form"):  # a refused booking offers the slots free now
        form.fields["time"].widget.choices = [(t, t) for t in free_times]
    context = {
        "day": day,
        "slots": day.slot_states(reservations),
        "free_times": free_times,
        "unlisted": max(0, day.reserved - len(reservations)),
        "form": forms.get("form")
        or ReservationForm(user=request.user, slot_times=day.slot_times, free_times=free_times),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "outcome_for": forms.get("outcome_for"),
        "conference_form": forms.get("conference_form") or CaseConferenceForm(),
        "held": day.date <= timezone.localdate(),
        "day_actions": day_actions(day),
    }
    return render(request, "outreach/day_detail.html", context, status=status)


@require_case_access
def day_detail(request, pk):
    day = get_for_user(
        day_queryset(request.user).select_related("municipality", "office"), request.user, pk=pk
    )
    return _day_page(request, day)


@require_POST
@require_case_access
def reservation_add(request, pk):
    day = get_for_user(
        day_queryset(request.user).select_related("municipality", "office"), request.user, pk=pk
    )
    free_times = day.free_times(day.reservations.filter(cancelled_at__isnull=True))
    form = ReservationForm(request.POST, user=request.user, slot_times=day.slot_times, free_times=free_times)
    if form.is_valid():
        client = form.cleaned_data["client"]
        try:
            services.reservation_book(
                by=request.user,
                day=day,
                time=form.cleaned_data["time"],
                client=client,
                by_family=form.cleaned_data["family"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("予約を登録しました。"))
            return redirect("outreach:day_detail", pk=pk)
    return _day_page(request, day, status=400, form=form)


@require_POST
@require_case_access
def reservation_cancel(request, pk):
    reservation = get_for_user(Reservation.objects.all(), request.user, "day__office", pk=pk)
    try:
        services.reservation_cancel(by=request.user, reservation=reservation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("予約を取り消しました。"))
    return redirect("outreach:day_detail", pk=reservation.day_id)


@require_POST
@require_case_access
def reservation_outcome(request, pk):
    """The reserved consultation took place: it becomes a consultation record (来所)."""
    reservation = get_for_user(Reservation.objects.select_related("day"), request.user, "day__office", pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.reservation_record_consultation(
                by=request.user, reservation=reservation, staff=[request.user], **form.cleaned_data
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("相談を記録しました（相談記録にも載ります）。"))
            return redirect("outreach:day_detail", pk=reservation.day_id)
    day = get_for_user(
        day_queryset(request.user).select_related("municipality", "office"),
        request.user,
        pk=reservation.day_id,
    )
    return _day_page(request, day, status=400, outcome_form=form, outcome_for=reservation.pk)


@require_POST
@require_case_access
def day_case_conference(request, pk):
    day = get_for_user(
        day_queryset(request.user).select_related("municipality", "office"), request.user, pk=pk
    )
    form = CaseConferenceForm(request.POST)
    if form.is_valid():
        try:
            services.day_record_case_conference(by=request.user, day=day, notes=form.cleaned_data["notes"])
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("ケース会議の実施を記録しました。"))
            return redirect("outreach:day_detail", pk=pk)
    return _day_page(request, day, status=400, conference_form=form)
