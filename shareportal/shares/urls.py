"""Public share URLs: `/s/<share_id>/`, its folders and its downloads."""

from django.urls import path

from shareportal import converters  # noqa: F401  (registers <share_id:> and <file_id:>)

from . import upload_views, views

app_name = "shares"
urlpatterns = [
    path("", views.home, name="home"),
    path("oembed", views.oembed, name="oembed"),
    path("open/", views.open_by_code, name="open"),
    path("s/<share_id:share_id>/", views.share, name="share"),
    path("s/<share_id:share_id>/qr.svg", views.qr, name="qr"),
    path("s/<share_id:share_id>/og-image", views.og_image, name="og_image"),
    path("s/<share_id:share_id>/folder/<file_id:file_id>/", views.folder, name="folder"),
    path("s/<share_id:share_id>/file/<file_id:file_id>/", views.file, name="file"),
    path("s/<share_id:share_id>/search/", views.search, name="search"),
    # Signing in and saving into one's own drive: top-level pages only, never in the embed
    # view (the drive's sign-in pages cannot be framed, and the frame's cookies are its own).
    path("s/<share_id:share_id>/signin/", views.signin, name="signin"),
    path("s/<share_id:share_id>/save/", views.save, name="save"),
    path("s/<share_id:share_id>/save/<str:ref>/", views.saved, name="saved"),
    path("s/<share_id:share_id>/download/<file_id:file_id>/", views.download, name="download"),
    path("s/<share_id:share_id>/zip/", views.zip_start, name="zip_start"),
    path("s/<share_id:share_id>/upload/", upload_views.upload_start, name="upload_start"),
    path(
        "s/<share_id:share_id>/upload/complete/",
        upload_views.upload_complete,
        name="upload_complete",
    ),
    path("s/<share_id:share_id>/zip/<str:ref>/", views.zip_progress, name="zip"),
    path("s/<share_id:share_id>/zip/<str:ref>/file/", views.zip_file, name="zip_file"),
]
