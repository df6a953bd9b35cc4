"""相談を記録, 相談記録 list and export, one consultation's page."""

import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hikikomori import history
from hikikomori.audit import audit, filters_used
from hikikomori.exports import export_response
from hikikomori.forms import search_text
from hikikomori.models import AuditEvent, Role, User
from hikikomori.scoping import (
    default_office,
    get_for_user,
    require_case_access,
    require_role,
    scope,
    visible_office_ids,
)
from hikikomori.web import add_form_errors, form_error_text, safe_next

from .. import first_contact, services
from ..changes import kept_totals
from ..filters import ConsultationFilter
from ..forms import (
    AttachClientForm,
    ClientLookupField,
    ConsultationForm,
    FirstCallForm,
    ReasonForm,
    family_choices,
)
from ..intake import Intake
from ..models import VISIT_SUPPORT_METHODS, Client, Consultation
from .editing import save_edit

PAGE_SIZE = 50


def consultation_queryset(user):
    return scope(Consultation.objects.current(), user)


@require_case_access
def consultation_create(request):
    """相談を記録: defaults today, my office, me; blank client = anonymous."""
    user = request.user
    initial = {}
    if request.method != "POST":  # a sent form shows what was sent: its defaults are not read
        initial = {"date": timezone.localdate(), "office": default_office(user), "staff": [user]}
    if request.method != "POST" and (client_id := request.GET.get("client")):
        client = get_for_user(Client.objects.current(), user, pk=client_id)
        initial.update(
            client=client,
            office=client.office if client.office_id in visible_office_ids(user) else default_office(user),
        )
    form = ConsultationForm(request.POST or None, initial=initial, user=user)
    first = FirstCallForm(request.POST or None)
    candidates = []
    valid = request.method == "POST" and form.is_valid() and first.is_valid()
    if valid:
        first.check_with(form)
        valid = first.is_valid()
    if valid and first.new_client and not first.cleaned_data.get("not_duplicate"):
        # Warn before saving: the person may already be registered.
        candidates = services.likely_duplicates(
            scope(Client.objects.all(), user), name=first.new_client["name"], kana=first.new_client["kana"]
        )
    if valid and not candidates:
        try:
            if first.used:
                consultation = first_contact.first_call_record(
                    by=user,
                    consultation=form.service_fields(),
                    new_client=first.new_client,
                    new_family=first.new_family,
                    intake=first.intake,
                )
            else:
                consultation = services.consultation_record(by=user, **form.service_fields())
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("相談を記録しました（%(date)s %(method)s %(who)s）。")
                % {
                    "date": f"{consultation.date:%Y/%m/%d}",
                    "method": consultation.method,
                    "who": consultation.client.name if consultation.client else _("匿名"),
                },
            )
            return redirect(safe_next(request, reverse("home")))
    context = {"form": form, "first": first, "candidates": candidates, "next": safe_next(request, "")}
    return render(request, "cases/consultation_form.html", context)


