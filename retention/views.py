"""保存期間の満了 (approval of anonymisation) and 開示請求 (a person's own record): supervisors only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Client
from hikikomori.audit import audit
from hikikomori.exports import XLSX_TYPE, download_response
from hikikomori.models import AuditEvent, Role
from hikikomori.scoping import get_for_user, require_role
from hikikomori.web import add_form_errors

from . import services
from .disclosure import disclosure_workbook
from .forms import ApprovalForm
from .models import Candidate, RetentionPolicy


@require_role(Role.SUPERVISOR)
def expired(request):
    listed = services.pending()
    form = ApprovalForm(request.POST or None, choices=[(c.pk, c.pk) for c in listed])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = [c for c in listed if c.pk in set(form.cleaned_data["candidates"])]
            try:
                result = services.approve(
                    by=request.user, candidates=chosen, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                _report(request, result)
                return redirect("retention:expired")
        status = 400
    decided = Candidate.objects.filter(decided_at__isnull=False).select_related("decided_by")
    context = {
        "form": form,
        "listed": listed,
        "listed_at": max((c.listed_at for c in listed), default=None),
        "policy": RetentionPolicy.current(),
        "decided": decided.order_by("-decided_at", "-id")[:50],
    }
    return render(request, "retention/expired.html", context, status=status)


def _report(request, result: services.Approval) -> None:
    if result.anonymised:
        messages.success(
            request, _("%(count)s件の利用者を匿名化しました。") % {"count": len(result.anonymised)}
        )
    if result.cleared:
        messages.success(
            request, _("%(count)s件の記録から氏名・内容を削除しました。") % {"count": result.cleared}
        )
    for candidate in result.dropped:
        messages.warning(
            request,
            _("%(case)s は一覧を作った後に記録が変わったか、保存期間内になったため、匿名化しませんでした。")
            % {"case": candidate.client.case_number},
        )


@require_POST
@require_role(Role.SUPERVISOR)
def relist(request):
    listed = services.list_expired(by=request.user, today=timezone.localdate())
    messages.success(request, _("一覧を作り直しました（%(count)s件）。") % {"count": len(listed)})
    return redirect("retention:expired")


@require_POST
@require_role(Role.SUPERVISOR)
def disclosure(request, pk):
    client = get_for_user(Client.objects.filter(merged_into__isnull=True), request.user, pk=pk)
    content = disclosure_workbook(client, by=request.user)
    audit(
        AuditEvent.Action.EXPORT, user=request.user, target="disclosure", target_id=client.pk, request=request
    )
    name = f"開示_{client.case_number}_{timezone.localdate():%Y%m%d}.xlsx"
    return download_response(content, filename=name, content_type=XLSX_TYPE)
