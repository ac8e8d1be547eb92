"""What the portal remembers about the shares visitors open, and how it changes.

A visitor of a share without a password needs no state of their own, so they get none: no
session, no cookie, no per-visitor cache entry. What every visitor of a share sees alike lives
in the shared cache (`CACHES["default"]`, seen by every worker and, with Redis, every
instance), keyed by share:
- `share-public:<share_id>`: its public facts (`get_by_anonymous`), at most
  `SHARE_PUBLIC_CACHE_SECONDS` old, for the landing page and the facts every page needs (its
  name, whether it has a password, what is allowed), so that a folder page costs one PDS call;
- `share-token:<share_id>`: `{"token", "expires_at"}`, the share token of a share without a
  password, got once for everyone (anyone may get one with an empty password);
- `share-folders:<share_id>`: `{file_id: [name, parent_id]}` of the folders listed so far, so
  that breadcrumbs are built without asking PDS again. `parent_id` is None at the share's top.
  Only a visitor whose listing of the share succeeded is shown breadcrumbs, so a password
  share's folder names reach no one who has not unlocked it.

The session (on the server; only its key travels in the cookie) holds what is one visitor's
alone: `share_tokens[share_id]`, the token a visitor got with a share's password, or for a
`require_login` share the token the drive issued to the signed-in visitor; and the visitor's
own drive sign-in (`shareportal.accounts.session`, the dashboard's), whose access token goes
along with every call to a `require_login` share. No token reaches the browser, a URL or a log
line.

The reads of `selectors.py` need a share token and teach us folders, so the views run them
through the services here (`folder_page_open`, `breadcrumbs_walk`, `download_url_get`), which
keep what is remembered up to date; the selectors themselves never touch it.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from shareportal.accounts import oauth
from shareportal.accounts.session import OWNER_KEY, Owner, SignInRequired, owner_of
from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.types import AnonymousShare, DownloadUrl, FileItem, Page, SearchHit

from . import rendering, selectors, sharedcache, stale, throttling
from .datahosts import data_url_trusted
from .selectors import ShareFacts

# A held token is used until this many seconds before PDS said it ends, so that it does not
# expire between our check and PDS's.
TOKEN_MARGIN = 60
# Folders remembered per share; a visitor walking a huge tree must not grow the entry forever.
MAX_FOLDERS_PER_SHARE = 2000
# How long the folders of a share are remembered after the last new one was seen: a renamed
# folder's old name can show in breadcrumbs that long (each visitor's session kept them for
# its whole life before).
FOLDERS_CACHE_SECONDS = 60 * 60


# Deeper than any real tree; it only stops a walk that PDS would send round in circles.
MAX_DEPTH = 64


class SignInNeeded(Exception):
    """The share is only for users signed in to the drive, and this visitor is not (any more)."""


def visitor_of(request: HttpRequest) -> Owner | None:
    """The drive user signed in in this session (on a share page or the dashboard), or None."""
    return owner_of(request)


def visitor_forget(*, request: HttpRequest) -> None:
    """Forget a sign-in the drive no longer renews, so that the pages offer signing in again.

    Only the sign-in: the share tokens of the session stay (they are the drive's to refuse).
    """
    request.session.pop(OWNER_KEY, None)


def visitor_signin_start(*, request: HttpRequest, next_url: str) -> str:
    """The drive's sign-in page for a visitor, who comes back to `next_url` (already checked)."""
    return oauth.signin_start(request=request, next_url=next_url)


@dataclass(frozen=True)
class Crumb:
    file_id: str
    name: str


def _open_token_key(share_id: str) -> str:
    return f"share-token:{share_id}"


def _folders_key(share_id: str) -> str:
    return f"share-folders:{share_id}"


def _shared_get(share_id: str) -> AnonymousShare:
    """The share's public facts fresh from PDS, kept in the shared cache for every visitor.

    Kept `STALE_IF_ERROR_SECONDS` if that is longer, with the time they were read, so that they
    can stand in while the drive fails (`stale.landing_share_stale`).
    """
    read_at = time.time()
    try:
        shared = selectors.share_get(share_id=share_id)
    except stale.SHARE_REFUSALS:
        stale.share_refused(share_id=share_id)
        raise
    keep = max(settings.SHARE_PUBLIC_CACHE_SECONDS, settings.STALE_IF_ERROR_SECONDS)
    sharedcache.set(stale.public_key(share_id), (read_at, shared), keep)
    return shared


def _public_fresh(share_id: str) -> AnonymousShare | None:
    """The share's public facts from the shared cache, if read `SHARE_PUBLIC_CACHE_SECONDS` ago
    or less."""
    cached = sharedcache.get(stale.public_key(share_id))
    if (
        isinstance(cached, tuple)
        and len(cached) == 2
        and isinstance(cached[1], AnonymousShare)
        and time.time() - cached[0] < settings.SHARE_PUBLIC_CACHE_SECONDS
    ):
        return cached[1]
    return None


def share_for_landing(*, request: HttpRequest, share_id: str) -> AnonymousShare:
    """What the landing page shows of a share (`get_by_anonymous`), fresh or recently read.

    These facts are the same for every visitor, so a visitor who holds a share token (theirs,
    or the one every visitor of a share without a password uses) gets them from the shared
    cache, at most `SHARE_PUBLIC_CACHE_SECONDS` old: the listing on the same page asks PDS with
    that token, and the embedded drive ends a share's tokens on a cancel, an expiry, a disable
    or a password change, so those still win at once. A new name, description, expiry date,
    switch or counter can show that much later; PDS enforces them all the same. Without a
    token (the password form, a first visit) they are read fresh. While the drive fails, a
    token holder may be shown them up to `STALE_IF_ERROR_SECONDS` old (see `stale`), which is
    why the cache keeps them that long with the time they were read.
    """
    held = _session_token(request, share_id) or _open_token(share_id)
    if held:
        cached = _public_fresh(share_id)
        if cached is not None:
            return cached
    try:
        return _shared_get(share_id)
    except errors.DRIVE_FAILURES:
        shown = stale.landing_share_stale(share_id=share_id) if held else None
        if shown is None:
            raise
        return shown


def share_facts_get(*, share_id: str) -> ShareFacts:
    """The facts of a share: from the shared cache, or from PDS (`get_by_anonymous`).

    At most `SHARE_PUBLIC_CACHE_SECONDS` old, like the landing page's; a share that gained a
    password since is caught by its listing, which the drive then refuses. While the drive
    fails, the last facts read stand in as on the landing page: the listing, or its stale copy
    read with the visitor's token, still decides what is shown.
    """
    shared = _public_fresh(share_id)
    if shared is None:
        try:
            shared = _shared_get(share_id)
        except errors.DRIVE_FAILURES:
            shown = stale.landing_share_stale(share_id=share_id)
            if shown is None:
                raise
            shared = shown
    return ShareFacts.of(shared)


def _still_good(held: object) -> str:
    """The token of a `{"token", "expires_at"}` record, or "" when it ends too soon."""
    if not isinstance(held, dict) or held.get("expires_at", 0) - TOKEN_MARGIN <= time.time():
        return ""
    return held.get("token", "")


def _session_token(request: HttpRequest, share_id: str) -> str:
    # A visitor without a session cookie has an empty session: reading it costs nothing.
    return _still_good(request.session.get("share_tokens", {}).get(share_id))


def _open_token(share_id: str) -> str:
    return _still_good(sharedcache.get(_open_token_key(share_id)))


def share_token_held(*, request: HttpRequest, share_id: str) -> str:
    """The token this visitor got with the share's password, or "" when none is still good."""
    return _session_token(request, share_id)


def _share_token_keep(*, request: HttpRequest, share_id: str, token: str, expires_in: int) -> None:
    section = request.session.get("share_tokens")
    if not isinstance(section, dict):
        section = request.session["share_tokens"] = {}
    section[share_id] = {"token": token, "expires_at": int(time.time()) + expires_in}
    request.session.modified = True


def share_token_forget(*, request: HttpRequest, share_id: str) -> None:
    """Drop the tokens held for the share, the visitor's and the shared one: PDS ended them."""
    section = request.session.get("share_tokens", {})
    if share_id in section:
        del section[share_id]
        request.session.modified = True
    sharedcache.delete(_open_token_key(share_id))


def share_changed(*, share_id: str) -> None:
    """Its owner changed, disabled or cancelled the share: forget what every visitor shares.

    Its facts, the open token and its folders are read again from the drive, and no copy
    read before now stands in for a failing drive (`stale.share_refused`), from any worker or
    instance: a cancelled share, or one that gained a password, is never shown from a copy.
    """
    for key in (stale.public_key(share_id), _open_token_key(share_id), _folders_key(share_id)):
        sharedcache.delete(key)
    stale.share_refused(share_id=share_id)


def share_unlock(*, request: HttpRequest, share_id: str, password: str) -> str:
    """Get a share token with `password`, keep it in the visitor's session and return it.

    Raises `SharePasswordWrong` when the password is not the share's.
    """
    # The visitor's address goes along, so the drive's guard counts them, not all of us.
    address = throttling.client_address(request)
    visitor = visitor_of(request)
    if visitor is None:
        try:
            token = get_client().get_share_token(share_id, password, client_address=address)
        except errors.AccessTokenInvalid as exc:
            # The share is for users signed in to the drive (`require_login`): a share code
            # found it, and nothing said so before.
            raise SignInNeeded from exc
    else:
        # A signed-in visitor's access token goes along: a `require_login` share needs it.
        try:
            token = visitor.call(
                lambda token: get_client().get_share_token(
                    share_id, password, client_address=address, access_token=token
                )
            )
        except SignInRequired as exc:
            visitor_forget(request=request)
            raise SignInNeeded from exc
    # A new session key once a password is proven, so that a session id planted in the
    # visitor's browser beforehand does not share what they unlocked.
    request.session.cycle_key()
    _share_token_keep(
        request=request, share_id=share_id, token=token.share_token, expires_in=token.expires_in
    )
    return token.share_token


def share_unlock_throttled(*, request: HttpRequest, share_id: str, password: str) -> str:
    """`share_unlock` behind the password throttle: the attempt counts before PDS is asked.

    Raises `throttling.Throttled` or `throttling.ThrottleUnavailable` without asking PDS, and
    `SharePasswordWrong`, recorded for the owner, when the password is not the share's. A
    right password gives its attempt back. Any other failure keeps it counted: the drive may
    have checked the password before failing.
    """
    address = throttling.client_address(request)
    reservation = throttling.password_attempt_reserve(address=address, share_id=share_id)
    try:
        token = share_unlock(request=request, share_id=share_id, password=password)
    except errors.SharePasswordWrong:
        throttling.password_failure_record(address=address, share_id=share_id)
        raise
    throttling.attempt_release(reservation)
    return token


class CodeNotThisShares(Exception):
    """A right share code, of another share than the one whose page it was typed on."""


class CodeNeedsSignIn(SignInNeeded):
    """A right share code, of a share for signed-in users only, and the visitor is not."""

    def __init__(self, share_id: str) -> None:
        super().__init__(share_id)
        self.share_id = share_id


def share_open_by_code(*, request: HttpRequest, code: str, share_id: str = "") -> str:
    """Open the share a share code (`share_msg`) stands for; return its id.

    Behind the throttle like a password (`throttling.code_attempt_reserve`: counted before
    the drive is asked, given back when the code was right). The drive answers the share and
    its password (`get_share_id`); the password goes straight into `get_share_token` here and
    the token into the visitor's session, like one got with the password form: neither
    reaches the browser. `share_id` given (the code form of that share's page): a code of
    another share is refused with `CodeNotThisShares`, and nothing of that share is opened.

    Raises `throttling.Throttled` or `throttling.ThrottleUnavailable` without asking the
    drive, `ShareNotFound` for a code no share has, `RateLimited` while the drive's own guard
    makes this visitor wait, `CodeNeedsSignIn` for a share only signed-in users may open when
    the visitor is not (or no longer) signed in, and the share-state errors of its share.
    """
    address = throttling.client_address(request)
    reservation = throttling.code_attempt_reserve(address=address)
    found = get_client().get_share_id(code, client_address=address)
    throttling.attempt_release(reservation)
    if share_id and found.share_id != share_id:
        raise CodeNotThisShares(found.share_id)
    try:
        share_unlock(request=request, share_id=found.share_id, password=found.share_pwd)
    except SignInNeeded as exc:
        raise CodeNeedsSignIn(found.share_id) from exc
    return found.share_id


def _open_token_get(request: HttpRequest, share_id: str) -> str:
    """A new token of a share without a password, kept in the shared cache for every visitor.

    Anyone may get it with an empty password, so sharing it gives no one more than they could
    have; keeping it in no session is what spares a cookie-less visitor any state.
    """
    address = throttling.client_address(request)
    token = get_client().get_share_token(share_id, "", client_address=address)
    # The cache forgets it when PDS would stop taking it; `_still_good` stops a minute sooner.
    sharedcache.set(
        _open_token_key(share_id),
        {"token": token.share_token, "expires_at": int(time.time()) + token.expires_in},
        max(1, token.expires_in),
    )
    return token.share_token


def share_token_get(*, request: HttpRequest, facts: ShareFacts) -> str:
    """The token to read the share with: the visitor's, or for a share without a password the
    shared one (got now if none is held).

    Raises `SharePasswordRequired` when the share has a password, or is opened by its code,
    and no token is held.
    """
    token = _session_token(request, facts.share_id)
    if token:
        return token
    if facts.locked:
        raise errors.SharePasswordRequired("no share token held")
    return _open_token(facts.share_id) or _open_token_get(request, facts.share_id)


def _login_token_get(request: HttpRequest, share_id: str, access_token: str) -> str:
    """A new token of a `require_login` share for the signed-in visitor, kept in their session.

    The drive binds it to its user, so it is never shared with other visitors.
    """
    address = throttling.client_address(request)
    token = get_client().get_share_token(
        share_id, "", client_address=address, access_token=access_token
    )
    _share_token_keep(
        request=request, share_id=share_id, token=token.share_token, expires_in=token.expires_in
    )
    return token.share_token


def _signed_in_token(request: HttpRequest, facts: ShareFacts, access_token: str) -> str:
    """The share token a signed-in visitor reads the share with (got now if need be)."""
    if not facts.require_login:
        return share_token_get(request=request, facts=facts)
    share_token = _session_token(request, facts.share_id)
    if share_token:
        return share_token
    if facts.locked:
        raise errors.SharePasswordRequired("no share token held")
    return _login_token_get(request, facts.share_id, access_token)


def _fresh_token(request: HttpRequest, facts: ShareFacts, access_token: str) -> str:
    if facts.require_login:
        return _login_token_get(request, facts.share_id, access_token)
    return share_token_get(request=request, facts=facts)


def signed_in_share_call[T](
    *, request: HttpRequest, facts: ShareFacts, call: Callable[[str, str], T]
) -> T:
    """Run `call(share_token, access_token)` with the signed-in visitor's access token.

    For a `require_login` share (every call) and for saving into the visitor's drive (any
    share). Their access token is renewed as the dashboard's is (`Owner.call`); a sign-in
    that can no longer be renewed, or none at all, is `SignInNeeded`. A share token PDS no
    longer takes is replaced once, as in `share_call`.
    """
    visitor = visitor_of(request)
    if visitor is None:
        raise SignInNeeded

    def attempt(*, token: str) -> T:
        share_token = _signed_in_token(request, facts, token)
        try:
            return call(share_token, token)
        except errors.ShareTokenInvalid:
            share_token_forget(request=request, share_id=facts.share_id)
            if facts.locked:
                raise
        try:
            return call(_fresh_token(request, facts, token), token)
        except errors.ShareTokenInvalid as exc:
            share_token_forget(request=request, share_id=facts.share_id)
            raise errors.Unavailable("PDS refused a share token it had just issued") from exc

    try:
        return visitor.call(attempt)
    except SignInRequired as exc:
        visitor_forget(request=request)
        raise SignInNeeded from exc


def share_call[T](*, request: HttpRequest, facts: ShareFacts, call: Callable[[str, str], T]) -> T:
    """Run `call(share_token, access_token)`, recovering once if PDS says the token is no
    longer valid.

    `access_token` is "" except for a `require_login` share, where it is the signed-in
    visitor's (`signed_in_share_call`).

    PDS may end a token early. Without a password a new one is fetched silently and the call
    retried once (if the share has gained a password meanwhile, PDS refuses the empty one and
    the visitor goes to the form); with one, `ShareTokenInvalid` goes up so that the visitor
    is asked again.
    """
    if facts.require_login:
        return signed_in_share_call(request=request, facts=facts, call=call)
    token = share_token_get(request=request, facts=facts)
    try:
        return call(token, "")
    except errors.ShareTokenInvalid:
        share_token_forget(request=request, share_id=facts.share_id)
        if facts.locked:
            raise
    try:
        return call(share_token_get(request=request, facts=facts), "")
    except errors.ShareTokenInvalid as exc:
        # A token fresh from PDS refused at once: asking the visitor cannot help, and sending
        # them back to the landing page would loop.
        share_token_forget(request=request, share_id=facts.share_id)
        raise errors.Unavailable("PDS refused a share token it had just issued") from exc


def folders_remember(*, share_id: str, folders: dict[str, tuple[str, str | None]]) -> None:
    """Remember folders of the share: `{file_id: (name, parent_id)}`, parent None at the top.

    Written only when a folder is new or changed, so a page of folders already known costs
    one read. Two workers learning different folders at once may keep one's alone: the other
    folders cost a `file/get` later, nothing worse.
    """
    key = _folders_key(share_id)
    known = folders_known(share_id=share_id)
    new = {k: list(v) for k, v in folders.items() if known.get(k) != list(v)}
    if not new:
        return
    known.update(new)
    # Dicts keep insertion order, so the folders seen longest ago go first.
    for oldest in list(known)[: max(0, len(known) - MAX_FOLDERS_PER_SHARE)]:
        del known[oldest]
    sharedcache.set(key, known, FOLDERS_CACHE_SECONDS)


def folders_remember_listed(*, share_id: str, items: list[FileItem], parent_id: str | None) -> None:
    """Remember the folders among `items`, listed inside `parent_id` (None: the share's top)."""
    folders = {item.file_id: (item.name, parent_id) for item in items if item.is_folder}
    if folders:
        folders_remember(share_id=share_id, folders=folders)


def folders_known(*, share_id: str) -> dict[str, list]:
    """The folders of the share seen so far: `{file_id: [name, parent_id]}`."""
    known = sharedcache.get(_folders_key(share_id))
    return known if isinstance(known, dict) else {}


def folder_page_open(
    *,
    request: HttpRequest,
    facts: ShareFacts,
    folder_id: str | None,
    sort: str,
    direction: str,
    marker: str,
) -> Page[FileItem]:
    """One page of a folder of the share (`folder_id` None: the share's top items).

    The folders on the page are remembered in the shared cache, so that opening one of them
    later needs no extra call for its breadcrumbs. While the drive fails, the page may be the
    copy last read with the same token (`stale.StalePage`, with its age).
    """
    # The order and page of the listing, which name its stale copy with the token.
    parts = (folder_id or "", sort, direction, marker)
    page = share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: stale.listing_get(
            share_id=facts.share_id,
            token=token,
            parts=parts,
            fetch=lambda: selectors.folder_page(
                share_id=facts.share_id,
                token=token,
                access_token=access_token,
                folder_id=folder_id,
                sort=sort,
                direction=direction,
                marker=marker,
            ),
        ),
    )
    folders_remember_listed(share_id=facts.share_id, items=page.items, parent_id=folder_id)
    return page


