"""The plan's life after it is drafted: 確認 by a supervisor (or 決定 at a case meeting, recorded
with the meeting), 取り下げ of a 案, the person's 同意, モニタリング, and the plan printed alone
(プラン) with a line for the person's signature."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hikikomori.audit import audit
from hikikomori.models import AuditEvent
from hikikomori.scoping import get_for_user, require_case_access
from hikikomori.web import add_form_errors, form_error_text

from . import services
from .forms import ConfirmForm, MonitoringForm, PlanConsentForm
from .models import CLIENT_OFFICE, SupportPlan


def _plan(request, pk) -> SupportPlan:
    queryset = SupportPlan.objects.select_related(
        "client__office", "made_by", "confirmed_by", "decided_at", "review__reviewed_by"
    )
    return get_for_user(queryset, request.user, office_field=CLIENT_OFFICE, pk=pk)


def _step(request, form, save, done: str, template: str, context: dict):
    """Render `form`; on a valid POST run `save`, then back to the plan with `done` said."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("casework:plan_detail", pk=context["plan"].pk)
    return render(request, template, {"form": form, **context}, status=status)


@require_POST
@require_case_access
def plan_confirm(request, pk):
    plan = _plan(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("casework:plan_detail", pk=pk)
    try:
        services.plan_confirm(by=request.user, plan=plan, on=form.cleaned_data["decided_on"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("支援計画を確認し、決定しました。続けて本人の同意を記録してください。"))
    return redirect("casework:plan_detail", pk=pk)


@require_POST
@require_case_access
def plan_withdraw(request, pk):
    plan = _plan(request, pk)
    try:
        services.plan_withdraw(by=request.user, plan=plan, on=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("支援計画（案）を取り下げました。新しい案を作れます。"))
    return redirect("casework:plan_detail", pk=pk)


@require_case_access
def plan_consent(request, pk):
    plan = _plan(request, pk)
    today = timezone.localdate()
    form = PlanConsentForm(request.POST or None, initial={"agreed_on": today})

    def save(data):
        services.plan_consent(
            by=request.user,
            plan=plan,
            agreed_on=data["agreed_on"],
            agreed_with=data["agreed_with"],
            method=data["method"],
            note=data["consent_note"],
        )

    context = {"plan": plan, "client": plan.client}
    return _step(request, form, save, _("同意を記録しました。"), "casework/plan_consent.html", context)


@require_case_access
def plan_monitor(request, pk):
    plan = _plan(request, pk)
    form = MonitoringForm(
        request.POST or None, goals=plan.goals.all(), initial={"monitored_on": timezone.localdate()}
    )

    def save(data):
        services.monitoring_record(
            by=request.user,
            plan=plan,
            monitored_on=data["monitored_on"],
            comment=data["comment"],
            progress=form.progress(),
        )

    context = {"plan": plan, "client": plan.client}
    return _step(
        request, form, save, _("モニタリングを記録しました。"), "casework/plan_monitor.html", context
    )


@require_case_access
def plan_print(request, pk):
    """プラン: the plan alone on A4, for the person to read and sign."""
    plan = _plan(request, pk)
    audit(
        AuditEvent.Action.PRINT, user=request.user, target="support_plan", target_id=plan.pk, request=request
    )
    context = {
        "plan": plan,
        "client": plan.client,
        "goals": plan.goals.all(),
        "supports": plan.supports.select_related("staff", "agency"),
        "printed_at": timezone.localtime(),
    }
    return render(request, "casework/plan_print.html", context)
