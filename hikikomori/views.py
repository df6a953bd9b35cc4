from django.shortcuts import render
from django.utils import timezone

from .audit import audit
from .fiscal import fiscal_year_label, fiscal_year_of, japanese_date
from .home import home_panels
from .models import AuditEvent


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
    """400 with the reason in Japanese where a form gave one."""
    reason = str(exception) if exception is not None and str(exception).isprintable() else ""
    return render(request, "400.html", {"reason": reason[:300]}, status=400)
