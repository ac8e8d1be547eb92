"""The URL converters of the portal's ids: `<share_id:...>` and `<file_id:...>`.

Registered once here for both apps, with the shapes of `pds.ids`.
"""

from django.urls import register_converter

from shareportal.pds import ids


class ShareIdConverter:
    regex = ids.SHARE_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FileIdConverter:
    regex = ids.FILE_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ShareIdConverter, "share_id")
register_converter(FileIdConverter, "file_id")
