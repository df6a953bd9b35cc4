"""Signing in and staying signed in, in as few queries as a request can.

- `Backend`: Django's model backend, except that the user of each request is read with their
  roles and whether they have a confirmed authenticator (one query instead of three).
- `SessionStore`: Django's database sessions, remembering the expiry they were read with, so
  that an unchanged session is written again only when its idle timeout has moved by a minute
  (hikikomori.middleware.SessionMiddleware), not on every page."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db.models import Exists, OuterRef, StringAgg, Value
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

ROLE_SEPARATOR = "\n"


class Backend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.annotate(
                role_names=StringAgg("groups__name", delimiter=Value(ROLE_SEPARATOR), default=Value("")),
                confirmed_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        user._role_cache = {name for name in user.role_names.split(ROLE_SEPARATOR) if name}
        user._has_confirmed_device = user.confirmed_device
        return user if self.user_can_authenticate(user) else None


class SessionStore(DatabaseSessionStore):
    stored_expiry = None

    def _get_session_from_db(self):
        session = super()._get_session_from_db()
        self.stored_expiry = session.expire_date if session is not None else None
        return session
