"""年次報告: the tables with charts, the workbook download, finalizing (supervisors only)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hikikomori.audit import audit
from hikikomori.exports import XLSX_TYPE, download_response
from hikikomori.fiscal import fiscal_year_of
from hikikomori.models import AuditEvent, Role
from hikikomori.scoping import require_role
from hikikomori.web import form_error_text

from . import services
from .forms import ReportForm
from .models import FinalizedReport
from .tables import Ratio, build_report
from .xlsx import render_workbook


def _form(data) -> ReportForm:
    data = data.copy()
    data.setdefault("fy", str(fiscal_year_of(timezone.localdate())))
    return ReportForm(data)


def _chart_data(report) -> list[dict]:
    charts = []
    for table in report.tables:
        if table.chart:
            rows = [[float(v) if isinstance(v, Ratio) else v for v in row] for row in table.rows]
            charts.append({"spec": table.chart, "header": table.header, "rows": rows, "title": table.title})
    return charts


@require_role(Role.SUPERVISOR)
def annual(request):
    form = _form(request.GET)
    context = {"form": form}
    if form.is_valid():
        scope = form.scope()
        report = build_report(scope)
        finalized = services.finalized_for(scope)
        context.update(
            report=report,
            charts=_chart_data(report),
            finalized=finalized,
            differences=services.differences(report, finalized) if finalized else [],
            query=request.GET.urlencode(),
        )
    return render(request, "reports/annual.html", context)


def _workbook_response(content: bytes, label: str) -> HttpResponse:
    return download_response(content, filename=f"年次報告_{label}.xlsx", content_type=XLSX_TYPE)


@require_role(Role.SUPERVISOR)
def annual_download(request):
    form = _form(request.GET)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("reports:annual")
    report = build_report(form.scope())
    audit(
        AuditEvent.Action.EXPORT,
        user=request.user,
        target="annual_report",
        request=request,
        label=report.label,
        office=str(form.scope().office or ""),
    )
    return _workbook_response(render_workbook(report), report.label)


@require_POST
@require_role(Role.SUPERVISOR)
def annual_finalize(request):
    form = _form(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("reports:annual")
    finalized = services.report_finalize(by=request.user, scope=form.scope())
    messages.success(request, _("%(label)s の年次報告を確定しました。") % {"label": finalized.label})
    return redirect(f"{reverse('reports:annual')}?{request.POST.get('query', '')}")


@require_role(Role.SUPERVISOR)
def finalized_download(request, pk):
    finalized = FinalizedReport.objects.filter(pk=pk).first()
    if finalized is None:
        raise Http404
    audit(
        AuditEvent.Action.EXPORT, user=request.user, target="finalized_report", target_id=pk, request=request
    )
    return _workbook_response(bytes(finalized.workbook), f"{finalized.label}_確定版")
