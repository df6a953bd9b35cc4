"""Two-factor login (TOTP): the one place that decides what a half-logged-in user may reach,
and the services that enrol, replace, verify and reset an authenticator.

A login is complete only when the second factor is verified for every user who has a confirmed
authenticator or whose role (or an admin's reset) requires one. Enrolment is possible only
without a confirmed device; replacing one needs a code from the current device; an admin may
reset a device, and its owner must then enrol again at the next login.
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.sessions.models import Session
from django.db import transaction
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .audit import audit
from .models import AuditEvent

PENDING_KEY = "two_factor_pending_key"


def has_confirmed_device(user) -> bool:
    cached = getattr(user, "_has_confirmed_device", None)
    if cached is None:
        cached = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._has_confirmed_device = cached
    return cached


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def pending_step(user) -> str | None:
    """The URL name of the second-factor step this user must pass first, or None."""
    if is_verified(user):
        return None
    if has_confirmed_device(user):
        return "two_factor_verify"
    if user.requires_two_factor:
        return "two_factor_setup"
    return None


def pending_device(request) -> TOTPDevice:
    """An unsaved device for the key shown on the setup page; the key lives in the session only."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = random_hex(20)
        request.session[PENDING_KEY] = key
    return TOTPDevice(user=request.user, name="default", key=key, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _matching_step(device: TOTPDevice, token: str) -> int | None:
    """The time step whose code `token` is (within the device's tolerance), or None."""
    try:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return totp.t() if totp.verify(int(token), device.tolerance) else None
    except (ValueError, TypeError, binascii.Error):
        return None


def current_device_accepts(user, token: str) -> bool:
    """A code of one of the user's confirmed devices (throttled by django-otp)."""
    return any(device.verify_token(token) for device in TOTPDevice.objects.filter(user=user, confirmed=True))


@transaction.atomic
def enrol(request, token: str, *, current_token: str = "") -> bool:
    """Confirm the pending key with a code from it; replace an existing device only after a
    code of that device. Returns False (nothing changed) when a code is wrong."""
    user = request.user
    replacing = has_confirmed_device(user)
    if replacing and not current_device_accepts(user, current_token):
        audit(
            AuditEvent.Action.LOGIN_FAILED,
            user=user,
            target="two_factor",
            request=request,
            step="current_device",
        )
        return False
    device = pending_device(request)
    used = _matching_step(device, token)
    if used is None:
        return False
    TOTPDevice.objects.filter(user=user).delete()
    device.last_t = used  # the code that confirmed the device cannot log in again
    device.confirmed = True
    device.save()
    del request.session[PENDING_KEY]
    user._has_confirmed_device = True
    otp_login(request, device)
    if replacing:
        audit(AuditEvent.Action.TWO_FACTOR_REENROL, user=user, target="two_factor", request=request)
    else:
        audit(AuditEvent.Action.TWO_FACTOR_ENROL, user=user, target="two_factor", request=request)
        audit(AuditEvent.Action.LOGIN, user=user, request=request, second_factor="enrolled")
    return True


def verify(request, token: str) -> bool:
    """The login's second step: a code of a confirmed device completes the login."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            audit(AuditEvent.Action.LOGIN, user=request.user, request=request, second_factor="verified")
            return True
    audit(AuditEvent.Action.LOGIN_FAILED, user=request.user, target="two_factor", request=request)
    return False


@transaction.atomic
def reset(user, *, by, request=None) -> int:
    """An admin removes a user's authenticators: the user must enrol at the next login, and
    every session of the user ends now."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    user.two_factor_required = True
    user.save(update_fields=["two_factor_required"])
    end_sessions(user)
    audit(
        AuditEvent.Action.TWO_FACTOR_RESET,
        user=by,
        target="user",
        target_id=user.pk,
        request=request,
        username=user.username,
        devices=removed,
    )
    return removed


def end_sessions(user) -> None:
    """Log the user out everywhere (database sessions)."""
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
