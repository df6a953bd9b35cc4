"""Links an app built on outreach adds to a municipal consultation day's page (e.g. recording the
day's case meeting in full), so that outreach names no URL of an app above it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class DayAction:
    url_name: str
    label: object


_ACTIONS: list[DayAction] = []


def register_day_action(url_name: str, label) -> None:
    _ACTIONS.append(DayAction(url_name, label))


def day_actions(day) -> list[dict]:
    return [{"url": f"{reverse(action.url_name)}?day={day.pk}", "label": action.label} for action in _ACTIONS]
