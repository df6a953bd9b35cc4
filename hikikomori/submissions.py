"""One record per submission: a double click, a browser's retry after a timeout or a form sent
again from the back button never stores twice.

Every POST form carries a random token (`{% submission_token %}`, rendered with the form). The
first request with a token claims it by inserting a row under a unique key, in the same
transaction as everything the view writes; a second request with the same token waits on that
key until the first has committed, then finds the claim and is sent where the first one went,
told that its entry was already saved. A submission is kept only when its view redirected (the
Post/Redirect/Get of a save); a refused form releases its token, so correcting and sending
again works. Requests without a token (htmx toggles, API-like calls) are served as before."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.db import connection, transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Submission

FIELD = "submission"
KEPT = dt.timedelta(days=1)  # long enough for any retry or back button


def new_token() -> str:
    return uuid.uuid4().hex


def _token_of(request) -> str | None:
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(str(request.POST.get(FIELD, ""))).hex
    except ValueError:
        return None


class OncePerSubmissionMiddleware:
    """Last in MIDDLEWARE: it runs the view itself, after every other check (CSRF, login,
    second factor) has passed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        token = _token_of(request)
        if token is None or not hasattr(request, "user"):
            return None
        if not request.user.is_authenticated and not getattr(view_func, "once_without_login", False):
            return None  # the login page and the like: nothing is stored, nothing to claim
        with transaction.atomic():
            if not _claim(token, _sender(request), request.path[:200]):
                return _already_saved(request, token)
            response = view_func(request, *view_args, **view_kwargs)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                Submission.objects.filter(token=token).update(redirected_to=response["Location"][:500])
            else:  # nothing was saved (a refused form) or nothing to go back to: the token is free
                Submission.objects.filter(token=token).delete()
            return response


def once_without_login(view):
    """Mark a view open without login whose saves are claimed once too (the public Web相談 form):
    a double click or a retry stores one record and both answers go to the same place."""
    view.once_without_login = True
    return view


def _sender(request):
    """Who claims: the user, or nobody for a form sent without logging in (Web相談)."""
    return request.user if request.user.is_authenticated else None


def _claim(token: str, user, path: str) -> bool:
    """Claim the token (True), or find it claimed (False): a second request with the same token
    waits here until the first one's transaction has ended. One statement, no savepoint."""
    table = Submission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token, user_id, path, redirected_to, at) VALUES (%s, %s, %s, '', %s)"
            " ON CONFLICT (token) DO NOTHING RETURNING token",
            [token, user.pk if user is not None else None, path, timezone.now()],
        )
        return cursor.fetchone() is not None


def forget_old(user) -> None:
    """A user's submissions older than any retry or back button, and those sent without logging
    in (at each login)."""
    Submission.objects.filter(Q(user=user) | Q(user=None), at__lt=timezone.now() - KEPT).delete()


def _already_saved(request, token: str):
    claim = Submission.objects.filter(token=token, user=_sender(request)).first()
    if claim is None or not claim.redirected_to:
        messages.warning(
            request, _("同じ内容がすでに送信されています。保存されたかどうか、一覧で確かめてください。")
        )
        sent_without_login = _sender(request) is None
        return redirect(request.path if request.method == "GET" or sent_without_login else "home")
    messages.info(request, _("この入力はすでに保存されています（二重に送信された分は保存していません）。"))
    return redirect(claim.redirected_to)
