from django.shortcuts import render
from django.utils import timezone

from .fiscal import fiscal_year_label, fiscal_year_of, japanese_date
from .home import home_panels


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