@dataclass(frozen=True)
class Landing:
    """What a landing page lists: the share's top items, or the contents of its one folder."""

    page: Page[FileItem]
    folder: Crumb | None  # the share's one folder, opened on its landing page; None: the top


def landing_page_open(
    *, request: HttpRequest, facts: ShareFacts, sort: str, direction: str, marker: str
) -> Landing:
    """One page of what the landing page lists: a share of one folder opens into it.

    A visitor who opens a share of one folder wants its files, not a list of one folder to
    click. The drive counts the share's top items (`file_count`); when that is one, the top
    is listed once to learn whether it is a folder, and remembered with the share's folders,
    so later pages list the folder straight away.
    """
    order = {"sort": sort, "direction": direction, "marker": marker}
    folder = single_folder_known(facts=facts)
    if folder is None and facts.single_item:
        top = folder_page_open(request=request, facts=facts, folder_id=None, **order)
        only = top.items[0] if len(top.items) == 1 and not marker else None
        if only is None or not only.is_folder:
            return Landing(page=top, folder=None)
        folder = Crumb(file_id=only.file_id, name=only.name)
    if folder is None:
        return Landing(
            page=folder_page_open(request=request, facts=facts, folder_id=None, **order),
            folder=None,
        )
    page = folder_page_open(request=request, facts=facts, folder_id=folder.file_id, **order)
    return Landing(page=page, folder=folder)


