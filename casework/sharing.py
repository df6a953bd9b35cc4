"""情報共有の同意 screens: recording a client's consent to share with outside agencies, and its
撤回. Both go through casework.consent and are audited."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Client
from hikikomori.scoping import get_for_user, require_case_access
from hikikomori.web import form_error_text, form_page, run_and_tell

from . import consent as consents
from .forms import SharingConsentForm, WithdrawForm
from .models import CLIENT_OFFICE, SharingConsent


@require_case_access
def consent_create(request, pk):
    client = get_for_user(Client.objects.current(), request.user, pk=pk)
    form = SharingConsentForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    url = reverse("cases:client_detail", args=[client.pk])
    return form_page(
        request,
        form,
        lambda data: consents.consent_record(by=request.user, client=client, **data),
        done=_("情報共有の同意を記録しました。"),
        success_url=url,
        template="casework/step_form.html",
        context={
            "title": _("情報共有の同意を記録"),
            "subtitle": f"{client.case_number} {client.name}",
            "cancel_url": url,
            "client": client,
        },
    )


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
        run_and_tell(
            request,
            lambda: consents.consent_withdraw(by=request.user, consent=consent, on=form.cleaned_data["on"]),
            done=_("情報共有の同意を撤回しました。"),
        )
    return redirect("cases:client_detail", pk=consent.client_id)
