"""Account screens: two-factor setup and verification, the first password change."""

import base64
import io

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit
from .models import AuditEvent
from .web import safe_next


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("確認コード（6桁）"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "data-autofocus": "true"}),
    )

    def clean_token(self):
        return "".join(ch for ch in self.cleaned_data["token"] if ch.isdigit())


def two_factor_setup(request):
    """Enable TOTP: scan the QR code in an authenticator app, then confirm with a code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            audit(AuditEvent.Action.UPDATE, user=request.user, target="two_factor", request=request, enabled=True)
            messages.success(request, _("2段階認証を有効にしました。"))
            return redirect(safe_next(request, reverse("home")))
        form.add_error("token", _("確認コードが正しくありません。アプリに表示されている最新のコードを入力してください。"))
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5)
    qr = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {"form": form, "qr": qr, "secret": secret, "next": safe_next(request, reverse("home")), "required": request.user.requires_two_factor}
    return render(request, "registration/two_factor_setup.html", context)


def two_factor_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(safe_next(request, reverse("home")))
        audit(AuditEvent.Action.LOGIN_FAILED, user=request.user, target="two_factor", request=request)
        form.add_error("token", _("確認コードが正しくありません。"))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": safe_next(request, reverse("home"))})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; it also clears the admin-set-password flag."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit(AuditEvent.Action.UPDATE, user=user, target="password", request=self.request)
        messages.success(self.request, _("パスワードを変更しました。"))
        return response
