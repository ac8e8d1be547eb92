"""The owner dashboard: sign in through the drive, then list, create, change and end shares.

Every page works without JavaScript (forms post and redirect); with htmx, rows are swapped in
place and folders of the picker open without reloading the page.
"""

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from shareportal.http import HtmxHttpRequest
from shareportal.languages import local_next
from shareportal.pds import errors
from shareportal.pds.types import FileItem, Page, ShareLink
from shareportal.qr import qr_svg

from . import auth, forms, oauth, selectors, services
from .auth import OwnerHttpRequest, owner_required
from .embeds import embed_snippet_ctx
from .problems import (
    TROUBLE,
    ProblemAction,
    pds_problems,
    problem_for,
    problem_response,
    trouble_words,
)

OAUTH_ERROR_CODE = re.compile(r"[a-z_]{1,64}")


@require_GET
def signin(request: HttpRequest) -> HttpResponse:
    """Start signing in: off to the drive's authorize page with a fresh state and PKCE."""
    next_url = oauth.next_url_safe(request, request.GET.get("next"))
    if auth.owner_of(request) is not None:
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(oauth.signin_start(request=request, next_url=next_url))


@require_GET
def oauth_callback(request: HtmxHttpRequest) -> HttpResponse:
    """Where the drive sends the owner back: check `state`, trade the code for tokens."""
    flow = oauth.signin_flow_pop(request=request, state=request.GET.get("state", ""))
    again: ProblemAction = {
        "action_url": reverse("dashboard:signin"),
        "action_label": _("Sign in again"),
    }
    if flow is None:
        return problem_response(
            request,
            status=400,
            title=_("This sign-in could not be checked"),
            explanation=_("It was started in another browser, took too long, or was already used."),
            **again,
        )
    error = request.GET.get("error", "")
    if error == "access_denied":
        return problem_response(
            request,
            status=403,
            title=_("You did not allow shareportal in"),
            explanation=_("Nothing was shared and nothing was kept. You can sign in any time."),
            **again,
        )
    code = request.GET.get("code", "")
    if error or not code:
        return problem_response(
            request,
            status=400,
            title=_("The drive did not sign you in"),
            explanation=_("It answered: %(error)s")
            % {"error": error if OAUTH_ERROR_CODE.fullmatch(error) else _("no code")},
            **again,
        )
    try:
        oauth.signin_finish(request=request, code=code, flow=flow)
    except errors.AccessTokenInvalid:
        return problem_response(
            request,
            status=400,
            title=_("This sign-in has expired"),
            explanation=_("The drive no longer accepts it. Please sign in again."),
            **again,
        )
    except errors.PdsError as exc:
        # Not "try again" on this address: its code works once, and must not be in a link.
        return problem_for(request, exc, action=again)
    return HttpResponseRedirect(flow.next_url)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Forget the owner's tokens and session, then go to `next` (a page of this site) or home.

    The share pages' header posts here too, with its own address as `next`: a visitor who signs
    out there stays on the share, which then asks for what it needs again (a password, a
    sign-in).
    """
    auth.signout(request=request)
    messages.success(request, _("You are signed out."))
    return HttpResponseRedirect(local_next(request, request.POST.get("next", "")))


@require_GET
@vary_on_headers("HX-Request")
@owner_required
@pds_problems
def index(request: OwnerHttpRequest) -> HttpResponse:
    """The owner's shares, filtered and paged; htmx's "Load more" gets only the next rows."""
    owner = request.owner
    form = forms.ShareFilterForm(request.GET)
    ctx = {"owner": owner, "form": form, "page": None, "refusal": ""}
    if not form.is_valid():
        return render(request, "dashboard/index.html", ctx, status=400)
    filters = form.cleaned_data
    try:
        page = owner.call(
            selectors.share_links_page,
            creator=filters["creator"] or owner.user_id,
            name=filters["q"],
            status=filters["status"],
            marker=filters["marker"],
        )
    except errors.NoPermission:
        ctx["refusal"] = _(
            "Only administrators of the drive can list other people's shares. "
            "Clear the creator to see your own."
        )
        return render(request, "dashboard/index.html", ctx, status=403)
    ctx["page"] = page
    ctx["failures"] = selectors.password_failures(shares=page.items)
    template = "dashboard/index.html#rows" if request.htmx else "dashboard/index.html"
    return render(request, template, ctx)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@owner_required
@pds_problems
def share_new(request: OwnerHttpRequest) -> HttpResponse:
    """Create a share: pick files from the drive, set the options, and create it."""
    browsing = request.method == "POST" and ("browse" in request.POST or "more" in request.POST)
    if request.method == "GET":
        form = forms.ShareCreateForm(initial={"time_zone": _owner_zone(request)})
        picker = forms.Picker()
    elif browsing or "generate" in request.POST:
        # Moving around the picker or asking for a password is not creating: what the owner
        # typed comes back as it was, without error messages.
        form = forms.ShareCreateForm.redisplayed(
            request.POST, new_password="generate" in request.POST
        )
        picker = forms.Picker.from_post(request.POST)
    else:
        form = forms.ShareCreateForm(request.POST)
        picker = forms.Picker.from_post(request.POST)
        share = _share_save(request, form) if form.is_valid() else None
        if share is not None:
            url = reverse("dashboard:share_detail", args=[share.share_id])
            return HttpResponseRedirect(f"{url}?created=1")
    # A drive in trouble is not asked again for the folder: the picks travel on regardless.
    folder = _picker_folder(request, picker) if form.pds_trouble is None else None
    ctx = {
        "owner": request.owner,
        "form": form,
        "picker": picker,
        "folder": folder,
        "picked_elsewhere": picker.picked_outside(folder.items if folder else []),
        "detect_zone": request.method == "GET" and services.TIME_ZONE_KEY not in request.session,
    }
    template = "dashboard/share_new.html"
    if request.htmx and browsing:
        template = "dashboard/share_new.html#picker"
    return _form_response(request, template, ctx, form)


def _form_response(
    request: HtmxHttpRequest, template: str, ctx: dict[str, Any], form: forms.ShareSettingsForm
) -> HttpResponse:
    """A form page: 400 with the form's errors, or the drive's trouble status (502/503/504)."""
    status = 400 if form.is_bound and form.errors else 200
    trouble = form.pds_trouble
    if trouble is not None and request.htmx:
        # htmx leaves the form in the page as typed; the alert area says what happened.
        return problem_for(request, trouble)
    if trouble is not None:
        status = trouble.status
    response = render(request, template, ctx, status=status)
    if trouble is not None and trouble.retry_after is not None:
        response["Retry-After"] = str(trouble.retry_after)
    return response


def _owner_zone(request: HttpRequest) -> str:
    return request.session.get(services.TIME_ZONE_KEY, settings.TIME_ZONE)


def _share_save(
    request: OwnerHttpRequest, form: forms.ShareSettingsForm, *, share_id: str = ""
) -> ShareLink | None:
    """Create the share of a valid form, or change share `share_id`; None if that failed.

    A refusal is added to the form, which then says which field and why; so is a drive in
    trouble, so that nothing the owner typed is lost to an error page.
    """
    services.time_zone_remember(session=request.session, time_zone=form.cleaned_data["time_zone"])
    try:
        fields = form.pds_fields()
        if share_id:
            return services.share_update(owner=request.owner, share_id=share_id, fields=fields)
        return services.share_create(owner=request.owner, fields=fields)
    except errors.InvalidParameter as exc:
        form.add_pds_refusal(exc)
    except TROUBLE as exc:
        if share_id:
            outcome = _("Your changes are not saved; everything you typed is still here.")
        else:
            outcome = _("The share was not created; everything you typed is still here.")
        form.add_pds_trouble(
            exc, words=f"{trouble_words(exc)} {outcome} {_('Try again in a moment.')}"
        )
    return None


def _picker_folder(request: OwnerHttpRequest, picker: forms.Picker) -> Page[FileItem]:
    """The page of the folder the picker shows; the top of the drive if that folder is gone."""
    try:
        return request.owner.call(
            selectors.drive_folder_page,
            drive_id=request.owner.drive_id,
            folder_id=picker.folder_id,
            marker=picker.marker,
        )
    except errors.FileNotFound:
        messages.warning(request, _("That folder is no longer there; here is the top."))
        picker.browse("root", name="")
        return request.owner.call(
            selectors.drive_folder_page, drive_id=request.owner.drive_id, folder_id="root"
        )


@require_GET
@vary_on_headers("HX-Request")
@owner_required
@pds_problems
def share_detail(request: OwnerHttpRequest, share_id: str) -> HttpResponse:
    """One share: its link, password, QR code. For htmx, its row of the list."""
    share = request.owner.call(selectors.share_link_get, share_id=share_id)
    ctx = {
        "owner": request.owner,
        "share": share,
        "created": "created" in request.GET,
        "failures": selectors.password_failures(shares=[share]),
    }
    if request.htmx:
        return render(request, "dashboard/index.html#row", ctx)
    return render(request, "dashboard/share_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@owner_required
@pds_problems
def share_edit(request: OwnerHttpRequest, share_id: str) -> HttpResponse:
    """Change a share's settings, in its own page or inside its row of the list."""
    owner = request.owner
    zone = _owner_zone(request)
    # Several rows of the list may be open for editing at once: their fields need their own ids.
    auto_id = f"id_{share_id}_%s"
    share: ShareLink | dict[str, Any] | None
    if request.method == "GET":
        share = owner.call(selectors.share_link_get, share_id=share_id)
        form = forms.ShareEditForm(
            initial=forms.edit_initial(share, time_zone=zone), auto_id=auto_id
        )
    elif "generate" in request.POST:
        form = forms.ShareEditForm.redisplayed(request.POST, new_password=True, auto_id=auto_id)
    else:
        form = forms.ShareEditForm(request.POST, auto_id=auto_id)
        share = _share_save(request, form, share_id=share_id) if form.is_valid() else None
        if share is not None:
            return _row_or_back(request, share, _("Your changes to the share are saved."))
    if request.method == "POST" and form.pds_trouble is None:
        # The form comes back with the owner's values; the share is read for its heading.
        share = owner.call(selectors.share_link_get, share_id=share_id)
    elif request.method == "POST":
        # The drive is in trouble: not asked again; the heading makes do with the name typed.
        share = {"share_id": share_id, "share_name": form.data.get("share_name", "")}
    ctx = {"owner": owner, "share": share, "form": form, "in_row": bool(request.htmx)}
    template = "dashboard/edit.html#edit_row" if request.htmx else "dashboard/edit.html"
    return _form_response(request, template, ctx, form)


