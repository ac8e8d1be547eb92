"""WSGI entry point of the drive: `gunicorn localpds.wsgi:application` (`pds` in the Procfile)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localpds.settings")

application = get_wsgi_application()
