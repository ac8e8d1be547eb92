"""What a visitor's session remembers about the shares they opened, and how it changes.

The session (stored on the server; only its key travels in the cookie) holds, per share:
- `share_tokens[share_id]`: `{"token", "expires_at"}`, the share token PDS gave us. It never
  reaches the browser, a URL or a log line.
- `share_facts[share_id]`: the few facts of the share every page needs (its name, whether it has
  a password, what is allowed), so that a folder page costs one PDS call, not three.
- `share_folders[share_id]`: `{file_id: [name, parent_id]}` of the folders already seen, so that
  breadcrumbs are built without asking PDS again. `parent_id` is None for the share's top items.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.types import AnonymousShare, FileItem

# A held token is used until this many seconds before PDS said it ends, so that it does not
# expire between our check and PDS's.
TOKEN_MARGIN = 60
# Folders remembered per share; a visitor walking a huge tree must not grow the session forever.
MAX_FOLDERS_PER_SHARE = 2000


@dataclass(frozen=True)
class ShareFacts:
    """What the pages of a share need to know about it, kept in the session."""

    share_id: str
    name: str
    has_pwd: bool
    disable_download: bool
    disable_preview: bool


def _section(session: SessionBase, name: str) -> dict:
    section = session.get(name)
    if not isinstance(section, dict):
        section = {}
        session[name] = section
    return section


def share_facts_remember(*, request: HttpRequest, share: AnonymousShare) -> ShareFacts:
    """Keep the facts of `share` (fresh from PDS) in the session, and return them."""
    facts = ShareFacts(
        share_id=share.share_id,
        name=share.share_name,
        has_pwd=share.has_pwd,
        disable_download=share.disable_download,
        disable_preview=share.disable_preview,
    )
    section = _section(request.session, "share_facts")
    if section.get(share.share_id) != asdict(facts):
        section[share.share_id] = asdict(facts)
        request.session.modified = True
    return facts


def share_facts_get(*, request: HttpRequest, share_id: str) -> ShareFacts:
    """The facts of a share: from the session, or from PDS (`get_by_anonymous`) the first time."""
    stored = request.session.get("share_facts", {}).get(share_id)
    if stored:
        try:
            return ShareFacts(**stored)
        except TypeError:
            pass  # Written by an older version of this code: ask PDS again.
    share = get_client().get_share_link_by_anonymous(share_id)
    return share_facts_remember(request=request, share=share)


def share_token_held(*, request: HttpRequest, share_id: str) -> str:
    """The share token this session holds for the share, or "" when none is still good."""
    held = request.session.get("share_tokens", {}).get(share_id)
    if not held or held.get("expires_at", 0) - TOKEN_MARGIN <= time.time():
        return ""
    return held.get("token", "")


def _share_token_keep(*, request: HttpRequest, share_id: str, token: str, expires_in: int) -> None:
    section = _section(request.session, "share_tokens")
    section[share_id] = {"token": token, "expires_at": int(time.time()) + expires_in}
    request.session.modified = True


def share_token_forget(*, request: HttpRequest, share_id: str) -> None:
    """Drop the share token of this session for the share (PDS no longer accepts it)."""
    section = request.session.get("share_tokens", {})
    if share_id in section:
        del section[share_id]
        request.session.modified = True


def share_unlock(*, request: HttpRequest, share_id: str, password: str) -> str:
    """Get a share token with `password`, keep it and return it.

    Raises `SharePasswordWrong` when the password is not the share's.
    """
    token = get_client().get_share_token(share_id, password)
    if password:
        # A new session key once a password is proven, so that a session id planted in the
        # visitor's browser beforehand does not share what they unlocked.
        request.session.cycle_key()
    _share_token_keep(
        request=request, share_id=share_id, token=token.share_token, expires_in=token.expires_in
    )
    return token.share_token


def share_token_get(*, request: HttpRequest, facts: ShareFacts) -> str:
    """The session's token for the share, getting one without a password if the share needs none.

    Raises `SharePasswordRequired` when the share has a password and no token is held.
    """
    token = share_token_held(request=request, share_id=facts.share_id)
    if token:
        return token
    if facts.has_pwd:
        raise errors.SharePasswordRequired("no share token held")
    return share_unlock(request=request, share_id=facts.share_id, password="")


def share_call[T](*, request: HttpRequest, facts: ShareFacts, call: Callable[[str], T]) -> T:
    """Run `call(share_token)`, recovering once if PDS says the token is no longer valid.

    PDS may end a token early. Without a password a new one is fetched silently and the call
    retried once; with one, `ShareTokenInvalid` goes up so that the visitor is asked again.
    """
    token = share_token_get(request=request, facts=facts)
    try:
        return call(token)
    except errors.ShareTokenInvalid:
        share_token_forget(request=request, share_id=facts.share_id)
        if facts.has_pwd:
            raise
    try:
        return call(share_token_get(request=request, facts=facts))
    except errors.ShareTokenInvalid as exc:
        # A token fresh from PDS refused at once: asking the visitor cannot help, and sending
        # them back to the landing page would loop.
        share_token_forget(request=request, share_id=facts.share_id)
        raise errors.Unavailable("PDS refused a share token it had just issued") from exc


def folders_remember(
    *, request: HttpRequest, share_id: str, folders: dict[str, tuple[str, str | None]]
) -> None:
    """Remember folders of the share: `{file_id: (name, parent_id)}`, parent None at the top."""
    section = _section(request.session, "share_folders")
    known = section.setdefault(share_id, {})
    new = {k: list(v) for k, v in folders.items() if known.get(k) != list(v)}
    if not new:
        return
    known.update(new)
    # Dicts keep insertion order, so the folders seen longest ago go first.
    for stale in list(known)[: max(0, len(known) - MAX_FOLDERS_PER_SHARE)]:
        del known[stale]
    request.session.modified = True


def folders_remember_listed(
    *, request: HttpRequest, share_id: str, items: list[FileItem], parent_id: str | None
) -> None:
    """Remember the folders among `items`, listed inside `parent_id` (None: the share's top)."""
    folders = {item.file_id: (item.name, parent_id) for item in items if item.is_folder}
    if folders:
        folders_remember(request=request, share_id=share_id, folders=folders)


def folders_known(*, request: HttpRequest, share_id: str) -> dict[str, list]:
    """The folders of the share this session has seen: `{file_id: [name, parent_id]}`."""
    return request.session.get("share_folders", {}).get(share_id, {})
