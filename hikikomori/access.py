"""Separation of duties for access to case data.

An admin manages accounts in 管理 but never grants access to case data alone: adding a
coordinator or supervisor role, or an office membership, becomes an `AccessRequest` that takes
effect when a supervisor (not the one who asked, not the person concerned) approves it on ホーム.
And an admin never knows the credentials of someone with case access: 管理 sets no password;
when a person first gains case access their password is cleared, their sessions end, and the
approving supervisor receives the one-time link with which the person sets their own."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .audit import audit
from .home import register_panel
from .models import AccessRequest, AuditEvent, Membership, Office, Role, User
from .twofactor import end_sessions

CASE_ROLES = {Role.COORDINATOR.value, Role.SUPERVISOR.value}


def has_case_access(user: User) -> bool:
    return user.groups.filter(name__in=CASE_ROLES).exists()


def setup_link(user: User) -> str:
    """The path of the one-time page where `user` sets their own password (valid until used,
    or until PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_setup", args=[uid, default_token_generator.make_token(user)])


def access_request(
    *, by: User, user: User, role: str = "", office: Office | None = None, is_primary: bool = False
) -> AccessRequest:
    """Ask for a case role or an office for `user` (pending until a supervisor approves)."""
    pending = AccessRequest.objects.filter(user=user, role=role, office=office, decided_at__isnull=True)
    existing = pending.first()
    if existing is not None:
        return existing
    request = AccessRequest.objects.create(
        user=user, role=role, office=office, is_primary=is_primary, requested_by=by
    )
    audit(
        AuditEvent.Action.UPDATE,
        user=by,
        target="user",
        target_id=user.pk,
        username=user.username,
        change="access_requested",
        office_id=office.pk if office else None,
        groups=[role] if role else [],
    )
    return request


def pending_for(supervisor: User):
    """Requests this supervisor may decide: not their own, not about themselves; an office only
    if they belong to it."""
    if not supervisor.has_role(Role.SUPERVISOR):
        return AccessRequest.objects.none()
    offices = Membership.objects.filter(user=supervisor).values("office")
    return (
        AccessRequest.objects.filter(decided_at__isnull=True)
        .filter(Q(office__isnull=True) | Q(office__in=offices))
        .exclude(requested_by=supervisor)
        .exclude(user=supervisor)
        .select_related("user", "office", "requested_by")
        .order_by("requested_at", "pk")
    )


@transaction.atomic
def access_decide(*, by: User, request: AccessRequest, approve: bool) -> str:
    """Approve or refuse a request. Returns the one-time password link when the person gains
    case access now (to be handed over by the approving supervisor), else ""."""
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if not pending_for(by).filter(pk=request.pk).exists():
        raise PermissionDenied(_("この依頼を判断する権限がありません。"))
    if request.decided_at is not None:
        raise ValidationError(_("この依頼はすでに判断されています。"))
    user = request.user
    had_access = has_case_access(user)
    request.decided_by, request.decided_at, request.approved = by, timezone.now(), approve
    request.save(update_fields=["decided_by", "decided_at", "approved"])
    link = ""
    if approve:
        if request.role:
            user.groups.add(Group.objects.get(name=request.role))
        else:
            primary = request.is_primary or not user.memberships.filter(is_primary=True).exists()
            if primary:
                user.memberships.filter(is_primary=True).update(is_primary=False)
            Membership.objects.get_or_create(
                user=user, office=request.office, defaults={"is_primary": primary}
            )
        if not had_access and has_case_access(user):
            # whoever set the password so far (an admin) must not keep a way into case data
            user.set_unusable_password()
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password"])
            end_sessions(user)
            link = setup_link(user)
    audit(
        AuditEvent.Action.UPDATE,
        user=by,
        target="user",
        target_id=user.pk,
        username=user.username,
        change="access_approved" if approve else "access_refused",
        office_id=request.office_id,
        groups=[request.role] if request.role else [],
    )
    return link


@register_panel
def access_requests(user, today):
    """The supervisor's panel on ホーム: roles and offices asked for in 管理, waiting for approval."""
    requests = list(pending_for(user))
    if not requests:
        return None
    return {"template": "hikikomori/_home_access.html", "requests": requests, "wide": True}