def single_folder_known(*, facts: ShareFacts) -> Crumb | None:
    """The one folder of a share of one folder, if it has been seen listed; else None."""
    if not facts.single_item:
        return None
    top = [(k, v[0]) for k, v in folders_known(share_id=facts.share_id).items() if v[1] is None]
    return Crumb(file_id=top[0][0], name=top[0][1]) if len(top) == 1 else None


def first_image_thumbnail(*, request: HttpRequest, facts: ShareFacts) -> str:
    """A fresh signed thumbnail URL of the share's first image, on a trusted host; "" if none.

    Only for a share anyone may open (no password, no code, no sign-in) that shows previews: a link
    preview is seen by whoever the link is pasted to.
    """
    if facts.locked or facts.require_login or facts.disable_preview:
        return ""
    image = share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: selectors.first_image(
            share_id=facts.share_id, token=token
        ),
    )
    if image is None or not image.thumbnail or not data_url_trusted(image.thumbnail):
        return ""
    return image.thumbnail


def download_url_get(*, request: HttpRequest, facts: ShareFacts, file_id: str) -> DownloadUrl:
    """A signed URL to one file of the share, with the session's share token."""
    return share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: selectors.download_url_get(
            share_id=facts.share_id, token=token, file_id=file_id, access_token=access_token
        ),
    )


