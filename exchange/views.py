"""一括登録: upload → preview of what will be created or updated → confirm."""

from urllib.parse import quote

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hikikomori.audit import audit
from hikikomori.limits import accepts_upload
from hikikomori.models import AuditEvent, Role
from hikikomori.scoping import require_role

from .forms import MAX_UPLOAD_BYTES, ImportForm
from .importing.exporting import ORDER, stream_zip
from .importing.kinds import COLUMNS, LABELS
from .importing.runner import confirm_pending, run_import
from .models import ImportRun, PendingImport


@accepts_upload(MAX_UPLOAD_BYTES)
@require_role(Role.SUPERVISOR)
def import_upload(request):
    PendingImport.objects.expired().delete()
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": {LABELS[k]: cols for k, cols in COLUMNS.items()}}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        kind = form.cleaned_data["kind"]
        result = run_import(
            kind=kind, content=content, file_name=upload.name, by=request.user, dry_run=True, request=request
        )
        context["result"] = result
        if result.ok:
            PendingImport.objects.filter(by=request.user).delete()
            context["pending"] = PendingImport.objects.create(
                kind=kind, file_name=upload.name, content=content, by=request.user
            )
    context["runs"] = ImportRun.objects.select_related("by")[:20]
    return render(request, "exchange/import.html", context)


@require_POST
@require_role(Role.SUPERVISOR)
def import_confirm(request, pk):
    PendingImport.objects.expired().delete()
    pending = PendingImport.objects.filter(pk=pk, by=request.user).first()
    if pending is None:
        messages.error(
            request, _("確認の期限（1時間）が過ぎたか、取り込み済みです。もう一度ファイルを選んでください。")
        )
        return redirect("exchange:import")
    result = confirm_pending(pending, by=request.user, request=request)
    if result.ok:
        messages.success(request, _("取り込みました。") + " " + " / ".join(result.summary_lines_ja()))
    else:
        messages.error(
            request,
            _("取り込めませんでした。何も登録されていません。") + " " + " ".join(result.error_lines()[:20]),
        )
    return redirect("exchange:import")


@require_role(Role.SUPERVISOR)
def export_all(request):
    """Everything this system holds, in the import formats: one .zip of per-kind CSV files,
    streamed as it is written (the whole export is never in memory). Audited."""
    audit(
        AuditEvent.Action.EXPORT, user=request.user, target="all_records", request=request, kinds=list(ORDER)
    )
    response = StreamingHttpResponse(stream_zip(), content_type="application/zip")
    name = f"全記録_{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
