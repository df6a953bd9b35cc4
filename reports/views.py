"""年次報告: the tables with charts, the workbook download, finalizing (supervisors only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hikikomori.audit import audit
from hikikomori.exports import XLSX_TYPE, download_response
from hikikomori.fiscal import fiscal_year_label, fiscal_year_of
from hikikomori.models import AuditEvent, Role
from hikikomori.scoping import require_role
from hikikomori.web import add_form_errors, form_error_text

from . import services
from .forms import FinalizeForm, ReportForm
from .models import FinalizedReport
from .tables import Ratio, build_report
from .xlsx import render_workbook


def _with_default_year(data):
    data = data.copy()
    data.setdefault("fy", str(fiscal_year_of(timezone.localdate())))
    return data


def _form(data) -> ReportForm:
    return ReportForm(_with_default_year(data))


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
        versions = list(services.finalized_versions(scope))
        finalized = versions[0] if versions else None
        context.update(
            versions=versions,
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


@require_role(Role.SUPERVISOR)
def annual_finalize(request):
    """確定 on its own page: what will be stored, the versions so far, and (again) a reason."""
    data = request.POST if request.method == "POST" else request.GET
    form = FinalizeForm(_with_default_year(data))
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("reports:annual")
    scope = form.scope()
    versions = list(services.finalized_versions(scope))
    if request.method == "POST":
        try:
            finalized = services.report_finalize(
                by=request.user, scope=scope, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(label)s の年次報告を確定しました（第%(version)s版）。")
                % {"label": finalized.label, "version": finalized.version},
            )
            return redirect(f"{reverse('reports:annual')}?{_scope_query(scope)}")
    context = {
        "form": form,
        "scope": scope,
        "versions": versions,
        "label": fiscal_year_label(scope.fiscal_year),
    }
    return render(request, "reports/finalize.html", context, status=400 if form.errors else 200)


def _scope_query(scope) -> str:
    query = {"fy": scope.fiscal_year}
    if scope.as_of:
        query["as_of"] = scope.as_of.isoformat()
    if scope.office:
        query["office"] = scope.office.pk
    return urlencode(query)


@require_role(Role.SUPERVISOR)
def finalized_download(request, pk):
    finalized = FinalizedReport.objects.select_related("office").filter(pk=pk).first()
    if finalized is None:
        raise Http404
    audit(
        AuditEvent.Action.EXPORT, user=request.user, target="finalized_report", target_id=pk, request=request,
        label=finalized.label, version=finalized.version,
    )  # fmt: skip
    return download_response(bytes(finalized.workbook), filename=finalized.file_name, content_type=XLSX_TYPE)
