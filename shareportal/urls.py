"""Routes of the portal (the `web` process). The PDS routes live in `localpds.urls`."""

from django.urls import include, path

urlpatterns = [
    path("", include("shareportal.shares.urls")),
]
