"""Links an app built on cases adds to a client's page (e.g. the disclosure file), each with the
rule of who sees it, so that cases names no URL of an app above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ClientAction:
    url_name: str
    label: object
    allowed: Callable[[object], bool]
    post: bool = False  # a download of personal data: a form with CSRF, never a link


_ACTIONS: list[ClientAction] = []


def register_client_action(
    url_name: str, label, allowed: Callable[[object], bool], *, post: bool = False
) -> None:
    _ACTIONS.append(ClientAction(url_name, label, allowed, post))


def client_actions(client, user) -> list[dict]:
    return [
        {
            "url": reverse(action.url_name, kwargs={"pk": client.pk}),
            "label": action.label,
            "post": action.post,
        }
        for action in _ACTIONS
        if action.allowed(user)
    ]


# Panels an app built on cases adds to a client's page: `panel(client, user) -> dict | None`, the
# dict naming its template (rendered with `panel` in the context).
_PANELS: list[Callable] = []


def register_client_panel(func: Callable) -> Callable:
    _PANELS.append(func)
    return func


def client_panels(client, user) -> list[dict]:
    return [panel for func in _PANELS if (panel := func(client, user)) is not None]
