"""The navigation bar (SPEC §7), filled by the apps: each registers its items with the rule of who
sees them, so that the organisation core names no app's URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    order: int
    url_name: str
    label: str | Promise
    allowed: Callable[[object], bool]


_ITEMS: list[NavItem] = []


def register_nav_item(order: int, url_name: str, label, allowed: Callable[[object], bool]) -> None:
    _ITEMS.append(NavItem(order, url_name, label, allowed))
    _ITEMS.sort(key=lambda item: item.order)


def nav_items() -> list[NavItem]:
    return list(_ITEMS)
