"""Writing the audit trail (one function, called by services and views)."""

from __future__ import annotations

from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(action: str, *, user=None, target: str = "", target_id="", request=None, **detail) -> AuditEvent:
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
