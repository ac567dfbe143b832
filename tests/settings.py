"""Test settings: the real settings, with background jobs run inline and a fast password hasher."""

import os

from parcelhub.settings import *  # noqa: F403
from parcelhub.settings import DATABASES, HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Parallel PostgreSQL runs on one server each need their own test database.
if os.environ.get("PARCELHUB_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["PARCELHUB_TEST_DB"]}
