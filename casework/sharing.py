"""情報共有の同意 screens: recording a client's consent to share with outside agencies, and its
撤回. Both go through casework.consent and are audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Client
from hikikomori.scoping import get_for_user, require_case_access
from hikikomori.web import add_form_errors, form_error_text

from . import consent as consents
from .forms import SharingConsentForm, WithdrawForm
from .models import CLIENT_OFFICE, SharingConsent


@require_case_access
def consent_create(request, pk):
    client = get_for_user(Client.objects.current(), request.user, pk=pk)
    form = SharingConsentForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                consents.consent_record(by=request.user, client=client, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("情報共有の同意を記録しました。"))
                return redirect("cases:client_detail", pk=client.pk)
    return render(request, "casework/consent_form.html", {"form": form, "client": client}, status=status)


@require_POST
@require_case_access
def consent_withdraw(request, pk):
    consent = get_for_user(
        SharingConsent.objects.select_related("client"), request.user, office_field=CLIENT_OFFICE, pk=pk
    )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
    else:
        try:
            consents.consent_withdraw(by=request.user, consent=consent, on=form.cleaned_data["on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("情報共有の同意を撤回しました。"))
    return redirect("cases:client_detail", pk=consent.client_id)
