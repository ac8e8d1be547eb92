"""The shape of a web origin that may frame the embed view: one rule for settings and forms."""

from urllib.parse import urlsplit

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def origin_parse(text: str) -> str:
    """`https://host[:port]`, lower-cased and without a default port, or ValueError saying why.

    Only https: a host page on plain http could be rewritten on the way to frame anything, and
    the embed view's cookies are `Secure`. A path, query or wildcard is refused rather than
    trimmed, so that what the owner reads is what the browser enforces. The message is lazy:
    settings use this before translations can be loaded.
    """
    value = text.strip().rstrip("/")
    if "*" in value:
        raise ValueError(format_lazy(_("{}: wildcards are not allowed."), value))
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(format_lazy(_("{} is not a web address."), value)) from None
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(
            format_lazy(
                _("{}: give the site's address with https://, like https://example.com."), value
            )
        )
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(
            format_lazy(_("{}: give the site alone (https://example.com), without a path."), value)
        )
    host = parts.hostname.lower()
    if ":" in host:  # An IPv6 literal keeps its brackets in an origin.
        host = f"[{host}]"
    return f"https://{host}" if port in (None, 443) else f"https://{host}:{port}"
