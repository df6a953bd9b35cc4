"""Audit entries for logins, logouts, failures and permission changes."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .audit import audit
from .middleware import AUTH_STARTED
from .models import AuditEvent, Membership, User


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_STARTED] = timezone.now().timestamp()
    audit(AuditEvent.Action.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(AuditEvent.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username: never the password, even masked.
    audit(AuditEvent.Action.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))[:150])


@receiver(m2m_changed, sender=User.groups.through)
def on_roles_changed(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        audit(AuditEvent.Action.UPDATE, target="permissions", target_id=instance.pk, change=action, groups=sorted(pk_set or []))


@receiver(post_save, sender=Membership)
def on_membership_saved(sender, instance, created, **kwargs):
    audit(AuditEvent.Action.UPDATE, target="membership", target_id=instance.user_id, office=instance.office.name, added=created)


@receiver(post_delete, sender=Membership)
def on_membership_removed(sender, instance, **kwargs):
    audit(AuditEvent.Action.UPDATE, target="membership", target_id=instance.user_id, office_id=instance.office_id, removed=True)
