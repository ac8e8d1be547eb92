"""The `/v2/...` operations of the embedded PDS (see `api.py`), one path each, as PDS names them.

The last pattern answers every other `/v2/` path with a PDS-shaped JSON 404.
"""

from django.urls import path, re_path

from . import api, api_uploads

urlpatterns = [
    path("share_link/create", api.share_link_create),
    path("share_link/get", api.share_link_get),
    path("share_link/update", api.share_link_update),
    path("share_link/cancel", api.share_link_cancel),
    path("share_link/list", api.share_link_list),
    path("share_link/search", api.share_link_search),
    path("share_link/get_by_anonymous", api.share_link_get_by_anonymous),
    path("share_link/get_share_token", api.share_link_get_share_token),
    path("share_link/get_share_id", api.share_link_get_share_id),
    path("share_link/report_event", api.share_link_report_event),
    path("file/list", api.file_list),
    path("file/get", api.file_get),
    path("file/get_download_url", api.file_get_download_url),
    path("file/search", api.file_search),
    path("file/archive_files", api.file_archive_files),
    path("file/copy", api.file_copy),
    path("file/create", api_uploads.file_create),
    path("file/get_upload_url", api_uploads.file_get_upload_url),
    path("file/list_uploaded_parts", api_uploads.file_list_uploaded_parts),
    path("file/complete", api_uploads.file_complete),
    path("async_task/get", api.async_task_get),
    path("user/get", api.user_get),
    path("drive/list_my_drives", api.drive_list_my_drives),
    path("drive/get_default_drive", api.drive_get_default_drive),
    re_path(r"^(?P<path>.*)$", api.unknown_path),
]
