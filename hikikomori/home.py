"""Panels of the home page, contributed by the apps that own the data.

Apps register a callable `panel(user, today) -> dict | None` here so that the organisation
core does not import the apps built on it.
"""

from collections.abc import Callable

_PANELS: list[Callable] = []


def register_panel(func: Callable) -> Callable:
    _PANELS.append(func)
    return func


def home_panels(user, today) -> list[dict]:
    """The panels for this user, those with a lower `order` first (50 by default)."""
    panels = [panel for func in _PANELS if (panel := func(user, today)) is not None]
    return sorted(panels, key=lambda panel: panel.get("order", 50))
