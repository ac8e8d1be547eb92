"""The cache and robots headers of every portal answer, set in one place.

The other security headers come from Django's own middleware, configured in settings:
ContentSecurityPolicyMiddleware (the CSP with its nonce) and SecurityMiddleware (nosniff,
Referrer-Policy, Cross-Origin-Opener-Policy).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PrivatePagesMiddleware:
    """Never stored, never indexed: share pages, the dashboard, problem and error pages alike.

    They hold what a sharer gave to a few people, or an owner's shares: no shared cache, browser
    history cache or search engine should keep them. Django's `never_cache` says more than we
    mean, so this sets exactly `no-store, private`. It sits inside WhiteNoise, so that static
    files keep their far-future caching, and it leaves a Cache-Control that a view set on
    purpose (none does today).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Cache-Control", "no-store, private")
        response.headers.setdefault("X-Robots-Tag", "noindex")
        return response
