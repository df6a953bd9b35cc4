from django.utils import timezone

from hikikomori.fiscal import fiscal_year_label, fiscal_year_of, recent_fiscal_years


def chosen_fiscal_year(request) -> int:
    """The 年度 asked for (?fy=2024), else the current one."""
    try:
        return int(request.GET.get("fy", ""))
    except ValueError:
        return fiscal_year_of(timezone.localdate())


def year_choices() -> list[tuple[int, str]]:
    return recent_fiscal_years(timezone.localdate())


def year_context(fiscal_year: int) -> dict:
    """What the 年度 picker of a list needs."""
    return {"fiscal_year": fiscal_year, "fiscal_year_label": fiscal_year_label(fiscal_year), "years": year_choices()}