@require_case_access
def consultation_edit(request, pk):
    consultation = get_for_user(Consultation.objects.current(), request.user, pk=pk)
    form = ConsultationForm(request.POST or None, instance=consultation, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        staff = fields.pop("staff")
        status = save_edit(
            form,
            lambda: services.consultation_update(
                by=request.user,
                # a fresh copy: validating the form has already changed `consultation`
                consultation=get_for_user(Consultation.objects.current(), request.user, pk=pk),
                version=form.cleaned_data.get("version") or 0,
                staff=staff,
                **fields,
            ),
            _("この相談記録"),
        )
        if status is None:
            messages.success(request, _("相談記録を更新しました。"))
            return redirect("cases:consultation_detail", pk=pk)
    return render(
        request, "cases/consultation_form.html", {"form": form, "consultation": consultation}, status=status
    )


@require_case_access
def consultation_detail(request, pk):
    consultation = get_for_user(
        Consultation.objects.current().select_related(
            "client", "office", "family_member", "referral_destination", "municipality"
        ),
        request.user,
        pk=pk,
    )
    audit(
        AuditEvent.Action.VIEW,
        user=request.user,
        target="consultation",
        target_id=consultation.pk,
        request=request,
    )
    return render(
        request,
        "cases/consultation_detail.html",
        {
            "consultation": consultation,
            "changes": history.entries(consultation.history.all()),
            "attach_form": AttachClientForm(user=request.user),
            "intake": Intake.objects.filter(consultation=consultation)
            .select_related("referrer", "referred_to")
            .first(),
        },
    )


@require_POST
@require_case_access
def consultation_attach(request, pk):
    """Link an anonymous consultation to a client."""
    consultation = get_for_user(Consultation.objects.current(), request.user, pk=pk)
    form = AttachClientForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.consultation_attach_client(
                by=request.user, consultation=consultation, client=form.cleaned_data["client"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("相談を %(client)s に紐づけました。") % {"client": form.cleaned_data["client"]}
            )
    else:
        messages.error(request, form_error_text(form))
    return redirect("cases:consultation_detail", pk=pk)


@require_case_access
def consultation_archive(request, pk):
    """Records are archived, never deleted: asked first, with a reason; it leaves every list and
    statistic, and a supervisor can restore it."""
    consultation = get_for_user(
        Consultation.objects.current().select_related("client", "office"), request.user, pk=pk
    )
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.consultation_archive(
            by=request.user, consultation=consultation, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("相談記録をアーカイブしました。管理職はアーカイブ一覧から戻せます。"))
        return redirect("cases:consultation_list")
    context = {"form": form, "consultation": consultation}
    return render(request, "cases/consultation_archive.html", context, status=400 if form.errors else 200)


@require_role(Role.SUPERVISOR)
def consultation_archived_list(request):
    """Archived consultations of every office, newest first, with their reasons (supervisors)."""
    archived = (
        Consultation.objects.filter(archived_at__isnull=False)
        .select_related("client", "office")
        .order_by("-archived_at")
    )
    page = Paginator(archived, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/consultation_archived.html", {"page": page, "form": ReasonForm()})


@require_POST
@require_role(Role.SUPERVISOR)
def consultation_restore(request, pk):
    consultation = get_for_user(Consultation.objects.filter(archived_at__isnull=False), request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.consultation_restore(
            by=request.user, consultation=consultation, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("相談記録を戻しました。"))
    else:
        messages.error(request, form_error_text(form))
    return redirect("cases:consultation_archived")


@require_POST
@require_case_access
def consultation_follow_up_done(request, pk):
    """The follow-up (次回予定) was done: it leaves ホーム's list of follow-ups due."""
    consultation = get_for_user(Consultation.objects.current(), request.user, pk=pk)
    services.consultation_follow_up_done(by=request.user, consultation=consultation)
    messages.success(request, _("次回予定を対応済みにしました。"))
    return redirect(safe_next(request, reverse("cases:consultation_detail", args=[pk])))


def filtered_consultations(request):
    base = consultation_queryset(request.user)
    return ConsultationFilter(request.GET, queryset=base, user=request.user)


def consultation_totals(filterset: ConsultationFilter, user) -> dict:
    """件数, 匿名, 訪問支援 and 所要時間計 of the filtered rows: from the monthly counts the write
    door keeps (a few hundred rows, however long the history) where they can answer the filters,
    else counted from the rows."""
    chosen = filterset.monthly_filters()
    kept = kept_totals(user, **chosen) if chosen is not None else None
    if kept is not None:
        return kept
    return filterset.qs.aggregate(
        count=Count("id"),
        anonymous=Count("id", filter=Q(client__isnull=True)),
        visit_support=Count("id", filter=Q(method__in=VISIT_SUPPORT_METHODS)),
        minutes=Sum("duration_minutes"),
    )


def staff_people() -> dict[int, tuple[tuple, str]]:
    return {
        pk: ((last, first, username), f"{last} {first}".strip() or username)
        for pk, last, first, username in User.objects.values_list("pk", "last_name", "first_name", "username")
    }


@require_case_access
def consultation_list(request):
    filterset = filtered_consultations(request)
    totals = consultation_totals(filterset, request.user)
    # Page through ids only (an index-only scan even deep into a year), then load the rows.
    paginator = Paginator(filterset.qs.order_by("-date", "-id").values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = totals["count"]  # already counted with the totals: one scan, not two
    page = paginator.get_page(request.GET.get("page"))
    rows = Consultation.objects.filter(pk__in=list(page.object_list)).select_related("client", "office")
    page.object_list = rows.prefetch_related("staff").order_by("-date", "-id")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/consultation_list.html",
        {"filter": filterset, "page": page, "totals": totals, "query": query.urlencode()},
    )


EXPORT_HEADER = [
    "記録番号",
    "相談日",
    "開始時刻",
    "所要時間（分）",
    "拠点",
    "相談方法",
    "相談者",
    "ケース番号",
    "氏名",
    "担当者",
    "つなぎ先",
    "次回予定",
    "内容",
]


@require_case_access
def consultation_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filterset = filtered_consultations(request)
    chosen = filterset.qs
    if filterset.form.cleaned_data.get("staff"):
        # Chosen by id: the staff column then lists every member, not only the one filtered by.
        chosen = Consultation.objects.filter(pk__in=filterset.qs.values("pk"))
    rows = chosen.order_by("date", "id").values_list(
        "pk", "record_number", "date", "start_time", "duration_minutes", "office__name", "method",
        "consulter", "client__case_number", "client__name", "referral_destination__label",
        "follow_up_on", "content", "staff",
    )  # fmt: skip

    def generate():
        # Plain values, no record objects; a consultation with two members of staff comes as two
        # rows next to each other (one per member), joined here.
        yield EXPORT_HEADER
        people = staff_people()
        for pk, rows_of_one in itertools.groupby(rows.iterator(chunk_size=2000), key=lambda row: row[0]):
            first, *others = rows_of_one
            _, number, date, start, minutes, office, method, consulter, case, name, *rest = first
            destination, follow_up, content, member = rest
            staff = sorted(
                people[user] for user in [member, *(row[-1] for row in others)] if user is not None
            )
            yield [
                number or f"ID{pk}", date, start.isoformat(timespec="minutes") if start else "", minutes,
                office, method, consulter, case or "", name or "", "、".join(n for _, n in staff),
                destination or "", follow_up, content,
            ]  # fmt: skip

    count = filterset.qs.count()
    audit(
        AuditEvent.Action.EXPORT,
        user=request.user,
        target="consultations",
        request=request,
        rows=count,
        format=fmt,
        filters=filters_used(filterset),
    )
    return export_response(
        generate(), filename=f"相談記録_{timezone.localdate():%Y%m%d}", fmt=fmt, title="相談記録"
    )


@require_case_access
def family_options(request):
    """htmx: the <option>s of 相談した家族 for the client typed in the client box."""
    field = ClientLookupField(user=request.user)
    try:
        client = field.clean(search_text(request, "client"))
    except ValidationError:
        client = None
    return render(
        request, "cases/_family_options.html", {"members": family_choices(client), "client": client}
    )
