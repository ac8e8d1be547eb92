"""WSGI entry point of the portal (the `web` process)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shareportal.settings")
os.environ.setdefault("SHAREPORTAL_SERVICE", "web")

application = get_wsgi_application()
