"""The plan's life after it is drafted: 確認 by a supervisor (or 決定 at a case meeting, recorded
with the meeting), 取り下げ of a 案, the person's 同意, モニタリング, and the plan printed alone
(プラン) with a line for the person's signature."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hikikomori.audit import audit
from hikikomori.models import AuditEvent
from hikikomori.scoping import require_case_access
from hikikomori.web import form_error_text, form_page, run_and_tell

from . import services
from .forms import ConfirmForm, MonitoringForm, PlanConsentForm
from .models import SupportPlan
from .views import plan_for


@require_POST
@require_case_access
def plan_confirm(request, pk):
    plan = plan_for(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("casework:plan_detail", pk=pk)
    run_and_tell(
        request,
        lambda: services.plan_confirm(by=request.user, plan=plan, on=form.cleaned_data["decided_on"]),
        done=_("支援計画を確認し、決定しました。続けて本人の同意を記録してください。"),
    )
    return redirect("casework:plan_detail", pk=pk)


@require_POST
@require_case_access
def plan_withdraw(request, pk):
    plan = plan_for(request, pk)
    run_and_tell(
        request,
        lambda: services.plan_withdraw(by=request.user, plan=plan, on=timezone.localdate()),
        done=_("支援計画（案）を取り下げました。新しい案を作れます。"),
    )
    return redirect("casework:plan_detail", pk=pk)


@require_case_access
def plan_consent(request, pk):
    plan = plan_for(request, pk)
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

    return form_page(request, form, save, done=_("同意を記録しました。"), **_step_page(plan, _("同意を記録")))


@require_case_access
def plan_monitor(request, pk):
    plan = plan_for(request, pk)
    form = MonitoringForm(
        request.POST or None, goals=plan.goals.all(), initial={"monitored_on": timezone.localdate()}
    )

    def save(data):
        services.monitoring_record(
            by=request.user,
            plan=plan,
            monitored_on=data["monitored_on"],
            comment=data["comment"],
            progress=form.by_goal(),
        )

    return form_page(
        request,
        form,
        save,
        done=_("モニタリングを記録しました。"),
        **_step_page(plan, _("モニタリングを記録")),
    )


def _step_page(plan: SupportPlan, title: str) -> dict:
    subtitle = _("%(case)s %(name)s ・ 支援計画 %(date)s（%(state)s）") % {
        "case": plan.client.case_number,
        "name": plan.client.name,
        "date": f"{plan.made_on:%Y/%m/%d}",
        "state": plan.state,
    }
    url = reverse("casework:plan_detail", args=[plan.pk])
    return {
        "success_url": url,
        "template": "casework/step_form.html",
        "context": {"title": title, "subtitle": subtitle, "cancel_url": url, "client": plan.client},
    }


@require_case_access
def plan_print(request, pk):
    """プラン: the plan alone on A4, for the person to read and sign."""
    plan = plan_for(request, pk)
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