@require_POST
@vary_on_headers("HX-Request")
@owner_required
@pds_problems
def share_status(request: OwnerHttpRequest, share_id: str) -> HttpResponse:
    """Disable a share, or enable it again; its address stays the same."""
    form = forms.ShareStatusForm(request.POST)
    if not form.is_valid():
        return problem_response(
            request,
            status=400,
            title=_("Choose enabled or disabled"),
            explanation=_("The form sent something else. Reload the page and try again."),
        )
    status = form.cleaned_data["status"]
    share = services.share_status_set(owner=request.owner, share_id=share_id, status=status)
    if status == "disabled":
        message = _("The share is disabled: visitors are refused until you enable it.")
    else:
        message = _("The share is enabled again.")
    return _row_or_back(request, share, message)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@owner_required
@pds_problems
def share_cancel(request: OwnerHttpRequest, share_id: str) -> HttpResponse:
    """Ask, then end a share for good."""
    owner = request.owner
    if request.method == "GET":
        share = owner.call(selectors.share_link_get, share_id=share_id)
        ctx = {"owner": owner, "share": share}
        template = "dashboard/cancel.html#confirm_row" if request.htmx else "dashboard/cancel.html"
        return render(request, template, ctx)
    services.share_cancel(owner=owner, share_id=share_id)
    if request.htmx:
        return render(request, "dashboard/cancel.html#cancelled_row", {"share_id": share_id})
    messages.success(request, _("The share is cancelled. Its link no longer opens."))
    return redirect("dashboard:index")


