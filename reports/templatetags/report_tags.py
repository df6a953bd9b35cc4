from django import template

from reports.tables import Ratio

register = template.Library()


@register.filter
def report_cell(value) -> str:
    """Counts with thousands separators, ratios as 12.3%, undefined ratios empty."""
    if value is None:
        return ""
    if isinstance(value, Ratio):
        return f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@register.filter
def label_cells(row, count):
    return row[:count]


@register.filter
def value_cells(row, count):
    return row[count:]
