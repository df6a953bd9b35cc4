import re
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import access
from .audit import audit
from .fiscal import fiscal_year_label, fiscal_year_of, japanese_date
from .forms import AccessDecisionForm
from .home import home_panels
from .models import AuditEvent, Role
from .scoping import require_role

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
RETRY_AFTER_SECONDS = 60


def home(request):
    """ホーム: what needs the user's attention today."""
    today = timezone.localdate()
    panels = home_panels(request.user, today)
    context = {
        "today": japanese_date(today),
        "fiscal_year": fiscal_year_label(fiscal_year_of(today)),
        "offices": request.user.offices.all(),
        "panels": panels,
        "actions": [action for panel in panels for action in panel.get("actions", [])],
    }
    return render(request, "hikikomori/home.html", context)


def permission_denied(request, exception=None):
    """403, recorded in the audit log."""
    audit(AuditEvent.Action.DENIED, user=request.user, target=request.path[:100], request=request)
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    """400 with the reason where a form gave one in Japanese (Django's own reasons are English
    and meant for the log, not the user)."""
    reason = str(exception) if exception is not None else ""
    if not (reason.isprintable() and JAPANESE.search(reason)):
        reason = ""
    return render(request, "400.html", {"reason": reason[:300]}, status=400)


def server_error(request):
    """500, or 503 with Retry-After while the database cannot be reached. Rendered without the
    database and without the request's context (both may be what failed)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


@login_not_required
@never_cache
def ready(request):
    """Readiness for a load balancer or the proxy: 200 when the database answers, else 503.
    Reads no session and writes nothing."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok\n", content_type="text/plain")


@require_POST
@require_role(Role.SUPERVISOR)
def access_decide(request, pk):
    form = AccessDecisionForm(request.POST)
    item = get_object_or_404(access.pending_for(request.user), pk=pk)
    if not form.is_valid():
        return bad_request(request, ValidationError(_("承認か却下を選んでください。")))
    link = access.access_decide(
        by=request.user, request=item, approve=form.cleaned_data["decision"] == "approve"
    )
    if form.cleaned_data["decision"] != "approve":
        messages.success(request, _("%(what)s の依頼を却下しました。") % {"what": item})
    elif link:
        messages.success(
            request,
            _(
                "%(what)s を承認しました。本人に次のパスワード設定用リンク（1回限り）を直接渡してください: %(link)s"
            )
            % {"what": item, "link": request.build_absolute_uri(link)},
        )
    else:
        messages.success(request, _("%(what)s を承認しました。") % {"what": item})
    return redirect("home")