@require_http_methods(["GET", "POST"])
@owner_required
@pds_problems
def share_embed(request: OwnerHttpRequest, share_id: str) -> HttpResponse:
    """Which sites may embed a share, its snippet in a chosen size, and a live preview."""
    share = request.owner.call(selectors.share_link_get, share_id=share_id)
    if share.creator != request.owner.user_id:
        # An administrator reads anyone's share, but the sites that frame it are its owner's call.
        return problem_response(
            request,
            status=403,
            title=_("Only the share's owner can choose where it is embedded"),
            explanation=_("This share was created by someone else."),
        )
    if request.method == "POST":
        form = forms.EmbedSitesForm(request.POST)
        if form.is_valid():
            services.share_embed_sites_set(
                owner=request.owner, share=share, origins=form.cleaned_data["origins"]
            )
            messages.success(request, _("The sites that may embed this share are saved."))
            return redirect("dashboard:share_embed", share_id=share_id)
    else:
        sites = selectors.share_embed_sites(share_id=share_id)
        form = forms.EmbedSitesForm(initial={"origins": "\n".join(sites)})
    ctx = {"owner": request.owner, "share": share, "form": form}
    ctx |= embed_snippet_ctx(share, size=request.GET.get("size", ""))
    return render(request, "dashboard/embed.html", ctx, status=400 if form.errors else 200)


@require_GET
@owner_required
@pds_problems
def share_qr(request: OwnerHttpRequest, share_id: str) -> HttpResponse:
    """The QR code of a share's address, as an SVG image."""
    share = request.owner.call(selectors.share_link_get, share_id=share_id)
    svg = qr_svg(selectors.share_public_url(share.share_id), title=_("QR code of the share"))
    return HttpResponse(svg, content_type="image/svg+xml")


def _row_or_back(request: HtmxHttpRequest, share: ShareLink, message: str) -> HttpResponse:
    """After a change: the share's new row for htmx, else back to the list (post/redirect/get)."""
    if request.htmx:
        failures = selectors.password_failures(shares=[share])
        ctx = {"share": share, "flash": message, "failures": failures}
        return render(request, "dashboard/index.html#row", ctx)
    messages.success(request, message)
    return redirect("dashboard:index")
