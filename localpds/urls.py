"""Routes of the embedded PDS (the `pds` process): OAuth, the `/v2/...` API, its data URLs.

The drive's URLconf (`ROOT_URLCONF` of `localpds.settings`); the portal's routes are in
another project, `shareportal.urls`.
"""

from django.urls import include, path

from . import views_data, views_uploads

urlpatterns = [
    # OAuth first: the API's catch-all answers unknown /v2/ paths with a JSON 404.
    path("", include("localpds.oauth_urls")),
    path("v2/", include("localpds.api_urls")),
    # Before the files' pattern, which would read "archives" as a file id.
    path(
        "data/uploads/<str:upload_id>/<int:part_number>",
        views_uploads.part_put,
        name="localpds-upload-part",
    ),
    path("data/archives/<str:async_task_id>", views_data.archive, name="localpds-archive"),
    path("data/<str:file_id>/<str:kind>", views_data.data, name="localpds-data"),
]

# The pds process answers its own 400s, 404s and 500s as PDS does: JSON with a request id.
handler400 = "localpds.apierrors.json_bad_request"
handler404 = "localpds.apierrors.json_not_found"
handler500 = "localpds.apierrors.json_server_error"
