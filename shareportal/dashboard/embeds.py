"""What the dashboard's "Embed" page shows of a share: its snippet, sizes and preview."""

from django.conf import settings

from shareportal.pds.types import ShareLink
from shareportal.shares.embedding import (
    DEFAULT_SIZE,
    SIZES,
    embed_origins,
    embed_snippet,
    embed_url,
)

# An optional few lines for the host page: size the iframe to the height the embed view
# reports, and believe only messages from the portal's own origin.
LISTENER = """<script>
addEventListener("message", (event) => {
  if (event.origin !== "%(origin)s" || event.data?.type !== "shareportal:height") return;
  for (const frame of document.querySelectorAll('iframe[src^="%(origin)s/e/"]')) {
    if (frame.contentWindow === event.source) frame.height = event.data.height;
  }
});
</script>"""


def embed_snippet_ctx(share: ShareLink, *, size: str) -> dict:
    """The snippet in the chosen preset (`?size=`, the default otherwise) and what goes with it."""
    chosen = SIZES.get(size, DEFAULT_SIZE)
    origin = settings.PUBLIC_BASE_URL
    return {
        "embedding_on": bool(settings.EMBED_ALLOWED_ORIGINS),
        "deployment_origins": settings.EMBED_ALLOWED_ORIGINS,
        "embeddable": bool(embed_origins(share.share_id)),
        "sizes": [(key, value, value == chosen) for key, value in SIZES.items()],
        "size": chosen,
        "embed_url": embed_url(share.share_id),
        "snippet": embed_snippet(
            share_id=share.share_id, title=share.share_name or share.share_id, size=chosen
        ),
        "listener": LISTENER % {"origin": origin},
        "https": origin.startswith("https://"),
    }
