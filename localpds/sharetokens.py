"""Share tokens: what `share_link/get_share_token` hands a visitor who knows the password.

A token is signed with the server's secret (django.core.signing, its own salt) and carries the
share id, its expiry and the share's `pwd_version`, and for a `require_login` share the user it
was issued to. It is checked against the share on every use, so it stops working the moment
the share is cancelled, disabled, expires or has its password changed, not only when its own
time runs out; a `require_login` share's token works only beside its user's Bearer token
(docs/pds-api.md#share-tokens).
"""

import time

from django.core import signing

from . import listing
from .apierrors import PdsApiError
from .models import ShareLink, User
from .selectors import share_state_error

SALT = "localpds.share_token"
MAX_EXPIRE_SEC = 7200
# What `share_link/get_share_token` reads of a share to check the caller and issue a token
# (`share_token_issue`); the creator's id only, not the creator.
TOKEN_ISSUE_FIELDS = ("pwd_version", "share_pwd", "require_login", "creator")


def share_token_issue(
    *, share: ShareLink, expire_sec: int, user: User | None = None
) -> tuple[str, int]:
    """A signed token for `share` (bound to `user`, if given); also returns its expiry."""
    expires = int(time.time()) + expire_sec
    claims: dict = {"s": share.share_id, "v": share.pwd_version, "e": expires}
    if user is not None:
        claims["u"] = user.user_id
    token = signing.dumps(claims, salt=SALT)
    return token, expires


def sign_in_required() -> PdsApiError:
    """A `require_login` share asked for without a valid Bearer token beside its share token."""
    return PdsApiError(
        401, "AccessTokenInvalid", "AccessToken is invalid. This share requires sign-in."
    )


def _invalid(reason: str) -> PdsApiError:
    return PdsApiError(401, "ShareLinkTokenInvalid", f"ShareLinkToken is invalid. {reason}")


def share_token_share(*, token: str, share_id: str, user: User | None = None) -> ShareLink:
    """The share a token opens, if it is ours, for this share, unexpired and still honoured.

    `user` is the caller's Bearer user, if any: a `require_login` share is refused without
    one (401 AccessTokenInvalid), and with another user than the token's (401
    ShareLinkTokenInvalid).
    """
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
    if share.require_login:
        if user is None:
            raise sign_in_required()
        if claims.get("u") != user.user_id:
            raise _invalid("it was issued to another user")
    return share
