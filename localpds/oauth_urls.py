"""Routes of the drive's OAuth 2.0 endpoints (docs/pds-api.md#oauth) and its sign-out page.

Included before the `/v2/` API, whose catch-all would otherwise answer these paths.
"""

from django.urls import path
from django.views.i18n import set_language

from . import oauth

urlpatterns = [
    path("v2/oauth/authorize", oauth.authorize, name="localpds-oauth-authorize"),
    path("v2/oauth/token", oauth.token, name="localpds-oauth-token"),
    path("v2/oauth/signout", oauth.sign_out, name="localpds-oauth-signout"),
    # The language switch of those pages (Django's own view: POST, CSRF token, local `next`).
    path("v2/oauth/language", set_language, name="localpds-language"),
]
