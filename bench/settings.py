"""Settings for the benchmark: production settings (``DEBUG`` off, cached templates, no
debug query log), except that static files are served unhashed so no ``collectstatic`` is needed
and a throwaway ``SECRET_KEY`` is used when none is set. The database is ``DATABASE_URL``."""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")

from config.settings import *  # noqa: E402,F403
from config.settings import ALLOWED_HOSTS, STORAGES  # noqa: E402

DEBUG = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The in-process client talks to "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# WhiteNoise warns that STATIC_ROOT does not exist (no collectstatic); irrelevant here.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
