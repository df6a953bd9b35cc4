"""利用者 list, a client's page, and the changes made from it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hikikomori.audit import audit
from hikikomori.forms import search_text
from hikikomori.models import AuditEvent, Role
from hikikomori.scoping import get_for_user, require_case_access, require_role, scope
from hikikomori.web import add_form_errors, form_error_text

from .. import services
from ..actions import client_actions, client_panels
from ..filters import ClientFilter
from ..forms import ClientForm, CloseForm, FamilyMemberForm, MergeForm, ReopenForm, TransferForm
from ..models import Client, Consultation, FamilyMember
from ..timeline import client_changes, client_timeline
from .editing import save_edit

PAGE_SIZE = 50
TIMELINE_PAGE = 30  # entries per page of a client's 経過: a long case stays a short page


def client_queryset(user):
    return scope(Client.objects.current(), user)


@require_case_access
def client_list(request):
    base = client_queryset(request.user)
    filterset = ClientFilter(request.GET or None, queryset=base, user=request.user)
    rows = filterset.qs
    if not request.GET.get("ordering"):
        rows = rows.order_by("case_number")
    else:
        # Many clients share a フリガナ, 登録日 or 最終相談日: the id decides among them, so that pages
        # neither repeat nor skip a client (in the sort's direction: one index serves both).
        descending = bool(rows.query.order_by) and str(rows.query.order_by[0]).startswith("-")
        rows = rows.order_by(*rows.query.order_by, "-pk" if descending else "pk")
    # The page's ids first, then its 50 rows with their 最終相談日: a deep page does not work out
    # the last consultation of every row it skips.
    page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = Client.objects.filter(pk__in=list(page.object_list)).with_last_contact()
    by_id = {c.pk: c for c in shown.select_related("office", "municipality", "primary_worker")}
    page.object_list = [by_id[pk] for pk in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    dormant_ids = set(
        Client.objects.dormant(today)
        .filter(pk__in=[c.pk for c in page.object_list])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "cases/client_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "dormant_ids": dormant_ids,
            "today": today,
            "can_hand_over": request.user.has_role(Role.SUPERVISOR),
        },
    )


@require_case_access
def client_suggest(request):
    """htmx: <option>s for the client search box (name, フリガナ or case number)."""
    text = search_text(request, "client", "q")
    found = client_queryset(request.user).search(text).select_related("office").order_by("kana_key")
    clients = found[:15] if text.strip() else []
    return render(request, "includes/_client_options.html", {"clients": clients})


@require_case_access
def client_create(request):
    form = ClientForm(request.POST or None, user=request.user)
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidates = services.likely_duplicates(
            client_queryset(request.user),
            name=data["name"],
            kana=data.get("kana", ""),
            birth_date=data.get("birth_date"),
        )
        if candidates and not data.get("not_duplicate"):
            # Warn before saving: the person may already be registered (宮﨑 and 宮崎 are one name).
            return render(request, "cases/client_form.html", {"form": form, "candidates": candidates})
        try:
            client = services.client_create(by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("利用者 %(client)s を登録しました。") % {"client": client})
            return redirect("cases:client_detail", pk=client.pk)
    return render(request, "cases/client_form.html", {"form": form, "candidates": candidates})


@require_case_access
def client_edit(request, pk):
    client = get_for_user(Client.objects.current(), request.user, pk=pk)
    audit(
        AuditEvent.Action.VIEW,
        user=request.user,
        target="client",
        target_id=client.pk,
        request=request,
        form="edit",
    )
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        status = save_edit(
            form,
            lambda: services.client_update(
                by=request.user,
                # a fresh copy: validating the form has already changed `client`
                client=get_for_user(Client.objects.current(), request.user, pk=pk),
                version=form.cleaned_data.get("version") or 0,
                **form.service_fields(),
            ),
            _("この利用者の情報"),
        )
        if status is None:
            messages.success(request, _("利用者の情報を更新しました。"))
            return redirect("cases:client_detail", pk=pk)
    return render(request, "cases/client_form.html", {"form": form, "client": client}, status=status)


@require_case_access
def client_detail(request, pk):
    family = FamilyMember.objects.filter(archived_at__isnull=True)
    merged = scope(Client.objects.filter(pk=pk, merged_into__isnull=False), request.user).first()
    if merged is not None:  # a record merged into another: its page is the survivor's
        messages.info(
            request,
            _("%(old)s は %(new)s に統合されています。")
            % {"old": merged.case_number, "new": merged.merged_into},
        )
        return redirect("cases:client_detail", pk=merged.merged_into_id)
    client = get_for_user(
        Client.objects.current()
        .select_related(
            "office",
            "municipality__region",
            "referral_route",
            "closure_reason",
            "primary_worker",
            "secondary_worker",
        )
        .prefetch_related(Prefetch("family", queryset=family)),
        request.user,
        pk=pk,
    )
    audit(AuditEvent.Action.VIEW, user=request.user, target="client", target_id=client.pk, request=request)
    today = timezone.localdate()
    follow_ups = (
        scope(Consultation.objects.current(), request.user)
        .filter(client=client, follow_up_on__isnull=False, follow_up_done=False)
        .order_by("follow_up_on")
    )
    context = {
        "client": client,
        "timeline": Paginator(client_timeline(client, request.user), TIMELINE_PAGE).get_page(
            request.GET.get("page")
        ),
        "follow_ups": follow_ups,
        "changes": client_changes(client),
        "is_dormant": Client.objects.dormant(today).filter(pk=client.pk).exists(),
        "age_group": client.age_group(today),
        "family_form": FamilyMemberForm(),
        "close_form": CloseForm(),
        "reopen_form": ReopenForm(),
        "transfer_form": TransferForm(initial={"office": client.office}),
        "can_transfer": request.user.has_role(Role.SUPERVISOR),
        "actions": client_actions(client, request.user),
        "panels": client_panels(client, request.user),
    }
    return render(request, "cases/client_detail.html", context)


@require_POST
@require_case_access
def family_add(request, pk):
    client = get_for_user(Client.objects.current(), request.user, pk=pk)
    form = FamilyMemberForm(request.POST)
    if form.is_valid():
        services.family_member_add(by=request.user, client=client, **form.cleaned_data)
        messages.success(request, _("家族を追加しました。"))
    else:
        messages.error(
            request, _("家族を追加できませんでした: %(errors)s") % {"errors": form_error_text(form)}
        )
    return redirect("cases:client_detail", pk=pk)


@require_POST
@require_case_access
def client_close(request, pk):
    client = get_for_user(Client.objects.current(), request.user, pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.client_close(
                by=request.user,
                client=client,
                status=form.cleaned_data["status"],
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                exit_route=form.cleaned_data["exit_route"],
                exit_destination=form.cleaned_data["exit_destination"],
            )
        except (ValidationError, services.ConflictError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("状態を「%(status)s」にしました。") % {"status": client.status})
    else:
        messages.error(request, form_error_text(form))
    return redirect("cases:client_detail", pk=pk)


@require_POST
@require_case_access
def client_reopen(request, pk):
    client = get_for_user(Client.objects.current(), request.user, pk=pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.client_reopen(by=request.user, client=client, reason=form.cleaned_data["reason"])
        except (ValidationError, services.ConflictError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("支援を再開しました。"))
    else:
        messages.error(request, form_error_text(form))
    return redirect("cases:client_detail", pk=pk)


@require_POST
@require_role(Role.SUPERVISOR)
def client_transfer(request, pk):
    client = get_for_user(Client.objects.current(), request.user, pk=pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            services.client_transfer(
                by=request.user,
                client=client,
                office=form.cleaned_data["office"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, services.ConflictError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(
                request, _("担当拠点を %(office)s に変更しました。") % {"office": form.cleaned_data["office"]}
            )
    else:
        messages.error(request, form_error_text(form))
    return redirect("cases:client_detail", pk=pk)


@require_case_access
def client_duplicates(request):
    groups = services.duplicate_candidates(client_queryset(request.user))
    return render(request, "cases/client_duplicates.html", {"groups": groups})


@require_case_access
def client_merge(request):
    """統合: both records side by side, the one to keep chosen, a reason required; then the
    consultations and family move to it and the other record points to it (audited)."""
    data = request.POST if request.method == "POST" else request.GET
    try:  # the two records compared travel as `pair`, whichever of them is chosen to stay
        ids = [int(v) for v in data.getlist("pair")] or [int(data["survivor"]), int(data["duplicate"])]
    except (KeyError, ValueError):
        ids = []
    if len(ids) != 2 or ids[0] == ids[1]:
        messages.error(request, _("統合する2つの記録を選んでください。"))
        return redirect("cases:client_duplicates")
    pair = [get_for_user(Client.objects.current(), request.user, pk=pk) for pk in ids]
    form = MergeForm(request.POST or None, pair=pair, initial={"survivor": ids[0]})
    if request.method == "POST" and form.is_valid():
        survivor = next(c for c in pair if c.pk == form.cleaned_data["survivor"])
        duplicate = next(c for c in pair if c.pk != survivor.pk)
        try:
            services.client_merge(
                by=request.user, survivor=survivor, duplicate=duplicate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(
                request,
                _("%(dup)s を %(survivor)s に統合しました。") % {"dup": duplicate, "survivor": survivor},
            )
            return redirect("cases:client_detail", pk=survivor.pk)
    rows = services.merge_overview(pair)
    return render(
        request,
        "cases/client_merge.html",
        {"form": form, "pair": pair, "rows": rows},
        status=400 if form.errors else 200,
    )


def _message(exc) -> str:
    if isinstance(exc, services.ConflictError):
        return _("他の職員が同時に更新しました。画面を開き直してください。")
    return " ".join(exc.messages)
