"""Request types for annotations only: what the portal's middleware adds to `HttpRequest`.

django-htmx's pattern: `HtmxMiddleware` gives every request `request.htmx`, which Django's own
`HttpRequest` does not declare, so views and helpers that read it take an `HtmxHttpRequest`.
Nothing is ever an instance of this class; Django still passes its own requests.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
