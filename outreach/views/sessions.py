"""プログラム: sessions per fiscal year, attendance in one screen, cancel, generate from a rule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Client, FamilyMember
from hikikomori import history
from hikikomori.fiscal import fiscal_year_of, fiscal_year_range
from hikikomori.forms import search_text
from hikikomori.scoping import get_for_user, require_case_access, scope, visible_offices
from hikikomori.web import form_error_text

from .. import services
from ..forms import AddFamilyAttendeeForm, CancelForm, GenerateForm, SessionForm
from ..models import Attendance, Program, Session
from .common import list_filters, pk_text, year_choices, year_context


def session_queryset(user):
    return scope(Session.objects.filter(archived_at__isnull=True), user)


@require_case_access
def session_list(request):
    filters = list_filters(request)
    fiscal_year = filters.fiscal_year
    sessions = (
        session_queryset(request.user)
        .in_fiscal_year(fiscal_year)
        .select_related("program", "office")
        .annotate(attendance_count=Count("attendances"))
        .order_by("date", "program__sort_order")
    )
    program, office = filters.value("program"), filters.value("office")
    if program:
        sessions = sessions.filter(program=program)
    if office:
        sessions = sessions.filter(office=office)
    months: dict[str, list] = {}
    for session in sessions:
        months.setdefault(f"{session.date.year}年{session.date.month}月", []).append(session)
    context = {
        "months": months,
        **year_context(fiscal_year),
        "programs": Program.objects.all(),
        "program": pk_text(program),
        "offices": visible_offices(request.user),
        "office": pk_text(office),
    }
    return render(request, "outreach/session_list.html", context, status=400 if filters.errors else 200)


@require_case_access
def session_create(request):
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        session = services.session_save(
            by=request.user, session=form.instance, online_offices=form.cleaned_data["online_offices"]
        )
        messages.success(request, _("開催を登録しました。"))
        return redirect("outreach:session_detail", pk=session.pk)
    return render(request, "outreach/session_form.html", {"form": form})


@require_case_access
def session_edit(request, pk):
    session = get_for_user(session_queryset(request.user), request.user, pk=pk)
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.session_save(
            by=request.user, session=form.instance, online_offices=form.cleaned_data["online_offices"]
        )
        messages.success(request, _("開催を更新しました。"))
        return redirect("outreach:session_detail", pk=pk)
    return render(request, "outreach/session_form.html", {"form": form, "session": session})


def _attendance_rows(session, user, search: str = ""):
    """Candidates for the attendance screen: who came this time, who came recently, search hits.

    A search adds its hits to the people already ticked, so nobody ticked disappears.
    """
    present = {(a.client_id, a.family_member_id) for a in session.attendances.all()}
    fy_start = fiscal_year_range(fiscal_year_of(session.date))[0]
    recent = Attendance.objects.filter(
        session__program=session.program, session__date__gte=fy_start.replace(year=fy_start.year - 1)
    )
    clients = scope(Client.objects.current(), user)
    if session.program.for_family:
        members = FamilyMember.objects.filter(archived_at__isnull=True, client__in=clients).select_related(
            "client"
        )
        here = Q(attendances__session=session)
        if search:
            matching = clients.search(search).values("pk")
            wanted = here | Q(client__in=matching) | Q(name__contains=search.strip())
        else:
            wanted = here | Q(pk__in=recent.values("family_member"))
        rows = [
            {"client": m.client, "member": m, "present": (m.client_id, m.pk) in present}
            for m in members.filter(wanted).distinct()[:60]
        ]
    else:
        here = Q(attendances__session=session)
        wanted = (
            here | Q(pk__in=clients.search(search).values("pk"))
            if search
            else here | Q(pk__in=recent.values("client"))
        )
        rows = [
            {"client": c, "member": None, "present": (c.pk, None) in present}
            for c in clients.filter(wanted).distinct()[:60]
        ]
    return sorted(
        rows, key=lambda r: (not r["present"], r["client"].kana_key, r["member"].pk if r["member"] else 0)
    )


@require_case_access
def session_detail(request, pk):
    """The attendance screen: tick participants, counts update live."""
    session = get_for_user(
        session_queryset(request.user)
        .select_related("program", "office")
        .prefetch_related("attendances", "online_offices"),
        request.user,
        pk=pk,
    )
    context = {
        "session": session,
        "rows": _attendance_rows(session, request.user),
        "count": session.attendances.count(),
        "cancel_form": CancelForm(),
        "family_form": AddFamilyAttendeeForm(user=request.user) if session.program.for_family else None,
        "changes": history.entries(session.history.all()),
    }
    return render(request, "outreach/session_detail.html", context)


@require_case_access
def attendance_search(request, pk):
    session = get_for_user(session_queryset(request.user).select_related("program"), request.user, pk=pk)
    rows = _attendance_rows(session, request.user, search_text(request, "q"))
    return render(request, "outreach/_attendance_rows.html", {"session": session, "rows": rows})


@require_POST
@require_case_access
def attendance_toggle(request, pk):
    """htmx: a tick or untick; answers the row and, out of band, the new count."""
    session = get_for_user(session_queryset(request.user).select_related("program"), request.user, pk=pk)
    client = get_for_user(Client.objects.current(), request.user, pk=request.POST.get("client"))
    member = None
    if request.POST.get("member"):
        member = get_for_user(
            FamilyMember.objects.all(), request.user, "client__office", pk=request.POST["member"]
        )
    error = ""
    try:
        present = services.attendance_set(
            by=request.user,
            session=session,
            client=client,
            family_member=member,
            present=bool(request.POST.get("present")),
        )
    except ValidationError as exc:
        present, error = False, " ".join(exc.messages)
    row = {"client": client, "member": member, "present": present, "error": error}
    count = session.attendances.count()
    return render(
        request, "outreach/_attendance_toggle.html", {"session": session, "row": row, "count": count}
    )


@require_POST
@require_case_access
def attendance_add_family(request, pk):
    session = get_for_user(session_queryset(request.user).select_related("program"), request.user, pk=pk)
    form = AddFamilyAttendeeForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            member = services.attendance_add_family_member(
                by=request.user,
                session=session,
                client=form.cleaned_data["client"],
                name=form.cleaned_data["name"],
                relationship=form.cleaned_data["relationship"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s さんを参加者に加えました。") % {"name": member.name})
    else:
        messages.error(request, form_error_text(form))
    return redirect("outreach:session_detail", pk=pk)


@require_POST
@require_case_access
def session_cancel(request, pk):
    session = get_for_user(session_queryset(request.user), request.user, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(
                by=request.user, session=session, reason=form.cleaned_data["cancel_reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("この回を中止にしました。"))
    else:
        messages.error(request, _("中止理由を入力してください。"))
    return redirect("outreach:session_detail", pk=pk)


@require_POST
@require_case_access
def session_reopen(request, pk):
    session = get_for_user(session_queryset(request.user), request.user, pk=pk)
    services.session_reopen(by=request.user, session=session)
    messages.success(request, _("中止を取り消しました。"))
    return redirect("outreach:session_detail", pk=pk)


@require_case_access
def session_generate(request):
    """Generate a fiscal year's sessions from a rule: preview first, then create."""
    years = year_choices()
    initial = {"fiscal_year": list_filters(request).fiscal_year, "rule": "第2・第4火曜日 14:00-16:00"}
    form = GenerateForm(request.POST or None, initial=initial, user=request.user, fiscal_years=years)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "confirm" in request.POST:
            created = services.sessions_generate(
                by=request.user,
                program=data["program"],
                office=data["office"],
                fiscal_year=data["fiscal_year"],
                rule=data["rule"],
                venue=data["venue"],
                online_offices=data["online_offices"],
            )
            messages.success(request, _("%(n)s回の開催を登録しました。") % {"n": len(created)})
            return redirect(
                f"{reverse('outreach:session_list')}?fy={data['fiscal_year']}&program={data['program'].pk}"
            )
        plan = services.session_plan(
            program=data["program"], office=data["office"], fiscal_year=data["fiscal_year"], rule=data["rule"]
        )
    return render(request, "outreach/session_generate.html", {"form": form, "plan": plan})
