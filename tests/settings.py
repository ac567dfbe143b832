"""Test settings: the real settings, with background jobs run inline and a fast password hasher."""

from parcelhub.settings import *  # noqa: F403
from parcelhub.settings import HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
