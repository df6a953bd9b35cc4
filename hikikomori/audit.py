"""Writing the audit trail (one function, called by services, views and signals).

The request being served is kept in a context variable by `AuditContextMiddleware`, so an entry
written deep in a signal (a membership saved in 管理, a role removed) still names the acting
user and the client's address.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

_current_request: ContextVar = ContextVar("audit_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request():
    return _current_request.get()


def client_ip(request) -> str | None:
    """The client's address; behind our reverse proxy, the one the proxy saw (the last hop it
    appended to X-Forwarded-For), never an address the client wrote itself."""
    if request is None:
        return None
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return _valid_ip(hops[-1])
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def _valid_ip(value) -> str | None:
    from ipaddress import ip_address

    try:
        return str(ip_address(value)) if value else None
    except ValueError:
        return None


def acting_user(request=None):
    request = request or current_request()
    user = getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# What an entry's details may hold: ids, counts, dates, codes, file names and the names of offices
# and staff accounts. Never personal free text (reasons, notes, names of the people supported):
# that lives in the records the entry points at, which anonymisation scrubs, so the log itself is
# never edited (append-only for every database role).
DETAIL_KEYS = frozenset(
    {
        *("form", "fields", "filters", "rows", "format", "kinds", "counts", "errors", "file", "sha256"),
        *("to", "duplicate", "case_number", "start", "end", "cutoff", "label", "version", "replaces"),
        *("fiscal_year", "as_of", "office", "office_id", "via", "goals", "reviewed", "clients"),
        *("username", "step", "devices", "confirmed", "second_factor", "change", "changes"),
        *("groups", "permissions", "added", "primary", "removed"),
        *("is_superuser", "is_staff", "is_active", "two_factor_required"),
    }
)


# What each entry is about, in Japanese (the log's 対象, the disclosure file). The core's own here;
# each app registers its targets in its AppConfig.ready().
_TARGETS: dict[str, str] = {}


def register_targets(labels: dict[str, str]) -> None:
    _TARGETS.update(labels)


def target_labels() -> dict[str, str]:
    return dict(_TARGETS)


def target_label(target: str) -> str:
    """対象 in Japanese: a registered target's name, a refused page's address, or 「（なし）」."""
    if not target:
        return str(_("（なし）"))
    if target.startswith("/"):
        return str(_("ページ %(path)s") % {"path": target})
    return str(_TARGETS.get(target, target))


def audit(action: str, *, user=None, target: str = "", target_id="", request=None, **detail) -> AuditEvent:
    """Record one event. Without an explicit user, the user of the request being served."""
    unknown = set(detail) - DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit details may not hold {sorted(unknown)} (no free text in the audit log)")
    if target and not target.startswith("/") and target not in _TARGETS:
        raise ValueError(f"audit target {target!r} has no Japanese label: register it (register_targets)")
    request = request or current_request()
    if user is None:
        user = acting_user(request)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        action=action,
        user=user,
        target=target,
        target_id=str(target_id or ""),
        detail=detail,
        ip_address=client_ip(request),
    )


def filters_used(filterset) -> dict:
    """The filters of a list or export as the audit log keeps them: which were used, with their
    chosen values, but never free text typed into them (a searched name stays out of the log)."""
    from django_filters import CharFilter

    form = filterset.form
    data = form.cleaned_data if form.is_valid() else {}
    used = {}
    for name, flt in filterset.filters.items():
        value = data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(flt, CharFilter):
            used[name] = "（入力あり）"
        else:
            used[name] = str(getattr(value, "pk", value))
    return used