def file_open(*, request: HttpRequest, facts: ShareFacts, file_id: str) -> FileItem:
    """One file or folder of the share, with the session's share token (counts nothing)."""
    return share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: selectors.file_get(
            share_id=facts.share_id, token=token, file_id=file_id, access_token=access_token
        ),
    )


def file_neighbours_get(
    *, request: HttpRequest, facts: ShareFacts, item: FileItem
) -> selectors.Neighbours:
    """The previous and next files of `item` in its folder (see `selectors.file_neighbours`)."""
    return share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: selectors.file_neighbours(
            share_id=facts.share_id, token=token, item=item, access_token=access_token
        ),
    )


def preview_count(*, request: HttpRequest, facts: ShareFacts) -> None:
    """Tell the drive a preview of the share is being shown (`share_link/report_event`).

    Raises LimitReached when its preview limit is reached, FeatureDisabled when its owner
    turned previews off since its facts were read.
    """
    share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: selectors.preview_report(
            share_id=facts.share_id, token=token, access_token=access_token
        ),
    )


@dataclass(frozen=True)
class Preview:
    """What a file's page shows of its contents.

    `state`: "shown"; "disabled" (the owner turned previews off); "limit" (the share's
    preview limit is reached); "none" (nothing to show for this kind or these bytes);
    "failed" (the drive did not give the bytes now). `url` is the signed preview URL on a
    trusted host (images, media, PDF), `html` the escaped or sanitised markup of text and
    Markdown, `truncated` whether that text is only the file's start.
    """

    kind: str
    state: str
    url: str = ""
    html: str = ""
    truncated: bool = False


