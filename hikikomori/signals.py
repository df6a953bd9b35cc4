"""Audit entries for logins, logouts, failures and every change of an account's rights.

Rights changes (superuser, staff, active, roles, permissions, memberships) are recorded with the
acting user, wherever they are made (管理, a command, a test), through `audit`.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .audit import audit
from .middleware import AUTH_STARTED
from .models import AuditEvent, Membership, User
from .submissions import forget_old
from .twofactor import pending_step

WATCHED_FIELDS = ("is_superuser", "is_staff", "is_active", "two_factor_required")


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    """The password step passed; the login is complete only when no second factor is due."""
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_STARTED] = timezone.now().timestamp()
    forget_old(user)
    if pending_step(user) is None:
        audit(AuditEvent.Action.LOGIN, user=user, request=request)
    else:
        audit(AuditEvent.Action.PASSWORD_OK, user=user, request=request, second_factor="pending")


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(AuditEvent.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username: never the password, even masked.
    audit(
        AuditEvent.Action.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))[:150]
    )


@receiver(pre_save, sender=User)
def remember_rights(sender, instance, **kwargs):
    if instance.pk:
        instance._rights_before = User.objects.filter(pk=instance.pk).values(*WATCHED_FIELDS).first()


@receiver(post_save, sender=User)
def on_rights_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_rights_before", None) or {}
    changes = {
        field: [before.get(field), getattr(instance, field)]
        for field in WATCHED_FIELDS
        if not created and field in before and before[field] != getattr(instance, field)
    }
    if created:
        changes = {
            field: [None, getattr(instance, field)] for field in WATCHED_FIELDS if getattr(instance, field)
        }
        audit(
            AuditEvent.Action.CREATE,
            target="user",
            target_id=instance.pk,
            username=instance.username,
            **changes,
        )
    elif changes:
        audit(
            AuditEvent.Action.ACCOUNT_CHANGE,
            target="user",
            target_id=instance.pk,
            username=instance.username,
            **changes,
        )
    instance._rights_before = None


def _m2m_audit(target: str, field: str):
    def handler(sender, instance, action, pk_set, **kwargs):
        if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
            audit(
                AuditEvent.Action.UPDATE,
                target=target,
                target_id=instance.pk,
                username=instance.username,
                change=action,
                **{field: sorted(pk_set or [])},
            )

    return handler


on_roles_changed = _m2m_audit("permissions", "groups")
on_user_permissions_changed = _m2m_audit("user_permissions", "permissions")
m2m_changed.connect(on_roles_changed, sender=User.groups.through, dispatch_uid="audit_groups")
m2m_changed.connect(
    on_user_permissions_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_perms"
)


@receiver(post_save, sender=Membership)
def on_membership_saved(sender, instance, created, **kwargs):
    audit(
        AuditEvent.Action.UPDATE,
        target="membership",
        target_id=instance.user_id,
        office=instance.office.name,
        added=created,
        primary=instance.is_primary,
    )


@receiver(post_delete, sender=Membership)
def on_membership_removed(sender, instance, **kwargs):
    audit(
        AuditEvent.Action.UPDATE,
        target="membership",
        target_id=instance.user_id,
        office_id=instance.office_id,
        removed=True,
    )
