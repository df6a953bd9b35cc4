"""Response hardening and the account policy every request passes through."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

AUTH_STARTED = "auth_started"


class NoStoreMiddleware:
    """Pages of logged-in users must not be kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class AccountPolicyMiddleware:
    """A login lasts 12 hours at most; two-factor login and a first password change come first.

    Supervisors and admins must verify a TOTP code; anyone who enabled it must too. A password
    an admin set must be changed before anything else.
    """

    exempt_names = ("login", "logout", "two_factor_setup", "two_factor_verify", "password_change")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/static/"):
            return self.get_response(request)
        started = request.session.get(AUTH_STARTED)
        now = timezone.now().timestamp()
        if started is None:
            request.session[AUTH_STARTED] = now
        elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
            logout(request)
            messages.info(request, _("ログインから12時間が経過したため、もう一度ログインしてください。"))
            return redirect(settings.LOGIN_URL)
        exempt = {reverse(name) for name in self.exempt_names}
        if request.path in exempt:
            return self.get_response(request)
        if not user.is_verified():
            has_device = user_has_device(user, confirmed=True)
            if has_device or user.requires_two_factor:
                target = "two_factor_verify" if has_device else "two_factor_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        if user.must_change_password:
            return redirect(reverse("password_change"))
        return self.get_response(request)

