"""The language of the drive's own pages: sign-in, consent, sign-out and their errors.

Django's LocaleMiddleware (the switch's cookie, else Accept-Language, else English), for those
pages only: the API and the data URLs answer as the contract has them, in English and without
`Vary: Accept-Language`.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

PAGES_PREFIX = "/v2/oauth/"
# The token endpoint is called server to server and answers JSON.
NOT_PAGES = ("/v2/oauth/token",)


def is_page(path: str) -> bool:
    """Whether a request path is one of the drive's pages for people."""
    return path.startswith(PAGES_PREFIX) and not path.startswith(NOT_PAGES)


class PagesLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware on the drive's pages alone."""

    def process_request(self, request: HttpRequest) -> None:
        if is_page(request.path_info):
            super().process_request(request)
        else:
            # Whatever a page's request left active on this thread.
            translation.activate(settings.LANGUAGE_CODE)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if is_page(request.path_info):
            return super().process_response(request, response)
        return response
