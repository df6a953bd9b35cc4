"""アセスメント and 支援計画 screens: parse with a form, fetch through the scoping helpers, call one
service, redirect or render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client
from cases.views.editing import save_edit
from hikikomori.audit import audit
from hikikomori.models import AuditEvent, Role
from hikikomori.scoping import get_for_user, require_case_access, scope, visible_offices, workers_visible_to
from hikikomori.web import add_form_errors

from . import services
from .filters import ReviewFilter
from .forms import AssessmentForm, ConfirmForm, GoalFormSet, PlanForm, ReviewForm, SupportFormSet
from .models import CLIENT_OFFICE, Assessment, Outcome, SupportPlan


def _client(request, pk) -> Client:
    return get_for_user(Client.objects.current(), request.user, pk=pk)


def _assessment(request, pk) -> Assessment:
    queryset = Assessment.objects.select_related("client", "assessed_by")
    return get_for_user(queryset, request.user, office_field=CLIENT_OFFICE, pk=pk)


def plan_for(request, pk) -> SupportPlan:
    """A plan of a client the user's offices hold (404 otherwise), with who made, confirmed and
    evaluated it."""
    queryset = SupportPlan.objects.select_related(
        "client__office", "made_by", "confirmed_by", "decided_at", "review__reviewed_by"
    )
    return get_for_user(queryset, request.user, office_field=CLIENT_OFFICE, pk=pk)


@require_case_access
def assessment_create(request, pk):
    client = _client(request, pk)
    form = AssessmentForm(
        request.POST or None, user=request.user, initial={"assessed_on": timezone.localdate()}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.assessment_record(by=request.user, client=client, **form.service_fields())
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("アセスメントを記録しました。"))
                return redirect("cases:client_detail", pk=client.pk)
    return render(request, "casework/assessment_form.html", {"form": form, "client": client}, status=status)


@require_case_access
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    audit(
        AuditEvent.Action.VIEW,
        user=request.user,
        target="assessment",
        target_id=assessment.pk,
        request=request,
    )
    return render(
        request, "casework/assessment_detail.html", {"assessment": assessment, "client": assessment.client}
    )


@require_case_access
def assessment_edit(request, pk):
    assessment = _assessment(request, pk)
    form = AssessmentForm(request.POST or None, instance=assessment, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            status = save_edit(
                form,
                lambda: services.assessment_update(
                    by=request.user,
                    assessment=_assessment(request, pk),
                    version=form.cleaned_data.get("version") or 0,
                    **form.service_fields(),
                ),
                _("このアセスメント"),
            )
            if status is None:
                messages.success(request, _("アセスメントを更新しました。"))
                return redirect("casework:assessment_detail", pk=pk)
    context = {"form": form, "client": assessment.client, "assessment": assessment}
    return render(request, "casework/assessment_form.html", context, status=status)


def _carried_goals(client) -> list[dict]:
    """Goals of the last reviewed plan not achieved nor stopped: the next plan starts from them."""
    last = client.plans.filter(review__isnull=False).order_by("-made_on", "-id").first()
    if last is None:
        return []
    open_goals = last.goals.exclude(outcome__outcome__in=[Outcome.ACHIEVED, Outcome.STOPPED])
    return [{"text": g.text, "basis": g.basis} for g in open_goals]


@require_case_access
def plan_create(request, pk):
    client = _client(request, pk)
    user = request.user
    data = request.POST or None
    form = PlanForm(data, initial={"made_on": timezone.localdate()})
    goals = GoalFormSet(data, prefix="goals", initial=_carried_goals(client))
    supports = SupportFormSet(data, prefix="supports", form_kwargs={"user": user})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and goals.is_valid() and supports.is_valid():
            try:
                services.plan_make(
                    by=user,
                    client=client,
                    goals=[g for g in goals.cleaned_data if g],
                    supports=[s for s in supports.cleaned_data if s],
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "支援計画（案）を作成しました。ケース会議かスーパーバイザーの確認で決定すると、今の支援計画になります。"
                    ),
                )
                return redirect("cases:client_detail", pk=client.pk)
    context = {
        "form": form,
        "goals": goals,
        "supports": supports,
        "client": client,
        "current": services.current_plan(client),
        "draft": client.plans.drafts().first(),
    }
    return render(request, "casework/plan_form.html", context, status=status)


@require_case_access
def plan_detail(request, pk):
    plan = plan_for(request, pk)
    audit(
        AuditEvent.Action.VIEW, user=request.user, target="support_plan", target_id=plan.pk, request=request
    )
    today = timezone.localdate()
    context = {
        "plan": plan,
        "client": plan.client,
        "goals": plan.goals.select_related("outcome"),
        "supports": plan.supports.select_related("staff", "agency"),
        "review": getattr(plan, "review", None),
        "monitorings": plan.monitorings.select_related("monitored_by").prefetch_related("goals__goal"),
        "confirm_form": ConfirmForm(initial={"decided_on": today}),
        "can_confirm": request.user.has_role(Role.SUPERVISOR) and plan.made_by_id != request.user.pk,
        "today": today,
    }
    return render(request, "casework/plan_detail.html", context)


@require_case_access
def plan_review(request, pk):
    """評価 at 見直し, or at 終結 (`?closing=1`, from the client's 終結)."""
    plan = plan_for(request, pk)
    kind = "終結" if (request.POST or request.GET).get("closing") == "1" else "見直し"
    form = ReviewForm(
        request.POST or None, goals=plan.goals.all(), initial={"reviewed_on": timezone.localdate()}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.plan_review(
                    by=request.user,
                    plan=plan,
                    reviewed_on=form.cleaned_data["reviewed_on"],
                    comment=form.cleaned_data["comment"],
                    outcomes=form.by_goal(),
                    kind=kind,
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                if kind == "終結":
                    messages.success(request, _("終結時の評価を記録しました。続けて終結を記録できます。"))
                    return redirect("cases:client_detail", pk=plan.client_id)
                messages.success(request, _("見直しを記録しました。続けて次の支援計画を作れます。"))
                return redirect("casework:plan_detail", pk=plan.pk)
    return render(
        request,
        "casework/plan_review.html",
        {"form": form, "plan": plan, "client": plan.client, "kind": kind},
        status=status,
    )


@require_case_access
def review_list(request):
    """Current plans by their next review date (見直し予定), the overdue first."""
    plans = scope(SupportPlan.objects.current(), request.user, CLIENT_OFFICE).filter(
        client__merged_into__isnull=True, client__archived_at__isnull=True, client__anonymised_at__isnull=True
    )
    filterset = ReviewFilter(request.GET or None, queryset=plans.select_related("client__office", "made_by"))
    filterset.filters["office"].queryset = visible_offices(request.user)
    filterset.filters["primary_worker"].queryset = workers_visible_to(request.user)
    valid = not filterset.is_bound or filterset.form.is_valid()
    rows = filterset.qs if valid else plans.none()
    page = Paginator(rows.order_by("next_review_on", "pk"), 50).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "today": timezone.localdate()}
    return render(request, "casework/review_list.html", context, status=200 if valid else 400)