def preview_prepare(*, request: HttpRequest, facts: ShareFacts, item: FileItem) -> Preview:
    """What the page of `item` shows of it, each preview counted by the drive first.

    Nothing is counted for a share without previews, nor for a file with nothing to show.
    Text and Markdown are read here, the first `rendering.TEXT_PREVIEW_BYTES` of them,
    from the signed URL; every other kind is loaded by the visitor's browser from it.
    """
    kind = rendering.preview_kind(item)
    if facts.disable_preview:
        return Preview(kind, "disabled")
    if kind == rendering.OTHER or not item.url or not data_url_trusted(item.url):
        return Preview(kind, "none")
    try:
        preview_count(request=request, facts=facts)
    except errors.LimitReached:
        return Preview(kind, "limit")
    except errors.FeatureDisabled:
        return Preview(kind, "disabled")
    if kind not in (rendering.TEXT, rendering.MARKDOWN):
        return Preview(kind, "shown", url=item.url)
    try:
        head = selectors.file_head_read(url=item.url)
    except errors.DRIVE_FAILURES as exc:
        errors.log_if_drive_failed(exc)
        return Preview(kind, "failed")
    if rendering.looks_binary(head.data):
        return Preview(rendering.OTHER, "none")
    text = rendering.text_of(head.data, truncated=head.truncated)
    if kind == rendering.MARKDOWN:
        html = rendering.markdown_html(text)
    else:
        html = rendering.code_html(item.name, text)
    return Preview(kind, "shown", html=html, truncated=head.truncated)


