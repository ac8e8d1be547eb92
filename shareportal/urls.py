"""Routes of the portal (the `web` process). The PDS routes live in `localpds.urls`."""

from django.urls import include, path

from shareportal import languages

urlpatterns = [
    path("", include("shareportal.shares.urls")),
    path("e/", include("shareportal.shares.embed_urls", namespace="embed")),
    path("dashboard/", include("shareportal.dashboard.urls")),
    path("language/", languages.language_set, name="language_set"),
]

handler400 = "shareportal.shares.views.bad_request"
handler404 = "shareportal.shares.views.page_not_found"
handler500 = "shareportal.shares.views.server_error"
