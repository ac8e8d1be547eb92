"""Which hosts may serve a share's bytes: the signed data URLs PDS hands out."""

from urllib.parse import urlsplit

from django.conf import settings


def data_origins() -> frozenset[str]:
    """The trusted origins (`PDS_DATA_ORIGINS`), as `data_url_trusted` compares them."""
    return frozenset(o.rstrip("/").lower() for o in settings.PDS_DATA_ORIGINS)


def data_url_trusted(url: str, *, origins: frozenset[str] | None = None) -> bool:
    """Whether `url` is on one of `PDS_DATA_ORIGINS`, compared exactly (scheme, host, port).

    The whole authority is compared, so `https://trusted@evil.example` or a different port does
    not pass for a trusted host. A listing checks many URLs: it passes `data_origins()` once.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return origin in (data_origins() if origins is None else origins)
