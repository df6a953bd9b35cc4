"""The public pages (no login, nothing read but the master data) and the coordinators' inbox."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import Client
from cases.services import likely_duplicates
from hikikomori.audit import audit, client_ip
from hikikomori.models import AuditEvent
from hikikomori.scoping import default_office, get_for_user, office_for_recording, require_case_access, scope
from hikikomori.submissions import once_without_login
from hikikomori.web import add_form_errors

from . import services
from .forms import HONEYPOT, CloseForm, PublicRequestForm, RecordForm
from .models import RequestStatus, WebRequest, new_receipt_number

RECEIPT_SALT = "webconsult.receipt"


@login_not_required
@once_without_login
@require_http_methods(["GET", "POST"])
def public_form(request):
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST" and (form.is_bot() or form.is_valid()):
        # Only what would be kept counts: a person correcting the form is never slowed down.
        try:
            services.count_hit(services.address_key(client_ip(request)))
        except services.TooMany:
            return render(request, "webconsult/public_busy.html", status=429)
        if form.is_bot():  # the same answer as a real request; nothing is kept
            return _sent(new_receipt_number())
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("agree", HONEYPOT, "slot")}
        if form.cleaned_data["slot"]:
            fields["wished_day"], fields["wished_time"] = form.cleaned_data["slot"]
        return _sent(services.request_receive(**fields).receipt_number)
    return render(request, "webconsult/public_form.html", {"form": form})


def _sent(number: str):
    return redirect(f"{reverse('webconsult:public_sent')}?r={signing.dumps(number, salt=RECEIPT_SALT)}")


@login_not_required
def public_sent(request):
    try:
        number = signing.loads(request.GET.get("r", ""), salt=RECEIPT_SALT, max_age=3600)
    except signing.BadSignature as exc:
        raise Http404 from exc
    return render(request, "webconsult/public_sent.html", {"number": number})


@login_not_required
def public_privacy(request):
    return render(request, "webconsult/public_privacy.html")


def _requests(user):
    return scope(WebRequest.objects.select_related("office", "municipality"), user)


@require_case_access
def inbox(request):
    today = timezone.localdate()
    waiting = list(_requests(request.user).filter(status=RequestStatus.NEW).order_by("received_at", "id"))
    handled = (
        _requests(request.user)
        .exclude(status=RequestStatus.NEW)
        .select_related("handled_by")
        .order_by("-handled_at", "-id")[:20]
    )
    for item in waiting:
        item.overdue = item.is_overdue(today)
    return render(request, "webconsult/inbox.html", {"waiting": waiting, "handled": handled, "today": today})


@require_case_access
def detail(request, pk):
    web = get_for_user(_requests(request.user), request.user, pk=pk)
    audit(AuditEvent.Action.VIEW, user=request.user, target="web_request", target_id=web.pk, request=request)
    record_form = RecordForm(user=request.user, request=web)
    close_form = CloseForm()
    return _detail(request, web, record_form, close_form)


def _detail(request, web, record_form, close_form, status=200, candidates=()):
    if not candidates:  # 「別の人として登録する」 only answers a warning of likely duplicates
        record_form.fields["not_duplicate"].widget = forms.HiddenInput()
    context = {
        "candidates": candidates,
        "web": web,
        "record_form": record_form,
        "close_form": close_form,
        "overdue": web.is_overdue(timezone.localdate()),
    }
    return render(request, "webconsult/detail.html", context, status=status)


@require_POST
@require_case_access
def record(request, pk):
    web = get_for_user(_requests(request.user), request.user, pk=pk)
    form = RecordForm(request.POST, user=request.user, request=web)
    candidates = []
    if form.is_valid() and form.cleaned_data["new_client_name"] and not form.cleaned_data["not_duplicate"]:
        # Before registering: the person may be registered already (as on 相談を記録).
        candidates = likely_duplicates(
            scope(Client.objects.all(), request.user),
            name=form.cleaned_data["new_client_name"],
            kana=form.cleaned_data["new_client_kana"],
        )
    if candidates:
        form.add_error(
            "not_duplicate",
            _("同じ人が登録されているかもしれません。候補を確かめ、別の人なら下をチェックしてください。"),
        )
    if form.is_valid():
        data = form.cleaned_data
        consultation = {
            # the request's office if the user may record there (the offices read once), else theirs
            "office": office_for_recording(request.user, web.office_id) or default_office(request.user),
            "date": data["date"], "method": data["method"], "consulter": data["consulter"],
            "client": data["client"], "staff": [request.user], "content": data["content"],
            "duration_minutes": data["duration_minutes"],
            "municipality": web.municipality if data["client"] is None else None,
        }  # fmt: skip
        new_client = (
            {"name": data["new_client_name"], "kana": data["new_client_kana"]}
            if data["new_client_name"]
            else None
        )
        try:
            services.request_record(
                by=request.user, request=web, consultation=consultation, new_client=new_client,
                book=data.get("book", False),
            )  # fmt: skip
        except ValidationError as exc:
            if already_handled := _handled_meanwhile(request, web, exc):
                return already_handled
            add_form_errors(form, exc)
        else:
            messages.success(
                request, _("Web相談 %(n)s を相談として記録しました。") % {"n": web.receipt_number}
            )
            return redirect("webconsult:inbox")
    return _detail(request, web, form, CloseForm(), status=400, candidates=candidates)


def _handled_meanwhile(request, web: WebRequest, exc: ValidationError):
    """Handled by someone else, or by this same form sent twice: say so on the request's page."""
    web.refresh_from_db()
    if web.status == RequestStatus.NEW:
        return None
    messages.warning(request, " ".join(exc.messages))
    return redirect("webconsult:detail", pk=web.pk)


@require_POST
@require_case_access
def close(request, pk):
    web = get_for_user(_requests(request.user), request.user, pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.request_close(
                by=request.user,
                request=web,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if already_handled := _handled_meanwhile(request, web, exc):
                return already_handled
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Web相談 %(n)s を閉じました。") % {"n": web.receipt_number})
            return redirect("webconsult:inbox")
    return _detail(request, web, RecordForm(user=request.user, request=web), form, status=400)