def breadcrumbs_walk(*, request: HttpRequest, facts: ShareFacts, folder_id: str) -> list[Crumb]:
    """The folders from the share's top down to `folder_id`.

    PDS has no "path" operation, so the trail is walked upwards with `file/get`, as the official
    SDK does, but only for folders not seen listed yet; those it learns are remembered. The
    walk stops at a folder whose parent is "root" or outside the share (PDS answers that
    parent with NotFound).
    """
    known = folders_known(share_id=facts.share_id)
    learned: dict[str, tuple[str, str | None]] = {}

    def node(file_id: str) -> tuple[str, str | None]:
        if file_id in known:
            name, parent = known[file_id]
            return name, parent
        item = share_call(
            request=request,
            facts=facts,
            call=lambda token, access_token: selectors.folder_get(
                share_id=facts.share_id, token=token, file_id=file_id, access_token=access_token
            ),
        )
        parent = item.parent_file_id if item.parent_file_id not in ("", "root") else None
        learned[file_id] = (item.name, parent)
        return item.name, parent

    trail: list[Crumb] = []
    current = folder_id
    name, parent = node(current)
    while True:
        trail.append(Crumb(file_id=current, name=name))
        if parent is None or len(trail) >= MAX_DEPTH or parent in {c.file_id for c in trail}:
            break
        try:
            parent_name, grandparent = node(parent)
        except (errors.FileNotFound, errors.NoPermission):
            # The parent is outside the share: `current` is one of its top items.
            learned[current] = (name, None)
            break
        current, name, parent = parent, parent_name, grandparent
    if learned:
        folders_remember(share_id=facts.share_id, folders=learned)
    return trail[::-1]


