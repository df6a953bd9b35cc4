from django.utils import timezone

from cases.filters import fiscal_year_choices
from hikikomori.fiscal import fiscal_year_of


def chosen_fiscal_year(request) -> int:
    """The 年度 asked for (?fy=2024), else the current one."""
    try:
        return int(request.GET.get("fy", ""))
    except ValueError:
        return fiscal_year_of(timezone.localdate())


def year_choices():
    return [(int(value), label) for value, label in fiscal_year_choices() if value != "all"]

