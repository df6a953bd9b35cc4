"""Account screens: two-factor enrolment and verification, the password change."""

import base64
import io

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import twofactor
from .audit import audit
from .models import AuditEvent
from .web import safe_next


def _token_field(label):
    return forms.CharField(
        label=label,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class TokenForm(forms.Form):
    token = _token_field(gettext_lazy("確認コード（6桁）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs["data-autofocus"] = "true"

    def clean_token(self):
        return _digits(self.cleaned_data["token"])


class EnrolForm(TokenForm):
    """The code of the new key; when a device exists already, a code of that device first."""

    current_token = _token_field(gettext_lazy("今お使いの認証アプリの確認コード（6桁）"))
    field_order = ["current_token", "token"]

    def __init__(self, *args, replacing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].label = (
            gettext_lazy("新しく登録するアプリの確認コード（6桁）")
            if replacing
            else self.fields["token"].label
        )
        if replacing:
            self.fields["current_token"].widget.attrs["data-autofocus"] = "true"
            del self.fields["token"].widget.attrs["data-autofocus"]
        else:
            del self.fields["current_token"]

    def clean_current_token(self):
        return _digits(self.cleaned_data["current_token"])


def two_factor_setup(request):
    """Enrol an authenticator (scan the QR code, confirm with a code); replacing an existing one
    also needs a code of the current device. The new key lives in the session until confirmed."""
    replacing = twofactor.has_confirmed_device(request.user)
    device = twofactor.pending_device(request)
    form = EnrolForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        if twofactor.enrol(
            request, form.cleaned_data["token"], current_token=form.cleaned_data.get("current_token", "")
        ):
            messages.success(
                request,
                _("認証アプリを登録し直しました。") if replacing else _("2段階認証を有効にしました。"),
            )
            return redirect(safe_next(request, reverse("home")))
        form.add_error(
            None, _("確認コードが正しくありません。アプリに表示されている最新のコードを入力してください。")
        )
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5)
    context = {
        "form": form,
        "qr": "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "secret": twofactor.secret_of(device),
        "next": safe_next(request, reverse("home")),
        "required": request.user.requires_two_factor,
        "replacing": replacing,
    }
    return render(request, "registration/two_factor_setup.html", context)


def two_factor_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["token"]):
            return redirect(safe_next(request, reverse("home")))
        form.add_error("token", _("確認コードが正しくありません。"))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": safe_next(request, reverse("home"))},
    )


class NewPasswordChangeForm(PasswordChangeForm):
    """Django's form; the new password must differ from the old one."""

    def clean(self):
        data = super().clean()
        new = data.get("new_password2")
        if new and not self.errors and self.user.check_password(new):
            self.add_error("new_password2", _("現在のパスワードとは異なるパスワードにしてください。"))
        return data


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; it also clears the admin-set-password flag.

    A wrong current password counts as a failed login (lockout and audit log): at the limit the
    session ends and the account is locked like after wrong passwords at the login page.
    """

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")
    form_class = NewPasswordChangeForm

    def form_invalid(self, form):
        if "old_password" in form.errors:
            credentials = {"username": self.request.user.get_username()}
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            if AxesProxyHandler.is_locked(self.request, credentials):
                logout(self.request)
                return render(self.request, "registration/locked_out.html", status=429)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit(AuditEvent.Action.PASSWORD_CHANGE, user=user, target="password", request=self.request)
        messages.success(self.request, _("パスワードを変更しました。"))
        return response
