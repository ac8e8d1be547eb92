"""WSGI entry point of the portal (the `web` process): `gunicorn shareportal.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shareportal.settings")

application = get_wsgi_application()
