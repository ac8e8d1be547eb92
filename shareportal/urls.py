"""Routes of the portal (the `web` process). The PDS routes live in `localpds.urls`."""

from django.urls import include, path

urlpatterns = [
    path("", include("shareportal.shares.urls")),
    path("e/", include("shareportal.shares.embed_urls", namespace="embed")),
    path("dashboard/", include("shareportal.dashboard.urls")),
]

handler400 = "shareportal.shares.views.bad_request"
handler404 = "shareportal.shares.views.page_not_found"
handler500 = "shareportal.shares.views.server_error"
