"""The Jinja2 environment of the share pages (Django's own `Jinja2` backend, see settings).

The share pages are the hot path: Jinja2 renders the 50-row listing in about half the time of
Django's engine. What Django's tags gave the templates comes in as globals and filters here:
`url`, `static`, `htmx_script` (our own htmx with the CSP nonce), i18n through Django's gettext,
and the filters of dates and names. Autoescaping is on (the backend's default).
"""

import functools
from datetime import datetime
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.template import defaultfilters, engines
from django.template.backends.jinja2 import Jinja2
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext
from django_htmx.jinja import htmx_script
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from jinja2_fragments import render_block as render_jinja2_block

from shareportal.display import breakable, relative_time, shown_name
from shareportal.shares.datahosts import data_url_trusted
from shareportal.shares.embedding import url_namespace


@pass_context
def url(context: Context, name: str, *args: object) -> str:
    """`{% url name arg ... %}`, in the page's own namespace instance as Django's tag does.

    Inside the embed view (`/e/...`) the share pages' links stay there (see shares/embedding.py).
    """
    return reverse(name, args=args, current_app=url_namespace(context.get("request")))


def date(value: datetime | None, arg: str | None = None) -> str:
    """`|date:arg`, in the current time zone as Django's templates show times."""
    return defaultfilters.date(timezone.template_localtime(value), arg) if value else ""  # type: ignore[attr-defined]  # not in django-stubs 6.1.2


def time(value: datetime | None, arg: str | None = None) -> str:
    """`|time:arg`, in the current time zone."""
    return defaultfilters.time(timezone.template_localtime(value), arg) if value else ""  # type: ignore[attr-defined]  # not in django-stubs 6.1.2


def initial(name: str) -> str:
    """The first letter or digit of a (masked) name, for an avatar without a picture."""
    for char in name or "":
        if char.isalnum():
            return char.upper()
    return "?"


def trusted(url: str) -> bool:
    """Whether a signed data URL is on a host the configuration trusts (`PDS_DATA_ORIGINS`)."""
    return bool(url) and data_url_trusted(url)


@functools.lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """`{% static path %}`, looked up once per process: the manifest of hashed names is read
    once at start and never changes while the process runs, and every page asks for the same
    few files (each lookup parses and quotes the path again)."""
    return static(path)


def environment(**options: object) -> Environment:
    """The environment Django's Jinja2 backend renders the share pages with."""
    # Always on, whatever the settings say: every value from PDS is a visitor's text.
    options.pop("autoescape", None)
    # Tags on lines of their own leave no blank lines and indentation behind (`trim_blocks`,
    # `lstrip_blocks`): a listing's rows are a tenth smaller and quicker to render.
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)  # type: ignore[arg-type]
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    # Like {% blocktranslate trimmed %}: the messages do not depend on the template's layout.
    env.policies["ext.i18n.trimmed"] = True
    env.globals.update(
        url=url,
        static=static_url,
        htmx_script=htmx_script,
        get_current_language=translation.get_language,
        get_current_language_bidi=translation.get_language_bidi,
    )
    env.filters.update(
        date=date,
        time=time,
        relative=relative_time,
        initial=initial,
        trusted=trusted,
        shown=shown_name,
        breakable=breakable,
    )
    return env


def render_block(
    request: HttpRequest, template_name: str, block_name: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """One block of a Jinja2 page alone, for an htmx swap (what `"page.html#name"` was).

    The block sees what the whole page would: the request, its CSRF token and the context
    processors' values, as the Jinja2 backend gives them to a template.
    """
    backend = cast(Jinja2, engines["jinja2"])
    ctx = {
        **context,
        "request": request,
        "csrf_input": csrf_input_lazy(request),
        "csrf_token": csrf_token_lazy(request),
    }
    for processor in backend.template_context_processors:
        ctx.update(processor(request))
    html = render_jinja2_block(backend.env, template_name, block_name, ctx)
    return HttpResponse(html, status=status)
