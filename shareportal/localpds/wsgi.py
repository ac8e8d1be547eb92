"""WSGI entry point of the embedded PDS (the `pds` process).

It shares settings with the portal but serves only the PDS routes: the service is chosen before
the settings are read, so `ROOT_URLCONF` and the cookie names are the PDS's own.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ["SHAREPORTAL_SERVICE"] = "pds"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shareportal.settings")

application = get_wsgi_application()