@dataclass(frozen=True)
class SearchOutcome:
    """A page of search results, from the drive's share search or from the walk standing in.

    The drive's pages go on by `next_marker`; the walk's by `next_start`, a position in its
    results (each page walks again, within the same limits). `walk_complete` is False when the
    walk stopped at its limits, which the page says.
    """

    hits: list[SearchHit]
    next_marker: str = ""
    next_start: int | None = None
    walked: bool = False
    walk_complete: bool = True


def share_search(
    *, request: HttpRequest, facts: ShareFacts, text: str, marker: str, start: int
) -> SearchOutcome:
    """Files of the whole share whose name contains `text`, a page at a time.

    With the drive's share search (the embedded drive's extension of `file/search`), one call
    a page. A drive without it (a real PDS domain) refuses, and the share's folders are walked
    with `file/list` instead, within `selectors.WALK_MAX_*`. The folders on the results' paths
    are remembered, so that opening one needs no walk for its breadcrumbs.
    """
    outcome = _search_outcome(request=request, facts=facts, text=text, marker=marker, start=start)
    folders: dict[str, tuple[str, str | None]] = {}
    for hit in outcome.hits:
        parent: str | None = None
        for file_id, name in hit.parent_path:
            folders[file_id] = (name, parent)
            parent = file_id
        if hit.item.is_folder and (hit.parent_path or hit.item.parent_file_id in ("", "root")):
            folders[hit.item.file_id] = (hit.item.name, parent)
    if folders:
        folders_remember(share_id=facts.share_id, folders=folders)
    return outcome


def _search_outcome(
    *, request: HttpRequest, facts: ShareFacts, text: str, marker: str, start: int
) -> SearchOutcome:
    # The drive's search first, whatever `start` says (only the walk makes one): a page that
    # walks is never forced on a drive that searches. The client remembers a refusal, so a
    # drive without share search is asked once per process, not once a page.
    try:
        page = share_call(
            request=request,
            facts=facts,
            call=lambda token, access_token: selectors.search_page(
                share_id=facts.share_id,
                token=token,
                text=text,
                marker=marker,
                access_token=access_token,
            ),
        )
    except errors.SearchUnsupported:
        if marker:
            raise  # A marker the drive gave cannot come from a drive that refuses.
    else:
        return SearchOutcome(hits=page.items, next_marker=page.next_marker)
    walk = share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: selectors.search_walk(
            share_id=facts.share_id, token=token, text=text, access_token=access_token
        ),
    )
    end = start + selectors.SEARCH_PAGE_SIZE
    return SearchOutcome(
        hits=walk.hits[start:end],
        next_start=end if end < len(walk.hits) else None,
        walked=True,
        walk_complete=walk.complete,
    )
