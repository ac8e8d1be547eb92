"""Routes of the embedded PDS (the `pds` process): the `/v2/...` API and its data URLs."""

from django.urls import path

from . import views_data

urlpatterns = [
    path("data/<str:file_id>/<str:kind>", views_data.data, name="localpds-data"),
]
