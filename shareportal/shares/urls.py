"""Public share URLs: `/s/<share_id>/`, its folders and its downloads."""

from django.urls import path, register_converter

from . import views
from .selectors import FILE_ID


class ShareIdConverter:
    """Share ids as PDS makes them (`../shared/pds-api.md` Part A item 8).

    Anything else never matches, so it gets our 404 without PDS being asked.
    """

    regex = "[A-Za-z0-9_-]{4,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FileIdConverter:
    """File ids: PDS's are `[a-z0-9]{1,50}`; this allows case, `_` and `-` too, never dots."""

    regex = FILE_ID.pattern

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ShareIdConverter, "share_id")
register_converter(FileIdConverter, "file_id")

app_name = "shares"
urlpatterns = [
    path("", views.home, name="home"),
    path("s/<share_id:share_id>/", views.share, name="share"),
    path("s/<share_id:share_id>/folder/<file_id:file_id>/", views.folder, name="folder"),
    path("s/<share_id:share_id>/download/<file_id:file_id>/", views.download, name="download"),
]
