"""What a share's link shows where it is pasted: its canonical address, Open Graph and Twitter
card tags, and the address of its preview image.

A share anyone may open (no password, no code, no sign-in) shows its name, description and
first image. A share with a password or a share code, or behind a sign-in, shows a generic
title alone: the people a link is pasted to, and the services that unfurl it, must learn
nothing that the password or the code guards.
"""

from typing import NamedTuple

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shareportal.display import shown_name
from shareportal.pds.types import AnonymousShare

SITE_NAME = "shareportal"
# Unfurlers show about two lines of a description; Open Graph advises short ones.
DESCRIPTION_MAX_CHARS = 200


def share_page_url(share_id: str) -> str:
    """The canonical address of a share's landing page, as visitors are given it.

    Never with a token or a password: the address is the share's alone.
    """
    return f"{settings.PUBLIC_BASE_URL}{reverse('shares:share', args=[share_id])}"


def og_image_url(share_id: str) -> str:
    """The stable absolute address of a share's preview image (`og:image`, oEmbed thumbnail).

    It redirects to a fresh signed thumbnail of the share's first image (`views.og_image`),
    or answers 404 when there is none, or when the share has a password or needs a sign-in.
    """
    return f"{settings.PUBLIC_BASE_URL}{reverse('shares:og_image', args=[share_id])}"


def share_is_public(share: AnonymousShare) -> bool:
    """Whether anyone holding the link may see the share's files: no password, no share code
    (a `msg` share's code is its secret), no sign-in."""
    return not share.has_pwd and not share.needs_code and not share.require_login


class Unfurl(NamedTuple):
    """The link preview of a share: plain text, escaped by the template."""

    url: str
    title: str
    description: str
    image: str  # "" for none


def share_unfurl(share: AnonymousShare) -> Unfurl:
    """The tags of a share's landing page; a guarded share's name and files never appear."""
    url = share_page_url(share.share_id)
    if not share_is_public(share):
        return Unfurl(
            url=url,
            title=_("A shared file on %(site)s") % {"site": SITE_NAME},
            description=_("Open the link to see what was shared."),
            image="",
        )
    description = " ".join(shown_name(share.description).split())
    if not description and share.file_count is not None:
        description = ngettext(
            "%(count)d item shared on %(site)s",
            "%(count)d items shared on %(site)s",
            share.file_count,
        ) % {"count": share.file_count, "site": SITE_NAME}
    return Unfurl(
        url=url,
        title=shown_name(share.share_name),
        description=Truncator(description).chars(DESCRIPTION_MAX_CHARS),
        # Without previews there is no thumbnail to show (the address would answer 404).
        image="" if share.disable_preview else og_image_url(share.share_id),
    )
