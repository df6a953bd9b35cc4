from django.contrib import messages
from django.utils import timezone

from hikikomori.fiscal import fiscal_year_label, recent_fiscal_years

from ..forms import ListFilterForm


def list_filters(request) -> ListFilterForm:
    """The list's query parsed by its form; bad values are reported and ignored."""
    form = ListFilterForm(request.GET, user=request.user)
    if form.errors:
        messages.error(request, form.error_text())
    return form


def year_choices() -> list[tuple[int, str]]:
    return recent_fiscal_years(timezone.localdate())


def year_context(fiscal_year: int) -> dict:
    """What the 年度 picker of a list needs."""
    return {
        "fiscal_year": fiscal_year,
        "fiscal_year_label": fiscal_year_label(fiscal_year),
        "years": year_choices(),
    }


def pk_text(instance) -> str:
    """A chosen record as the picker compares it (the pk as text), or ""."""
    return str(instance.pk) if instance is not None else ""
