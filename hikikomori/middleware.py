"""Response hardening and the account policy every request passes through."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, IntegrityError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .twofactor import pending_step

AUTH_STARTED = "auth_started"
logger = logging.getLogger(__name__)


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
    """A login lasts 12 hours at most; the second factor and a first password change come first.

    Until a login is complete the user reaches exactly one step and the logout, GET or POST:
    a user with a confirmed authenticator (or whose role requires one) only its verification
    (or, without a device yet, its enrolment); then a user whose password an admin set only the
    password change. Nothing else answers, so a password alone opens nothing.
    """

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
        step = pending_step(user)
        if step is None and user.must_change_password:
            step = "password_change"
        if step is None or request.path in (reverse(step), reverse("logout")):
            return self.get_response(request)
        if step == "password_change":
            return redirect(reverse(step))
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a database fault while writing the session (Django reports it as
    "session deleted", a 400 asking to try again) never turns an answer already computed into an
    error: a committed save still sends the user to the saved record (a retry would store it
    twice), a page still shows. Only the session's refresh, and its messages, are lost. A session
    really deleted meanwhile (a logout elsewhere) still answers 400."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified and _idle_timeout_moved(session):
            session.modified = True  # written again: the idle timeout starts over
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as error:
            committed = request.method == "POST" and 300 <= response.status_code < 400
            if not (committed or _database_fault(error)):
                raise
            logger.warning("session not saved (database fault) for %s %s", request.method, request.path)
            return response


REFRESH_AFTER = 60  # seconds: an unchanged session's idle timeout moves at most this late


def _idle_timeout_moved(session) -> bool:
    stored = getattr(session, "stored_expiry", None)
    if stored is None or session.is_empty():
        return not session.is_empty()
    return (session.get_expiry_date() - stored).total_seconds() >= REFRESH_AFTER


def _database_fault(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DatabaseError) and not isinstance(error, IntegrityError):
            return True
        error = error.__cause__ or error.__context__
    return False
