"""Share tokens: what `share_link/get_share_token` hands a visitor who knows the password.

A token is signed with the server's secret (django.core.signing, its own salt) and carries the
share id, its expiry and the share's `pwd_version`. It is checked against the share on every
use, so it stops working the moment the share is cancelled, disabled, expires or has its
password changed, not only when its own time runs out (docs/pds-api.md#share-tokens).
"""

import time

from django.core import signing

from . import listing
from .apierrors import PdsApiError
from .models import ShareLink
from .selectors import share_state_error

SALT = "localpds.share_token"
MAX_EXPIRE_SEC = 7200
# What `share_link/get_share_token` reads of a share to check the caller and issue a token
# (`share_token_issue`); the creator's id only, not the creator.
TOKEN_ISSUE_FIELDS = ("pwd_version", "share_pwd", "require_login", "creator")


def share_token_issue(*, share: ShareLink, expire_sec: int) -> tuple[str, int]:
    """A signed token for `share`; also returns its expiry in epoch seconds."""
    expires = int(time.time()) + expire_sec
    token = signing.dumps({"s": share.share_id, "v": share.pwd_version, "e": expires}, salt=SALT)
    return token, expires


def _invalid(reason: str) -> PdsApiError:
    return PdsApiError(401, "ShareLinkTokenInvalid", f"ShareLinkToken is invalid. {reason}")


def share_token_share(*, token: str, share_id: str) -> ShareLink:
    """The share a token opens, if it is ours, for this share, unexpired and still honoured."""
    if not token:
        raise _invalid("missing")
    try:
        claims = signing.loads(token, salt=SALT)
        token_share, version, expires = claims["s"], claims["v"], claims["e"]
    except (signing.BadSignature, KeyError, TypeError):
        raise _invalid("bad signature") from None
    if token_share != share_id:
        raise _invalid("it was issued for another share")
    if not isinstance(expires, int) or expires <= time.time():
        raise _invalid("expired")
    share = listing.token_share(share_id)
    if share is None or share_state_error(share) is not None:
        raise _invalid("the share is no longer available")
    if share.pwd_version != version:
        raise _invalid("the share password has changed")
    return share
