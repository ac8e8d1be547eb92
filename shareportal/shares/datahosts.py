"""Which hosts may serve a share's bytes: the signed data URLs PDS hands out."""

from urllib.parse import urlsplit

from django.conf import settings


def data_url_trusted(url: str) -> bool:
    """Whether `url` is on one of `PDS_DATA_ORIGINS`, compared exactly (scheme, host, port).

    The whole authority is compared, so `https://trusted@evil.example` or a different port does
    not pass for a trusted host.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return origin in {o.rstrip("/").lower() for o in settings.PDS_DATA_ORIGINS}
