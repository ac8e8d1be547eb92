"""The embed view, `/e/<share_id>/...`: the share pages' own views, framed (see embedding.py).

A second instance (`embed`) of the `shares` namespace, so that `reverse("shares:share", ...,
current_app=...)` made inside it stays inside it.
"""

from django.urls import path

from shareportal import converters  # noqa: F401  (registers <share_id:> and <file_id:>)

from . import upload_views, views
from .embedding import embeddable

app_name = "shares"
urlpatterns = [
    path("<share_id:share_id>/", embeddable(views.share), name="share"),
    path("<share_id:share_id>/folder/<file_id:file_id>/", embeddable(views.folder), name="folder"),
    path("<share_id:share_id>/file/<file_id:file_id>/", embeddable(views.file), name="file"),
    path("<share_id:share_id>/search/", embeddable(views.search), name="search"),
    path(
        "<share_id:share_id>/download/<file_id:file_id>/",
        embeddable(views.download),
        name="download",
    ),
    # ZIP downloads inside the frame: the iframe's sandbox allows its forms and downloads.
    path("<share_id:share_id>/zip/", embeddable(views.zip_start), name="zip_start"),
    # Uploads from inside the frame: JSON POSTs with the embed view's own CSRF cookie.
    path("<share_id:share_id>/upload/", embeddable(upload_views.upload_start), name="upload_start"),
    path(
        "<share_id:share_id>/upload/complete/",
        embeddable(upload_views.upload_complete),
        name="upload_complete",
    ),
    path("<share_id:share_id>/zip/<str:ref>/", embeddable(views.zip_progress), name="zip"),
    path("<share_id:share_id>/zip/<str:ref>/file/", embeddable(views.zip_file), name="zip_file"),
]
