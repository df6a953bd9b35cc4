"""Test settings: the real settings with a fast password hasher."""

from hikikomori.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Serve static files from the finders; no collectstatic needed for the live-server tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# TOTP verification waits longer after each wrong code; tests enter a right code right after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
